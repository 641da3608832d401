"""Where the bundled knowledge base lives: inside the installed package, or in the checkout."""

from __future__ import annotations

from pathlib import Path

from explainer.errors import KnowledgeBaseError, KnowledgeIssue

_PACKAGE = Path(__file__).resolve().parent


def bundled_root() -> Path:
    """The folder holding the bundled ``knowledge/`` and ``rules/``.

    A wheel carries them in ``explainer/_data``; a source checkout (or an editable install) has
    them beside the package, at the top of the repository.
    """
    for candidate in (_PACKAGE / "_data", _PACKAGE.parent):
        if (candidate / "knowledge").is_dir() and (candidate / "rules").is_dir():
            return candidate
    raise KnowledgeBaseError([KnowledgeIssue(
        _PACKAGE, None, "the bundled knowledge base is missing from this installation",
        "reinstall the package (pip install .) or pass --knowledge DIR")])
