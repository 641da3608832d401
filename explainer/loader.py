"""Loading the knowledge base: from the cache when its files are unchanged, else built anew.

Building (YAML -> frozen pydantic models -> cross-checked KnowledgeBase, every problem reported
with ``file:line``) lives in :mod:`explainer.builder`; it is imported only on a cache miss, so
a command whose knowledge base is cached never loads the YAML parser.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from explainer import cache
from explainer.errors import KnowledgeBaseError, KnowledgeIssue
from explainer.knowledge import KnowledgeBase
from explainer.models.knowledge import (
    CareTeamFile,
    CategoriesFile,
    DisclaimerFile,
    FactorsFile,
    GlossaryFile,
    RelevanceFile,
    SourceFile,
    StageMeaningsFile,
    SupportFile,
)
from explainer.paths import bundled_root

KNOWLEDGE_FILES: dict[str, type[BaseModel]] = {
    "source.yaml": SourceFile,
    "factors.yaml": FactorsFile,
    "categories.yaml": CategoriesFile,
    "relevance.yaml": RelevanceFile,
    "care_team.yaml": CareTeamFile,
    "glossary.yaml": GlossaryFile,
    "disclaimer.yaml": DisclaimerFile,
    "stage_meanings.yaml": StageMeaningsFile,
    "support.yaml": SupportFile,
}
CASES_SUFFIX = ".cases.yaml"
NOTES_FOLDER = "notes"
MAX_FILE_BYTES = 2_000_000
# CLI options the explain command uses itself; a factor's cli_flag must not take one of them.
RESERVED_FLAGS = {"profile", "format", "audience", "knowledge", "output", "help", "version",
                  "what-if", "color", "no-color", "width"}


def resolve_root(path: str | Path | None) -> Path:
    """The folder holding ``knowledge/`` and ``rules/`` for ``path``.

    ``path`` may be that folder, or its ``knowledge/`` folder; None means the bundled copy.
    """
    if path is None:
        return bundled_root()
    candidate = Path(path).expanduser()
    if (candidate / "knowledge").is_dir() and (candidate / "rules").is_dir():
        return candidate.resolve()
    if (candidate / "source.yaml").is_file() and (candidate.parent / "rules").is_dir():
        return candidate.parent.resolve()
    raise KnowledgeBaseError([KnowledgeIssue(
        candidate, None, "not a knowledge base folder",
        "point at a folder that holds knowledge/ and rules/ (copy both from the project)")])


def load_knowledge(path: str | Path | None = None) -> KnowledgeBase:
    """Load, validate and cross-check a knowledge base.

    ``path`` is a folder holding ``knowledge/`` and ``rules/`` (or the ``knowledge/`` folder
    itself); None loads the copy bundled with the package. Raises
    :class:`~explainer.errors.KnowledgeBaseError` listing every problem with ``file:line``.
    A validated knowledge base is kept in the cache (see :mod:`explainer.cache`).
    """
    root = resolve_root(path)
    fingerprint = cache.digest(root)
    cached = cache.load(fingerprint)
    if cached is not None:
        return cached
    from explainer.builder import build_knowledge

    kb = build_knowledge(root, fingerprint)
    cache.store(kb)
    return kb
