"""Loading the knowledge base: from the cache when its files are unchanged, else built anew.

Building (YAML -> frozen pydantic models -> cross-checked KnowledgeBase, every problem reported
with ``file:line``) lives in :mod:`explainer.kb.builder`; it is imported only on a cache miss, so
a command whose knowledge base is cached never loads the YAML parser.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from explainer.kb import cache, interface
from explainer.kb.knowledge import KnowledgeBase
from explainer.kb.language import choose_language
from explainer.kb.paths import resolve_root

if TYPE_CHECKING:
    from explainer.kb.report import ReportKnowledge


def load_knowledge(path: str | Path | None = None, lang: str = "en") -> KnowledgeBase:
    """Load, validate and cross-check a knowledge base.

    ``path`` is a folder holding ``knowledge/`` and ``rules/`` (or the ``knowledge/`` folder
    itself); None loads the copy bundled with the package. ``lang`` picks the language of
    every text: ``en`` (the source) or a layer under ``knowledge/<lang>/`` (see
    :mod:`explainer.kb.translation`); ids, values and rules are the same in every language.
    Raises :class:`~explainer.errors.KnowledgeBaseError` listing every problem with
    ``file:line``, and :class:`~explainer.errors.InputError` for a language the tool lacks.
    A validated knowledge base is kept in the cache (see :mod:`explainer.kb.cache`), one entry
    per language. The interface phrases of the loaded language become the active ones (see
    :func:`explainer.kb.interface.use`).
    """
    root = resolve_root(path)
    fingerprint, remembered = cache.fingerprint(root)
    kb = _english(root, fingerprint)
    if not remembered:
        cache.remember(root, fingerprint)
    if lang != "en":
        kb = _translated(kb, lang)
    interface.use(kb.interface)
    return kb


def _english(root: Path, fingerprint: str) -> KnowledgeBase:
    cached = cache.load(fingerprint)
    if cached is not None:
        return cached
    from explainer.kb.builder import build_knowledge

    kb = build_knowledge(root, fingerprint)
    cache.store(kb)
    return kb


def _translated(english: KnowledgeBase, lang: str) -> KnowledgeBase:
    from explainer.kb import overlay, translation

    lang = choose_language(lang)
    if lang == "en":
        return english
    cached = cache.load(overlay.fingerprint(english.fingerprint, lang))
    if cached is not None:
        return cached
    kb: KnowledgeBase = overlay.translate(
        english, translation.read_layer(english.root, lang))
    cache.store(kb)
    return kb


def load_report_knowledge(path: str | Path | None = None) -> ReportKnowledge:
    """What the pathology-report reader knows, from the knowledge base at ``path`` (see
    :func:`load_knowledge`: it is loaded, checked and cached with the rest)."""
    return load_knowledge(path).report
