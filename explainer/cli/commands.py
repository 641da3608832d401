"""The ``explainer`` commands: for each, the module that holds it and its one-line help.

This table is all that ``explainer --help`` and ``--version`` need, so they import no command
module. Every command module has the same shape:

- ``DESCRIPTION``, what ``explainer COMMAND --help`` says first, and ``EPILOG``, its examples
  (or None);
- ``add_arguments(parser)`` (``add_arguments(parser, kb)`` for a command with a flag per factor
  of the knowledge base ``kb``), which adds its options;
- ``run(args)``, which runs it and returns the exit status.

:func:`explainer.cli.main.build_parser` puts them together (with
:func:`explainer.cli.options.add_command`).

Listed by --help in this order: what a first-time reader uses first, then the tools for
learners, then those for maintainers and reviewers.
"""

from __future__ import annotations

# name: (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "interview": ("explainer.cli.interview",
                  "answer the questions one at a time, then see the explanation"),
    "explain": ("explainer.cli.explain",
                "explain which treatment categories are often discussed, and why"),
    "serve": ("explainer.cli.serve", "serve the explainer as a local web page and JSON API"),
    "why": ("explainer.cli.why", "why a category or kind has its relevance for a profile"),
    "compare": ("explainer.cli.compare", "show what changes between two profiles (files)"),
    "demo": ("explainer.cli.demo",
             "teaching scenarios for educators (list, show one, or a walkthrough)"),
    "factors": ("explainer.cli.factors",
                "list the factors you can enter and their allowed values"),
    "schema": ("explainer.cli.schema",
               "print the JSON Schema of the profile and of the explanation"),
    "lint": ("explainer.cli.lint",
             "check the knowledge base: sources, wording, reading level, cases, review"),
    "review": ("explainer.cli.review",
               "write the clinician review packet (every statement, its source, review state, "
               "rules and coverage); record a clinician's verdicts"),
    "report": ("explainer.cli.report",
               "read pathology-report wording and say what it means (ER, PR, HER2, TNM, stage)"),
}
