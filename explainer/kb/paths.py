"""Where a knowledge base lives and which files it is made of.

The bundled copy is inside the installed package, or beside it in a checkout; any other folder
holding ``knowledge/`` and ``rules/`` may be named instead.
"""

from __future__ import annotations

from pathlib import Path

from explainer.errors import KnowledgeBaseError, KnowledgeIssue
from explainer.kb.files import MAX_KNOWLEDGE_FILE_BYTES, bundled_root

REVIEWS_FOLDER = "reviews"
"""knowledge/reviews/: the clinicians' review ledger (optional files)."""
CLINICIAN_FILE = "clinician.yaml"
COMMENTS_FILE = "comments.yaml"
CASES_SUFFIX = ".cases.yaml"
NOTES_FOLDER = "notes"
MAX_FILE_BYTES = MAX_KNOWLEDGE_FILE_BYTES
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
