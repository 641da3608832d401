"""A cache of the validated knowledge base, keyed by the content of every file it comes from.

Parsing some 170 YAML files and validating them takes tens of milliseconds, about as long as
everything else a short command does. The validated :class:`KnowledgeBase` is therefore kept as
a pickle in the user's cache folder, under a key made from the knowledge base's folder, the bytes
of every YAML file in it, and the code that reads and models it (``explainer/kb/``), so any
edit makes a new entry.
That key is itself remembered (an ``.index`` file) under the files' times and sizes, so that an
unchanged knowledge base is found without reading it; so is the factor listing (``.txt``).

It holds only the knowledge base: nothing a person enters is ever written. Set
``EXPLAINER_NO_CACHE=1`` to turn it off, or ``EXPLAINER_CACHE_DIR`` to move it. A cache that
cannot be read or written is simply not used.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from explainer.kb.files import MAX_KNOWLEDGE_FILE_BYTES, UnreadableFile, read_bounded

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see rendering)
if TYPE_CHECKING:
    from collections.abc import Callable

    from explainer.kb.knowledge import KnowledgeBase

_PACKAGE = Path(__file__).resolve().parent  # explainer/kb
# The code that reads, builds and models the knowledge base (this folder, which imports
# nothing of the explainer but its errors): a change to any of it must miss the cache.
_KB_CODE = (str(_PACKAGE), str(_PACKAGE.parent / "errors.py"))
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


def stat_signature(root: Path) -> tuple[tuple[str, int, int, int], ...]:
    """Each YAML file of ``root`` with its modification and change times and its size: a cheap
    way (no reading) to notice that the knowledge base changed. The change time moves with
    every write, even one that puts back an old modification time (``cp -p``, ``rsync -t``)."""
    signature: list[tuple[str, int, int, int]] = []
    for folder in ("knowledge", "rules"):
        _scan(os.path.join(root, folder), signature)
    return tuple(sorted(signature))


def _scan(folder: str, found: list[tuple[str, int, int, int]],
          suffixes: tuple[str, ...] = (".yaml", ".yml"), skip: tuple[str, ...] = ()) -> None:
    """Add every file with one of ``suffixes`` below ``folder``, except in folders named in
    ``skip`` (os.scandir: several times faster than rglob). Like rglob, and like the loader, it
    does not follow a link to a folder (so a link back up cannot make it loop)."""
    try:
        with os.scandir(folder) as listing:
            for entry in listing:
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if entry.name not in skip:
                            _scan(entry.path, found, suffixes, skip)
                    elif entry.name.endswith(suffixes) and entry.is_file():
                        info = entry.stat()
                        found.append((entry.path, info.st_mtime_ns, info.st_ctime_ns,
                                      info.st_size))
                except OSError:
                    continue
    except OSError:
        return


def _scan_file(path: str, found: list[tuple[str, int, int, int]]) -> None:
    try:
        info = os.stat(path)
    except OSError:
        return
    found.append((path, info.st_mtime_ns, info.st_ctime_ns, info.st_size))


def fingerprint(root: Path) -> tuple[str, bool]:
    """:func:`digest` of ``root``, and whether it was remembered: it is, without reading the
    files, when their times and sizes (and those of the explainer's code) are the ones seen
    when :func:`remember` last stored it. Reading and hashing some 170 files costs as much as
    loading the cached knowledge base itself."""
    folder = cache_dir()
    if folder is not None:
        found = _read_stamped(_index(folder, root), _state(root))
        if found is not None and len(found) == 64 and all(
                char in "0123456789abcdef" for char in found):
            return found, True
    return digest(root), False


def remember(root: Path, key: str) -> None:
    """Store ``key`` (the digest of ``root``, which has just loaded without a problem) under the
    files' current times and sizes, for :func:`fingerprint`."""
    folder = cache_dir()
    if folder is not None:
        _write(folder, _index(folder, root), _stamped(_state(root), key), "*.index")


def rendering(root: Path, name: str, make: Callable[[], str]) -> str:
    """``make()``, a text drawn from the knowledge base at ``root`` alone (such as the factor
    listing, never anything a person entered), kept under the knowledge base's digest, ``name``
    and the state of the explainer's code; so that a listing command answers without loading
    the knowledge base (and pydantic with it). ``name`` says what the text is: the command,
    its format and language."""
    key, remembered = fingerprint(root)
    folder = cache_dir()
    if folder is None:
        return make()
    from explainer import __version__

    entry = folder / f"{key}-{name}.txt"
    stamp = repr((__version__, _code()))
    if remembered:
        found = _read_stamped(entry, stamp)
        if found is not None:
            return found
    text = make()
    # Kept only when the knowledge base make() read is the one the key names: it loaded
    # without a problem (so its digest is remembered) and nothing changed in the meantime.
    if fingerprint(root) == (key, True):
        _write(folder, entry, _stamped(stamp, text), "*.txt")
    return text


# Remembered files start with a stamp, one line: the state (paths, times, sizes) they were
# written for. The whole state is compared, not a hash of it, so no two states can be mistaken
# for each other (and no hash module is imported on this path).


def _stamped(stamp: str, body: str) -> bytes:
    return f"{stamp}\n{body}".encode()


def _read_stamped(path: Path, stamp: str) -> str | None:
    """The body of ``path`` when it was written for ``stamp``, else None."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    head, newline, body = text.partition("\n")
    return body if newline and head == stamp else None


def _index(folder: Path, root: Path) -> Path:
    """Where the digest of the knowledge base at ``root`` is remembered."""
    import zlib

    return folder / f"{zlib.crc32(str(root).encode()):08x}.index"


def _state(root: Path) -> str:
    """The state of ``root``'s files and of the code the digest covers, on one line (repr
    escapes every line break a path could hold)."""
    return repr((str(root), sys.version_info[:2], _kb_code(), stat_signature(root)))


_CODE: dict[str, tuple[tuple[str, int, int, int], ...]] = {}


def _code() -> tuple[tuple[str, int, int, int], ...]:
    """Every module of the explainer with its times and size (looked at once per process)."""
    if "all" not in _CODE:
        found: list[tuple[str, int, int, int]] = []
        _scan(str(_PACKAGE.parent), found, (".py",), skip=("__pycache__", "_data"))
        _CODE["all"] = tuple(sorted(found))
    return _CODE["all"]


def _kb_code() -> tuple[tuple[str, int, int, int], ...]:
    """The modules of the knowledge-base stage (and errors.py) with their times and sizes:
    about a seventh of the explainer's, so a look-up stats a seventh as many files."""
    if "kb" not in _CODE:
        found: list[tuple[str, int, int, int]] = []
        _scan(_KB_CODE[0], found, (".py",), skip=("__pycache__",))
        _scan_file(_KB_CODE[1], found)
        _CODE["kb"] = tuple(sorted(found))
    return _CODE["kb"]


def digest(root: Path) -> str:
    """A hash of the knowledge base's folder, its files and the code that reads and models
    them (``explainer/kb/`` and ``errors.py``)."""
    import hashlib

    hasher = hashlib.sha256()
    hasher.update(f"{root}\0{sys.version_info[:2]}\0".encode())
    for module, *_ in _kb_code():
        hasher.update(Path(module).read_bytes())
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
    import pickle

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
    import pickle

    try:
        data = pickle.dumps(kb, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # caching is an optimisation; never let it fail a command
        return
    _write(folder, folder / f"{kb.fingerprint}.pickle", data, "*.pickle")


def _write(folder: Path, target: Path, data: bytes, kind: str) -> None:
    """Write ``target`` whole or not at all, then keep the newest _KEEP files of its ``kind``;
    failures (read-only home, full disk) are ignored."""
    import tempfile  # only when writing: most commands just read the cache

    temporary = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".partial")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
        temporary = None
        entries = sorted(folder.glob(kind), key=lambda path: path.stat().st_mtime)
        for old in entries[:-_KEEP]:
            old.unlink(missing_ok=True)
    except Exception:  # caching is an optimisation; never let it fail a command
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
