"""Writing a command's result: whole to standard output, through a pager when it is taller than
the terminal, or safely to a file; a failed write is one clear line, never a traceback."""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Sequence

from explainer.errors import OutputError


def write_stdout(text: str) -> None:
    """Print ``text`` whole; a failed write (a full disk, a closed output) is one line."""
    try:
        if sys.stdout is None:
            raise OSError(errno.EBADF, "standard output is closed")
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        raise stdout_failure(error) from None


def stdout_failure(error: OSError) -> OutputError:
    """The one-line error for a failed write to standard output. What is still buffered is
    sent to the null device, so that Python's last flush at exit cannot fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    reason = error.strerror or str(error)
    return OutputError(f"cannot write the output: {reason}; write to a file with --output "
                       "FILE instead")


def emit(text: str, output: str | None, inputs: Sequence[str] = (), *, pager: bool = False,
         announce: bool = True) -> None:
    """Print ``text`` whole, or write it to ``output`` safely (see
    :mod:`explainer.cli.safe_write`), never over one of ``inputs`` (the files read).

    With ``pager``, text taller than the terminal goes through a pager the way git does it
    (see :func:`page`); never when stdout is not a terminal. ``announce=False`` leaves out the
    "Wrote FILE" line (for a caller that says it in its own words).
    """
    if output is not None:
        from explainer.cli.safe_write import write_output

        write_output(text, output, inputs)
        if announce:
            print(f"Wrote {output}", file=sys.stderr)
        return
    if pager and page(text):
        return
    write_stdout(text)


def page(text: str) -> bool:
    """Show ``text`` through ``$PAGER`` (else ``less -R``) when stdout is a terminal and the
    text is taller than it; True when it was paged. Like git, ``less`` gets ``LESS=FRX`` unless
    set (quit if it fits, keep colours, leave the text on screen); ``PAGER=cat`` or an empty
    ``PAGER`` turns paging off, and a missing pager falls back to printing."""
    if not sys.stdout.isatty():
        return False
    try:
        size = os.get_terminal_size()
    except OSError:
        return False
    if text.count("\n") < size.lines:
        return False
    command = os.environ.get("PAGER", "less -R")
    if not command.strip() or command.strip() == "cat":
        return False
    import shlex
    import subprocess

    environment = dict(os.environ)
    environment.setdefault("LESS", "FRX")
    try:
        process = subprocess.Popen(shlex.split(command), stdin=subprocess.PIPE,
                                   env=environment)
    except (OSError, ValueError):
        return False
    assert process.stdin is not None
    try:
        process.stdin.write(text.encode("utf-8"))
        process.stdin.close()
    except BrokenPipeError:
        pass  # the reader quit the pager before the end
    process.wait()
    return True
