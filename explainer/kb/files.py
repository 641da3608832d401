"""Reading a file that may be hostile: a regular file only, never more than a set size.

Every knowledge-base file, rule file, case file, scenario and profile file is read through
:func:`read_bounded`. A FIFO would block for ever and a link to ``/dev/zero`` would fill the
memory, so the file is opened without waiting (``O_NONBLOCK``), checked to be a regular file
on the open handle (no race between a check and the open), and read up to the limit plus one
byte, so that an oversized file is refused without reading it whole.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

# The package folder (explainer/), one level above this file's kb/ folder.
_PACKAGE = Path(__file__).resolve().parent.parent


def bundled_root() -> Path:
    """The folder holding the bundled ``knowledge/`` and ``rules/``.

    A wheel carries them in ``explainer/_data``; a source checkout (or an editable install) has
    them beside the package, at the top of the repository.
    """
    for candidate in (_PACKAGE / "_data", _PACKAGE.parent):
        if (candidate / "knowledge").is_dir() and (candidate / "rules").is_dir():
            return candidate
    from explainer.errors import KnowledgeBaseError, KnowledgeIssue

    raise KnowledgeBaseError([KnowledgeIssue(
        _PACKAGE, None, "the bundled knowledge base is missing from this installation",
        "reinstall the package (pip install .) or pass --knowledge DIR")])


MAX_KNOWLEDGE_FILE_BYTES = 2_000_000
"""The largest knowledge-base, rule or scenario file read (the largest real one is ~30 KB)."""


class UnreadableFile(Exception):
    """A file that cannot or may not be read. ``reason`` says why, ``hint`` how to fix it."""

    def __init__(self, path: Path, reason: str, hint: str, strerror: str | None = None) -> None:
        super().__init__(f"{reason} ({hint})")
        self.path = path
        self.reason = reason
        self.hint = hint
        self.strerror = strerror
        """The system's words when opening or reading failed ("No such file or directory")."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path`` (links followed), at most ``limit`` of them.

    Raises :class:`UnreadableFile` for a missing or unreadable file, a folder, a FIFO, a
    device, a socket, or a file larger than ``limit`` bytes.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        handle = os.open(path, flags)
    except OSError as error:
        if error.errno is not None and os.path.isdir(path):
            raise UnreadableFile(path, "it is a folder", "give a file") from None
        raise UnreadableFile(path, f"cannot read the file ({error.strerror})",
                             "check that it exists and is readable", error.strerror) from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(path, f"it is {_kind(info.st_mode)}, not a regular file",
                                 "give a regular file")
        if info.st_size > limit:
            raise UnreadableFile(path, f"the file is larger than {_size(limit)}",
                                 "split or shorten it")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(handle, min(1 << 16, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # it grew while being read
            raise UnreadableFile(path, f"the file is larger than {_size(limit)}",
                                 "split or shorten it")
        return b"".join(chunks)
    except OSError as error:
        raise UnreadableFile(path, f"cannot read the file ({error.strerror})",
                             "check that it exists and is readable", error.strerror) from None
    finally:
        os.close(handle)


def _size(limit: int) -> str:
    if limit >= 1_000_000:
        return f"{limit / 1_000_000:g} MB"
    return f"{limit // 1024} KB"
