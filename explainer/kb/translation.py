"""A second language for everything a person reads: the layer ``knowledge/<lang>/*.yaml``.

English stays the source. The layer gives, for the same ids, the words shown in another
language; :func:`explainer.kb.overlay.translate` lays them over a loaded English
:class:`KnowledgeBase` and returns a knowledge base whose every patient-facing text is in that
language, while every id, value, condition and rule stays the English one (so the same rules
fire).

Each file holds ``strings:``, a mapping from an id to its translation::

    strings:
      rule:surgery-before-spread/reason:
        es: >-
          Texto en español ...
        en_hash: 1a2b3c4d5e6f   # text_hash() of the English text it translates
        state: draft             # draft | source_checked | clinician_reviewed

The ids are the statement ids of the review packet (``rule:<id>/reason``,
``factor:stage/value.IV``, ``phrase:document.title/text``...) and, for the names and labels
that are not statements, the ids listed by :func:`label_texts` (``category:surgery/name``,
``factor:stage/value.IV/label``, ``glossary:her2/term``, ``care_team:surgeon/name``...).
``factor:<id>/value.<value>/aliases`` and ``glossary:<slug>/aliases`` hold lists: the words a
person may type for a value (``--hr positivo``), the other spellings marked as a term.

Honest status: a translation whose ``en_hash`` no longer matches the English is *stale*. It is
still shown (an older Spanish wording is closer to the truth than no Spanish), but its state
counts as ``draft`` and ``explainer lint`` reports it. A string with no translation at all is
shown in English -- never silently: the lint reports it, and the translation notice (a phrase
of the layer, added to the disclaimer, so that it is first and last in every output and cannot
be switched off) says that part of the text is not translated yet.

Citations (the titles, publishers and section titles of the sources) are names of documents
and are shown as published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, StrictStr, field_validator

from explainer.errors import KnowledgeBaseError
from explainer.kb.base import Frozen
from explainer.kb.interface import SCREENS
from explainer.kb.review_meta import ReviewState, TextHash, slug
from explainer.kb.reviews import entries, text_hash

NOTICE_ID = "translation:notice/text"
"""The layer's own status line: the translation has not been reviewed by a professional."""
NOTICE_REVIEWED_ID = "translation:notice_reviewed/text"
"""The status line when every string of the layer is clinician_reviewed and current."""
NOTICE_INCOMPLETE_ID = "translation:notice_incomplete/text"
"""Added to the status line when some strings are not translated yet (shown in English)."""
NOT_KNOWN_ID = "factor:_not_known/label"
"""How an unknown factor is shown under "what you entered" (``not_known_label``)."""
LAYER_IDS = (NOTICE_ID, NOTICE_REVIEWED_ID, NOTICE_INCOMPLETE_ID)
"""Ids that exist only in a translation (no English counterpart)."""


# --- the layer's files -------------------------------------------------------------------------


class Translation(Frozen):
    """One translated string: the words, the hash of the English they translate, its state."""

    es: Annotated[StrictStr, Field(min_length=1, max_length=2000)] | tuple[
        Annotated[StrictStr, Field(min_length=1, max_length=200)], ...]
    en_hash: TextHash | None = None
    """None only for the layer's own strings (the notices), which translate no English."""
    state: ReviewState = "draft"

    @field_validator("en_hash", mode="before")
    @classmethod
    def _digits_only(cls, value: Any) -> Any:
        # A hash of twelve decimal digits, unquoted, is read by YAML as a number.
        return f"{value:012d}" if isinstance(value, int) and not isinstance(value, bool) else value


LayerId = Annotated[StrictStr, Field(
    pattern=r"^[a-z_]+:[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+){1,2}$", max_length=200)]
"""A statement id (``kind:key/field``) or a label id (``factor:stage/value.IV/label``)."""


class LayerFile(Frozen):
    """``knowledge/<lang>/<kind>.yaml``: translations by id."""

    strings: dict[LayerId, Translation] = Field(default_factory=dict)


@dataclass(frozen=True)
class Layer:
    """Every translated string of one language, with the file each comes from."""

    lang: str
    strings: dict[str, Translation]
    files: dict[str, Path] = field(default_factory=dict)
    """The file each id is written in."""
    raw: dict[Path, Any] = field(default_factory=dict)
    """The parsed files (with line numbers, for the lint)."""

    def text(self, ident: str) -> str | None:
        """The translated text of ``ident`` (None when missing or a list)."""
        found = self.strings.get(ident)
        return found.es if found is not None and isinstance(found.es, str) else None

    def words(self, ident: str) -> tuple[str, ...]:
        """The translated list of ``ident`` (aliases), empty when missing."""
        found = self.strings.get(ident)
        if found is None:
            return ()
        return found.es if isinstance(found.es, tuple) else (found.es,)


def layer_folder(root: Path, lang: str) -> Path:
    """Where the layer of ``lang`` lives: ``knowledge/<lang>/``."""
    return root / "knowledge" / lang


def read_layer(root: Path, lang: str) -> Layer:
    """Read and validate ``knowledge/<lang>/*.yaml``. An id given twice, a file that is not
    valid YAML or not of the expected shape is a :class:`KnowledgeBaseError` with file:line.
    A missing folder is an empty layer (the lint reports every string as missing)."""
    from explainer.kb.validation import FAILED, Collector, read, validate
    from explainer.kb.yamlio import line_for

    issues = Collector()
    strings: dict[str, Translation] = {}
    files: dict[str, Path] = {}
    raws: dict[Path, Any] = {}
    folder = layer_folder(root, lang)
    paths = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    for path in paths:
        raw = read(path, issues)
        if raw is FAILED or raw is None:
            continue
        raws[path] = raw
        model = validate(LayerFile, raw, path, issues)
        if model is None:
            continue
        for ident, item in model.strings.items():
            if ident in strings:
                issues.add(path, line_for(raw, ("strings", ident)),
                           f"'{ident}' is translated twice (also in {files[ident].name})",
                           "keep one of the two")
                continue
            strings[ident] = item
            files[ident] = path
    if issues.issues:
        raise KnowledgeBaseError(issues.issues, root)
    return Layer(lang, strings, files, raws)


# --- what there is to translate ----------------------------------------------------------------


def phrase_id(screen: str, key: str) -> str:
    """The id of a fixed phrase of the interface: ``phrase:<screen>.<key>/text``."""
    return f"phrase:{screen}.{key}/text"


def statement_texts(kb: Any) -> dict[str, str]:
    """Every statement of the English ``kb`` (normalised text) and every fixed phrase (as
    written), by id: the same ids as the review packet."""
    found = {entry.statement_id(name): text for entry in entries(kb) for name, text in entry.fields}
    for screen in SCREENS:
        for key, text in kb.interface.texts(screen).items():
            found[phrase_id(screen, key)] = text
    return found


def label_texts(kb: Any) -> dict[str, str]:
    """The names and labels shown that are not statements, by id: category and kind names,
    factor labels, value labels, age band labels, glossary terms, care-team roles, how an
    unknown factor is shown."""
    found: dict[str, str] = {}
    for category in kb.categories.values():
        found[f"category:{category.id}/name"] = category.name
        for subtype in category.subtypes:
            found[f"subtype:{subtype.id}/name"] = subtype.name
    for factor in kb.factors.values():
        found[f"factor:{factor.id}/label"] = factor.label
        for value in factor.values:
            found[f"factor:{factor.id}/value.{value.id}/label"] = value.label
        for band in factor.bands:
            found[f"factor:{factor.id}/band.{band.id}/label"] = band.label
    found[NOT_KNOWN_ID] = kb.not_known_label
    for role in kb.care_team:
        found[f"care_team:{role.id}/name"] = role.role
    for term in kb.glossary:
        found[f"glossary:{slug(term.term)}/term"] = term.term
    return found


def english_texts(kb: Any) -> dict[str, str]:
    """Every id of the knowledge base a translation must give, with its English text
    (statements, phrases, labels; the teaching scenarios' are
    :func:`explainer.kb.scenarios.scenario_texts`)."""
    return {**statement_texts(kb), **label_texts(kb)}


def optional_ids(kb: Any) -> set[str]:
    """Ids a translation may give but need not: the lists of words typed or marked."""
    found = {f"factor:{factor.id}/value.{value.id}/aliases"
             for factor in kb.factors.values() for value in factor.values}
    found |= {f"glossary:{slug(term.term)}/aliases" for term in kb.glossary}
    return found | set(LAYER_IDS)


_PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def placeholders(text: str) -> list[str]:
    """The ``{placeholders}`` of a text, sorted (a translation must keep the English ones)."""
    return sorted(_PLACEHOLDER.findall(text))


def is_stale(item: Translation, english: str) -> bool:
    """Whether the English changed since ``item`` was translated (or it does not say which
    English it translates)."""
    return item.en_hash is None or item.en_hash != text_hash(english)
