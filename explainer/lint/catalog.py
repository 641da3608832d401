"""The validators' names and concerns, as ``explainer lint --help`` lists them.

Kept apart from the validators themselves so that the help text does not import them (and the
YAML reader and pydantic with them); a test checks that it matches
:data:`explainer.lint.runner.VALIDATORS`.
"""

from __future__ import annotations

CATALOG: tuple[tuple[str, str], ...] = (
    ("knowledge-base", "schema and cross-reference errors (unknown ids, duplicate ids, bad YAML)"),
    ("citations", "a statement without a source, or a citation of a section source.yaml lacks"),
    ("wording", "directive or diagnostic wording, doses, schedules (with a suggested rewording)"),
    ("reading-level", "patient-facing text above the reading grade limit (FK and SMOG)"),
    ("terms", "a term of art that neither the glossary nor the text itself explains"),
    ("cases", "a rule without cases, a case file without expectations, a failing case"),
    ("unused", "a knowledge entry nothing uses (term, section, factor value, role, question)"),
    ("glossary", "a glossary alias that names something else, or a term only definitions use"),
    ("reachability", "a category, subtype or rule that no profile can ever show"),
    ("review", "review metadata in the future, stale, older than the source's revision, or "
               "the words changed since review"),
    ("companions", "a treatment shown as more likely than the treatment it is given with"),
    ("translation", "a translation (lint --lang es): missing, orphan or stale strings, "
                    "placeholders, glossary terms, Fernández-Huerta reading ease, directive "
                    "wording"),
)
"""(name, concern) of every validator, in the order they run."""
