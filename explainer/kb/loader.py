"""Loading the knowledge base: from the cache when its files are unchanged, else built anew.

Building (YAML -> frozen pydantic models -> cross-checked KnowledgeBase, every problem reported
with ``file:line``) lives in :mod:`explainer.kb.builder`; it is imported only on a cache miss, so
a command whose knowledge base is cached never loads the YAML parser.
"""

from __future__ import annotations

from pathlib import Path

from explainer.kb import cache, interface
from explainer.kb.knowledge import KnowledgeBase
from explainer.kb.paths import resolve_root
from explainer.kb.report import ReportKnowledge


def load_knowledge(path: str | Path | None = None) -> KnowledgeBase:
    """Load, validate and cross-check a knowledge base.

    ``path`` is a folder holding ``knowledge/`` and ``rules/`` (or the ``knowledge/`` folder
    itself); None loads the copy bundled with the package. Raises
    :class:`~explainer.errors.KnowledgeBaseError` listing every problem with ``file:line``.
    A validated knowledge base is kept in the cache (see :mod:`explainer.kb.cache`).
    """
    root = resolve_root(path)
    fingerprint = cache.digest(root)
    cached = cache.load(fingerprint)
    if cached is not None:
        interface.use(cached.interface)
        return cached
    from explainer.kb.builder import build_knowledge

    kb = build_knowledge(root, fingerprint)
    cache.store(kb)
    interface.use(kb.interface)
    return kb


def load_report_knowledge(path: str | Path | None = None) -> ReportKnowledge:
    """What the pathology-report reader knows, from the knowledge base at ``path`` (see
    :func:`load_knowledge`: it is loaded, checked and cached with the rest)."""
    return load_knowledge(path).report
