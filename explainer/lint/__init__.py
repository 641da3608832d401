"""``explainer lint``: small validators, one per concern, over a knowledge base.

Each issue has a severity, a ``file:line`` and a fix. See :mod:`explainer.lint.runner` for the
exit codes and :data:`VALIDATORS` for the list of checks.
"""

from explainer.lint.base import LintIssue, LintOptions, Severity
from explainer.lint.runner import (
    VALIDATOR_NAMES,
    VALIDATORS,
    LintResult,
    format_json,
    format_text,
    run_lint,
)

__all__ = ["VALIDATORS", "VALIDATOR_NAMES", "LintIssue", "LintOptions", "LintResult", "Severity",
           "format_json", "format_text", "run_lint"]
