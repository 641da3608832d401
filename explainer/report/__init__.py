"""``explainer report``: from pathology-report wording to the explainer's factors.

Education, not diagnosis: it reads the words a person typed, says what each item means in plain
words and which guideline it follows, adds up the factors the words settle, and never guesses.
Conflicting or partial results leave a factor unknown.
"""

from __future__ import annotations

from explainer.report.knowledge import ReportKnowledge, load_report_knowledge
from explainer.report.model import Conflict, Finding, ReportReading
from explainer.report.parse import read_report

__all__ = ["Conflict", "Finding", "ReportKnowledge", "ReportReading", "load_report_knowledge",
           "read_report"]
