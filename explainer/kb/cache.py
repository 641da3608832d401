"""A cache of the validated knowledge base, keyed by the content of every file it comes from.

Parsing some 170 YAML files and validating them takes tens of milliseconds, about as long as
everything else a short command does. The validated :class:`KnowledgeBase` is therefore kept as
a pickle in the user's cache folder, under a key made from the knowledge base's folder, the bytes
of every YAML file in it, and the explainer's own model code, so any edit makes a new entry.

It holds only the knowledge base: nothing a person enters is ever written. Set
``EXPLAINER_NO_CACHE=1`` to turn it off, or ``EXPLAINER_CACHE_DIR`` to move it. A cache that
cannot be read or written is simply not used.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from explainer.kb.files import MAX_KNOWLEDGE_FILE_BYTES, UnreadableFile, read_bounded

if TYPE_CHECKING:
    from explainer.kb.knowledge import KnowledgeBase

_PACKAGE = Path(__file__).resolve().parent  # explainer/kb
# The code whose classes end up in the pickle: a change to any of it must miss the cache.
_MODEL_SOURCES = ("models.py", "knowledge.py", "conditions.py", "profiles.py", "cache.py",
                  "builder.py", "rulefiles.py", "validation.py", "interface.py",
                  "reviews.py", "report.py", "reportfiles.py", "translation.py", "overlay.py",
                  "base.py", "review_meta.py")
_KEEP = 8  # entries kept per cache folder; older ones are removed


def cache_dir() -> Path | None:
    """Where cached knowledge bases live, or None when caching is off."""
    if os.environ.get("EXPLAINER_NO_CACHE"):
        return None
    chosen = os.environ.get("EXPLAINER_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "breast-cancer-explainer"


def knowledge_files(root: Path) -> list[Path]:
    """Every YAML file of the knowledge base under ``root``, in a stable order."""
    files = [path for folder in ("knowledge", "rules") for path in (root / folder).rglob("*")
             if path.suffix in (".yaml", ".yml") and path.is_file()]
    return sorted(files)


def stat_signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    """Each YAML file of ``root`` with its size and modification time: a cheap way (no reading)
    to notice that the knowledge base changed."""
    signature = []
    for path in knowledge_files(root):
        try:
            info = path.stat()
        except OSError:
            continue
        signature.append((str(path), info.st_mtime_ns, info.st_size))
    return tuple(signature)


def digest(root: Path) -> str:
    """A hash of the knowledge base's folder, files and the code that models them."""
    hasher = hashlib.sha256()
    hasher.update(f"{root}\0{sys.version_info[:2]}\0".encode())
    for name in _MODEL_SOURCES:
        hasher.update((_PACKAGE / name).read_bytes())
    for path in knowledge_files(root):
        hasher.update(str(path.relative_to(root)).encode() + b"\0")
        try:
            hasher.update(read_bounded(path, MAX_KNOWLEDGE_FILE_BYTES))
        except UnreadableFile:  # the loader reports it
            hasher.update(b"<unreadable>")
        hasher.update(b"\0")
    return hasher.hexdigest()


def load(key: str) -> KnowledgeBase | None:
    """The cached knowledge base for ``key``, or None."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with (folder / f"{key}.pickle").open("rb") as handle:
            loaded = pickle.load(handle)
    except Exception:  # a missing, partial or stale entry is just a miss
        return None
    from explainer.kb.knowledge import KnowledgeBase

    return loaded if isinstance(loaded, KnowledgeBase) and loaded.fingerprint == key else None


def store(kb: KnowledgeBase) -> None:
    """Keep ``kb`` under its fingerprint; failures (read-only home, full disk) are ignored."""
    folder = cache_dir()
    if folder is None:
        return
    import tempfile  # only when writing: most commands just read the cache

    temporary = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".partial")
        with os.fdopen(handle, "wb") as out:
            pickle.dump(kb, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, folder / f"{kb.fingerprint}.pickle")
        temporary = None
        entries = sorted(folder.glob("*.pickle"), key=lambda path: path.stat().st_mtime)
        for old in entries[:-_KEEP]:
            old.unlink(missing_ok=True)
    except Exception:  # caching is an optimisation; never let it fail a command
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
