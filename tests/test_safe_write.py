"""``--output`` never destroys anything but the file it was asked to write (issue 13, item 1).

Each kind of target is made in a temporary folder; the folder is photographed before and after
(every entry's type, permissions, link target and content) and only the intended change may
appear.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliResult, run_process
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explainer.cli.safe_write import TEMPORARY_PREFIX, write_output
from explainer.errors import ExitCode, OutputError

Cli = Callable[..., CliResult]
TEXT = "new text ✓\n"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

Snapshot = dict[str, tuple[str, int, str | bytes | None]]


def snapshot(folder: Path) -> Snapshot:
    """Every entry below ``folder``: its kind, permissions and content (or link target)."""
    seen: Snapshot = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        mode = info.st_mode
        if stat.S_ISLNK(mode):
            seen[str(path)] = ("link", 0, os.readlink(path))
        elif stat.S_ISREG(mode):
            seen[str(path)] = ("file", stat.S_IMODE(mode), path.read_bytes())
        elif stat.S_ISDIR(mode):
            seen[str(path)] = ("folder", stat.S_IMODE(mode), None)
        elif stat.S_ISFIFO(mode):
            seen[str(path)] = ("fifo", stat.S_IMODE(mode), None)
        elif stat.S_ISCHR(mode):
            seen[str(path)] = ("char", stat.S_IMODE(mode), str(info.st_rdev))
        else:
            seen[str(path)] = ("other", stat.S_IMODE(mode), None)
    return seen


def changed(before: Snapshot, after: Snapshot) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def make_target(folder: Path, kind: str) -> tuple[Path, Path | None]:
    """Make a target of ``kind`` in ``folder``: (the --output path, the file that may change)."""
    target = folder / "out.txt"
    if kind == "missing":
        return target, target
    if kind == "regular":
        target.write_text("old", encoding="utf-8")
        return target, target
    if kind == "private":
        target.write_text("old", encoding="utf-8")
        target.chmod(0o600)
        return target, target
    if kind == "symlink":
        real = folder / "real.txt"
        real.write_text("old", encoding="utf-8")
        real.chmod(0o640)
        target.symlink_to("real.txt")
        return target, real
    if kind == "dangling":
        target.symlink_to("made-by-link.txt")
        return target, folder / "made-by-link.txt"
    if kind == "fifo":
        os.mkfifo(target)
        return target, None
    if kind == "device":
        if not IS_ROOT:
            pytest.skip("making a device node (mknod) needs root")
        os.mknod(target, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a second /dev/null
        return target, None
    if kind == "folder":
        target.mkdir()
        return target, None
    if kind == "readonly-folder":
        inner = folder / "locked"
        inner.mkdir()
        (inner / "out.txt").write_text("old", encoding="utf-8")
        inner.chmod(0o555)
        return inner / "out.txt", inner / "out.txt"
    raise AssertionError(kind)


KINDS = ["missing", "regular", "private", "symlink", "dangling", "fifo", "device", "folder",
         "readonly-folder"]


@pytest.mark.parametrize("kind", KINDS)
def test_only_the_intended_file_changes(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / ".out.txt.partial").write_text("a person's own file", encoding="utf-8")
    (folder / "neighbour.txt").write_text("keep", encoding="utf-8")
    target, intended = make_target(folder, kind)
    before = snapshot(folder)
    reader = None
    received: list[bytes] = []
    if kind == "fifo":
        def read() -> None:
            with open(target, "rb") as pipe:
                received.append(pipe.read())

        reader = threading.Thread(target=read)
        reader.start()
        # Wait until the reader has the FIFO open, or the writer would be refused.
        for _ in range(500):
            if any(os.path.exists(f"/proc/{os.getpid()}/fd/{fd}") and
                   os.readlink(f"/proc/{os.getpid()}/fd/{fd}") == str(target)
                   for fd in os.listdir(f"/proc/{os.getpid()}/fd")):
                break
            threading.Event().wait(0.01)
    try:
        write_output(TEXT, str(target))
        failed = None
    except OutputError as error:
        failed = str(error)
    finally:
        if reader is not None:
            reader.join(10)
    after = snapshot(folder)
    if kind == "readonly-folder":
        folder.joinpath("locked").chmod(0o755)
    difference = changed(before, after)
    if kind == "folder":
        assert failed is not None and "it is a folder" in failed
        assert difference == set()
        return
    if kind == "readonly-folder" and not IS_ROOT:
        assert failed is not None and "Permission denied" in failed
        assert difference == set()
        return
    assert failed is None, failed
    if intended is None:  # written in place: the node is the same kind of node as before
        assert difference == set()
        if kind == "fifo":
            assert received == [TEXT.encode()]
        return
    assert difference == {str(intended)}
    kind_after, mode_after, content = after[str(intended)]
    assert (kind_after, content) == ("file", TEXT.encode())
    if str(intended) in before:
        assert mode_after == before[str(intended)][1]  # permissions kept (0600 stays 0600)
    else:
        mask = os.umask(0)
        os.umask(mask)
        assert mode_after == 0o666 & ~mask
    assert not [name for name in os.listdir(intended.parent) if name.startswith(TEMPORARY_PREFIX)]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(st.characters(codec="utf-8", exclude_characters="/\0"), min_size=1,
                    max_size=40).filter(lambda name: name not in (".", "..")),
       mode=st.sampled_from([0o600, 0o640, 0o644, 0o400]),
       exists=st.booleans())
def test_any_file_name_and_mode(tmp_path: Path, name: str, mode: int, exists: bool) -> None:
    folder = tmp_path / f"case-{abs(hash((name, mode, exists)))}"
    folder.mkdir()
    (folder / "neighbour").write_text("keep", encoding="utf-8")
    target = folder / name
    if exists and target.name != "neighbour":
        target.write_text("old", encoding="utf-8")
        target.chmod(mode)
    before = snapshot(folder)
    try:
        write_output(TEXT, str(target))
    except OutputError as error:  # only a name the file system itself refuses
        assert "File name too long" in str(error), error
        assert changed(before, snapshot(folder)) == set()
        return
    after = snapshot(folder)
    assert changed(before, after) <= {str(target)}
    assert target.read_text(encoding="utf-8") == TEXT
    if str(target) in before:
        assert stat.S_IMODE(target.stat().st_mode) == before[str(target)][1]


def test_a_250_character_name_is_written(tmp_path: Path) -> None:
    target = tmp_path / ("n" * 246 + ".txt")
    write_output(TEXT, str(target))
    assert target.read_text(encoding="utf-8") == TEXT
    assert os.listdir(tmp_path) == [target.name]


def test_twenty_writers_at_once_all_succeed(tmp_path: Path) -> None:
    target = tmp_path / "shared.txt"
    errors: list[Exception] = []
    texts = [f"writer {index}\n" * 200 for index in range(20)]

    def write(text: str) -> None:
        try:
            write_output(text, str(target))
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=write, args=(text,)) for text in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert target.read_text(encoding="utf-8") in texts  # one writer's whole text
    assert os.listdir(tmp_path) == ["shared.txt"]


def test_twenty_processes_at_once_all_succeed(tmp_path: Path) -> None:
    target = tmp_path / "shared.json"
    code = ("import sys\nfrom explainer.cli.safe_write import write_output\n"
            "write_output(sys.argv[1] * 5000, sys.argv[2])\n")
    processes = [subprocess.Popen([sys.executable, "-c", code, str(index % 10), str(target)],
                                  stderr=subprocess.PIPE) for index in range(20)]
    results = []
    for process in processes:
        _, err = process.communicate(timeout=60)
        results.append((process.returncode, err))
    assert all(code == 0 and err == b"" for code, err in results), results
    content = target.read_text(encoding="utf-8")
    assert len(content) == 5000 and len(set(content)) == 1
    assert os.listdir(tmp_path) == ["shared.json"]


@pytest.mark.parametrize("inputs", ["same", "link"])
def test_writing_over_the_profile_being_read_is_refused(tmp_path: Path, inputs: str) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text("stage: IV\n", encoding="utf-8")
    read = profile
    if inputs == "link":
        read = tmp_path / "link.yaml"
        read.symlink_to(profile)
    result = run_process("explain", "--profile", str(read), "--output", str(profile))
    assert result.returncode == ExitCode.BAD_INPUT
    assert result.stderr == (f"explainer: error: --output '{profile}' is the file being read "
                             f"('{read}'); choose another file name\n")
    assert profile.read_text(encoding="utf-8") == "stage: IV\n"


def test_compare_refuses_to_write_over_either_profile(cli: Cli, tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text("stage: I\n", encoding="utf-8")
    second.write_text("stage: IV\n", encoding="utf-8")
    result = cli("compare", str(first), str(second), "--output", str(second))
    assert result.code == ExitCode.BAD_INPUT
    assert "is the file being read" in result.err
    assert second.read_text(encoding="utf-8") == "stage: IV\n"


@pytest.mark.parametrize(("shell", "message"), [
    ("explain --stage IV > /dev/full", "cannot write the output: No space left on device"),
    ("explain --stage IV >&-", "cannot write the output: standard output is closed"),
    ("schema >&-", "cannot write the output: standard output is closed"),
    ("explain --output /", "cannot write '/': it is a folder"),
    ("explain --output .", "cannot write '.': it is a folder"),
    ("explain --output ''", "--output needs a file name"),
    ("explain --profile ''", "--profile needs a file name"),
    ("explain --output /dev/full", "cannot write '/dev/full': No space left on device"),
])
def test_write_errors_are_one_line_and_exit_2(shell: str, message: str) -> None:
    done = subprocess.run(f"{sys.executable} -m explainer {shell}", shell=True,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == ExitCode.BAD_INPUT, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"explainer: error: {message}")
    assert "bug" not in done.stderr


def test_output_to_dev_null_keeps_it_a_device(tmp_path: Path) -> None:
    result = run_process("explain", "--stage", "IV", "--output", os.devnull)
    assert result.returncode == ExitCode.OK
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
