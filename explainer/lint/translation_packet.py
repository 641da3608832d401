"""The translation review packet (``explainer review --lang es``): every string of a language
layer beside the English it translates, with its state, for a bilingual clinician.

Markdown and HTML list the strings by kind, after a "review first" list: the strings the five
reference profiles show, most shown first (what most readers will read). CSV has one row per
string, with empty ``verdict`` and ``comment`` columns for the reviewer.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from explainer.kb.overlay import translate
from explainer.kb.reviews import normalise, text_hash
from explainer.kb.translation import (
    LAYER_IDS,
    Layer,
    is_stale,
    optional_ids,
    read_layer,
)
from explainer.lint.translation import layer_texts
from explainer.render.packet import Block, Bullets, Grid, Heading, Paragraph, render_packet

TRANSLATION_COLUMNS = ("number", "id", "kind", "english", "translation", "state", "stale",
                       "en_hash", "current_en_hash", "file", "verdict", "comment")
KIND_ORDER = ("translation", "disclaimer", "phrase", "relevance", "category", "subtype", "rule",
              "factor", "care_team", "glossary", "stage", "support", "general", "scenario")


def _row_state(layer: Layer, ident: str, english: str | None) -> tuple[str, str, str]:
    """(translation, state, stale) of one id."""
    item = layer.strings.get(ident)
    if item is None:
        return "", "missing", ""
    shown = item.es if isinstance(item.es, str) else ", ".join(item.es)
    stale = english is not None and ident not in LAYER_IDS and is_stale(item, english)
    return normalise(shown), "draft" if stale else item.state, "stale" if stale else ""


def _ids(kb: Any, layer: Layer) -> list[str]:
    english = layer_texts(kb)
    extra = [ident for ident in layer.strings if ident not in english]
    found = [*english, *extra]
    order = {kind: index for index, kind in enumerate(KIND_ORDER)}
    return sorted(found, key=lambda ident: order.get(ident.split(":")[0], len(order)))


def most_shown(kb: Any, layer: Layer) -> list[tuple[str, int]]:
    """The statements the five reference profiles show in the layer's language, with how many
    of the five show each, most shown first (the first ones to review)."""
    from explainer.engine.oracle import oracle_fired
    from explainer.explanation.compose import Composer
    from explainer.kb.profiles import parse_profile, to_fact
    from explainer.lint.reading import REPRESENTATIVE_PROFILES

    translated = translate(kb, layer)
    composer = Composer(translated)
    counts: Counter[str] = Counter()
    for data in REPRESENTATIVE_PROFILES.values():
        profile = parse_profile(data, translated.factors)
        explanation = composer.compose(profile, oracle_fired(
            translated, to_fact(profile, translated.factors)))
        counts.update(set(explanation.knowledge.drafts))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def translation_rows(kb: Any, layer: Layer) -> list[tuple[object, ...]]:
    """One CSV row per id, in the order of :data:`TRANSLATION_COLUMNS`."""
    english = layer_texts(kb)
    rows: list[tuple[object, ...]] = []
    for number, ident in enumerate(_ids(kb, layer), 1):
        source = english.get(ident)
        shown, state, stale = _row_state(layer, ident, source)
        item = layer.strings.get(ident)
        path = layer.files.get(ident)
        rows.append((number, ident, ident.split(":")[0], normalise(source or ""), shown, state,
                     stale, item.en_hash or "" if item else "",
                     text_hash(source) if source is not None else "",
                     path.relative_to(kb.root) if path else "", "", ""))
    return rows


def translation_blocks(kb: Any, layer: Layer) -> list[Block]:
    """The packet as blocks (Markdown, HTML)."""
    english = layer_texts(kb)
    rows = translation_rows(kb, layer)
    states = Counter(str(row[5]) for row in rows)
    stale = sum(1 for row in rows if row[6])
    optional = optional_ids(kb)
    required = list(english)
    done = sum(1 for ident in required if ident in layer.strings)
    blocks: list[Block] = [
        Heading(1, f"Translation review packet: {layer.lang}"),
        Paragraph("Every string of the translation beside the English it translates. A "
                  "translation counts as a draft until a bilingual clinician approves it, and "
                  "again when its English changes (stale). Please check that each is accurate, "
                  "faithful to the English, plain, non-directive and in neutral Spanish "
                  "(\"usted\"), with NCI's terms.", "quote"),
        Bullets((f"Strings: {len(required)} to translate, {done} translated "
                 f"({100 * done // max(len(required), 1)}%), {stale} stale",
                 f"States: {states['clinician_reviewed']} clinician_reviewed, "
                 f"{states['source_checked']} source_checked, {states['draft']} draft, "
                 f"{states['missing']} missing",
                 f"Optional lists (words typed, term spellings): "
                 f"{sum(1 for ident in optional if ident in layer.strings)}")),
        Heading(2, "Review first: what the five reference profiles show"),
        Grid(("shown in", "id", "English", layer.lang), tuple(
            (f"{count} of 5", ident, normalise(english.get(ident, "")),
             _row_state(layer, ident, english.get(ident))[0])
            for ident, count in most_shown(kb, layer))),
    ]
    by_kind: dict[str, list[tuple[object, ...]]] = {}
    for row in rows:
        by_kind.setdefault(str(row[2]), []).append(row)
    for kind, kind_rows in by_kind.items():
        blocks.append(Heading(2, f"{kind} ({len(kind_rows)})"))
        blocks.append(Grid(("id", "English", layer.lang, "state"), tuple(
            (str(row[1]), str(row[3]), str(row[4]), f"{row[5]} {row[6]}".strip())
            for row in kind_rows)))
    return blocks


def translation_packet(kb: Any, lang: str, fmt: str = "markdown") -> str:
    """The translation review packet of ``lang`` for the English ``kb``, as ``fmt``."""
    layer = read_layer(kb.root, lang)
    return render_packet(fmt, lambda: translation_blocks(kb, layer),
                         lambda: (TRANSLATION_COLUMNS, translation_rows(kb, layer)))
