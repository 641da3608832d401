"""Reading a pathology report: from its wording to the explainer's factors.

Education, not diagnosis: it reads the words a person typed, says what each item means in plain
words and which guideline it follows, adds up the factors the words settle, and never guesses.
Conflicting or partial results leave a factor unknown. What it knows (notations, thresholds, the
stage table, plain meanings) is data in the knowledge base (:mod:`explainer.kb.report`).
"""

from __future__ import annotations

from explainer.explanation.report.model import Conflict, Finding, ReportReading
from explainer.explanation.report.parse import read_report

__all__ = ["Conflict", "Finding", "ReportReading", "read_report"]
