"""``explainer lint``: small validators, one per concern, over a knowledge base.

Each issue has a severity, a ``file:line`` and a fix. See :mod:`explainer.lint.runner` for the
exit codes and :data:`VALIDATORS` for the list of checks.

The names below are imported on first use (PEP 562), so that ``explainer lint --help`` (which
reads only :mod:`explainer.lint.catalog`) does not load every validator.
"""

from __future__ import annotations

from explainer.lazy import lazy_exports

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a fast lint --help)

_EXPORTS = {
    "LintIssue": "explainer.lint.base", "LintOptions": "explainer.lint.base",
    "Severity": "explainer.lint.base", "VALIDATOR_NAMES": "explainer.lint.runner",
    "VALIDATORS": "explainer.lint.runner", "LintResult": "explainer.lint.runner",
    "format_json": "explainer.lint.runner", "format_text": "explainer.lint.runner",
    "run_lint": "explainer.lint.runner",
}

if TYPE_CHECKING:
    from explainer.lint.base import LintIssue, LintOptions, Severity
    from explainer.lint.runner import (
        VALIDATOR_NAMES,
        VALIDATORS,
        LintResult,
        format_json,
        format_text,
        run_lint,
    )


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())


__all__ = ["VALIDATORS", "VALIDATOR_NAMES", "LintIssue", "LintOptions", "LintResult", "Severity",
           "format_json", "format_text", "run_lint"]
