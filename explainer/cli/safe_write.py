"""Writing a command's result to ``--output FILE`` without ever destroying anything else.

What happens at each kind of target (decided here, documented in docs/cli.md):

* **a regular file, or nothing yet**: the text goes to a new temporary file in the same folder,
  with a unique short name (``.explainer-XXXXXXXX.tmp``, so a 250-character file name still
  fits the 255-byte limit and parallel writers never share one), is flushed to disk, given the
  existing file's permissions (a 0600 file stays 0600: it is health information) or, for a new
  file, the usual ones (0666 less the umask), and then renamed over the target in one step. A
  reader sees the old file or the new one, never half of one; 20 writers at once all succeed,
  the last rename winning. On any failure the temporary file is removed and nothing else
  changed.
* **a symbolic link**: followed, as the shell's ``>`` follows it: the file it points to is
  replaced as above and the link stays a link. A link to something that is not a regular
  file is treated as that thing.
* **a character device or a FIFO** (``/dev/null``, ``/dev/stdout``, a named pipe): written in
  place, as the shell's ``>`` would, never replaced by a regular file. A FIFO that no program
  is reading is refused at once (opening it would wait for ever).
* **a folder, a block device or a socket**: refused with one line.
* **the file being read** (``--profile``, ``--report``, a compared profile): refused with one
  line, before anything is written.

Every refusal and every failed write is an :class:`OutputError` (exit status 2), one line.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterable

from explainer.errors import OutputError

TEMPORARY_PREFIX = ".explainer-"
TEMPORARY_SUFFIX = ".tmp"


def _failure(shown: str, error: OSError, fix: str) -> OutputError:
    reason = error.strerror or type(error).__name__
    return OutputError(f"cannot write '{shown}': {reason}; {fix}")


def _same_file(target: os.stat_result, inputs: Iterable[str | os.PathLike[str]]) -> str | None:
    for source in inputs:
        try:
            read = os.stat(source)
        except (OSError, ValueError):
            continue
        if (read.st_dev, read.st_ino) == (target.st_dev, target.st_ino):
            return os.fspath(source)
    return None


def _write_in_place(path: str, shown: str, data: bytes, is_fifo: bool) -> None:
    """Write to a device or a FIFO as the shell's ``>`` would (no truncation of a device)."""
    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0)
    if is_fifo:
        flags |= os.O_NONBLOCK  # fails at once (ENXIO) when nobody reads, instead of waiting
    try:
        handle = os.open(path, flags)
    except OSError as error:
        if is_fifo and error.errno == errno.ENXIO:
            raise OutputError(f"cannot write '{shown}': it is a FIFO (named pipe) that no "
                              "program is reading; start the reader first") from None
        raise _failure(shown, error, "check that it is writable") from None
    try:
        if is_fifo:
            os.set_blocking(handle, True)
        view = memoryview(data)
        while view:
            written = os.write(handle, view)
            view = view[written:]
    except OSError as error:
        raise _failure(shown, error, "check the device or the program reading it") from None
    finally:
        os.close(handle)


def _new_file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _replace_regular(path: str, shown: str, data: bytes, existing: os.stat_result | None) -> None:
    """Write ``data`` to a unique temporary file beside ``path``, then rename it over ``path``."""
    folder = os.path.dirname(path) or "."
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=TEMPORARY_PREFIX,
                                             suffix=TEMPORARY_SUFFIX)
    except OSError as error:
        raise _failure(shown, error, "check that the folder exists and is writable") from None
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view):]
            if existing is not None:
                os.fchmod(handle, stat.S_IMODE(existing.st_mode))
                if hasattr(os, "fchown") and os.geteuid() == 0:
                    # Run as root over another user's file: it stays theirs.
                    os.fchown(handle, existing.st_uid, existing.st_gid)
            else:
                os.fchmod(handle, _new_file_mode())
            os.fsync(handle)
        finally:
            os.close(handle)
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise _failure(shown, error, "check that the folder is writable and the disk has "
                                     "space") from None


def write_output(text: str, output: str, inputs: Iterable[str | os.PathLike[str]] = ()) -> None:
    """Write ``text`` (UTF-8) to the path ``output`` safely; see the module's documentation.

    ``inputs`` are the files the command read: writing over one of them is refused.
    Raises :class:`~explainer.errors.OutputError` (one line) when it cannot or may not write.
    """
    if not output:
        raise OutputError("--output needs a file name (an empty one was given); leave --output "
                          "out to print to the screen")
    data = text.encode("utf-8")
    shown = output
    # Follow symbolic links deliberately: write to what the link points to.
    path = os.path.realpath(output)
    try:
        existing: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        existing = None
    except OSError as error:
        raise _failure(shown, error, "check the path") from None
    if existing is not None:
        same = _same_file(existing, inputs)
        if same is not None:
            raise OutputError(f"--output '{shown}' is the file being read ('{same}'); choose "
                              "another file name")
        mode = existing.st_mode
        if stat.S_ISDIR(mode):
            raise OutputError(f"cannot write '{shown}': it is a folder; give a file name, for "
                              f"example {os.path.join(shown, 'explanation.txt')}")
        if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
            _write_in_place(path, shown, data, stat.S_ISFIFO(mode))
            return
        if not stat.S_ISREG(mode):
            kind = "a block device" if stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(
                mode) else "not a regular file"
            raise OutputError(f"cannot write '{shown}': it is {kind}; give a regular file name")
    elif output.endswith(os.sep) or os.path.basename(path) in ("", ".", ".."):
        raise OutputError(f"cannot write '{shown}': it names a folder; give a file name")
    _replace_regular(path, shown, data, existing)
