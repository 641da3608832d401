"""``explainer lint``: small validators, one per concern, over a knowledge base.

Each issue has a severity, a ``file:line`` and a fix. :mod:`explainer.lint.runner` runs them
(``run_lint``, the list of checks ``VALIDATORS``, the exit codes, the text and JSON reports);
:mod:`explainer.lint.base` has the issue, its severity and the options. This package exports
nothing itself, so that ``explainer lint --help`` (which reads only
:mod:`explainer.lint.catalog`) loads no validator.
"""
