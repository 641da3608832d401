"""Untrusted files never hang, exhaust memory or end in "This is a bug" (issue 13, items 2-3).

Knowledge-base and profile files are read as regular files only, size-capped before reading,
with YAML aliases refused; JSON numbers are bounded and duplicate keys refused. Every case runs
as a real process with a timeout, since the failure being guarded against is a hang.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from explainer.errors import ExitCode

ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + level)}: &{chr(98 + level)} [{', '.join(['*' + chr(97 + level)] * 9)}]\n"
    for level in range(9))


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "explainer", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT, check=False,
                          env={**os.environ, "EXPLAINER_NO_CACHE": "1"})


def one_line(done: subprocess.CompletedProcess[str], code: int) -> str:
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr and "bug" not in done.stderr, done.stderr
    return done.stderr


def _poison(kb_copy: Path, kind: str) -> Path:
    """Make a rule file of ``kind`` in the knowledge base copy; return its path."""
    target = kb_copy / "rules" / "surgery" / "hostile.yaml"
    if kind == "alias-bomb":
        target.write_text(ALIAS_BOMB, encoding="utf-8")
    elif kind == "dev-zero":
        target.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "huge":
        with target.open("wb") as handle:
            handle.truncate(3_000_000_000)  # sparse: 3 GB that take no disk
    else:
        raise AssertionError(kind)
    return target


EXPECTED = {
    "alias-bomb": "YAML aliases (*name) are not allowed here",
    "dev-zero": "it is a device, not a regular file",
    "fifo": "it is a FIFO (named pipe), not a regular file",
    "huge": "the file is larger than 2 MB",
}


@pytest.mark.parametrize("kind", list(EXPECTED))
@pytest.mark.parametrize("command", ["explain", "lint"])
def test_a_hostile_rule_file_is_one_knowledge_error(kb_copy: Path, kind: str,
                                                    command: str) -> None:
    _poison(kb_copy, kind)
    done = run(command, "--knowledge", str(kb_copy), timeout=60)
    if command == "lint":
        # lint lists the problem among its issues and fails (exit 3: the base cannot load).
        assert done.returncode in (ExitCode.INVALID_KNOWLEDGE, ExitCode.LINT_ISSUES), done
        assert "Traceback" not in done.stderr
        assert EXPECTED[kind] in done.stdout + done.stderr
        return
    err = one_line(done, ExitCode.INVALID_KNOWLEDGE)
    assert "hostile.yaml" in err and EXPECTED[kind] in err
    assert "fix the YAML syntax" not in err
    if kind == "alias-bomb":
        assert "(fix: write the value out in full where the alias is)" in err


def test_serve_refuses_a_hostile_knowledge_base_before_listening(kb_copy: Path) -> None:
    _poison(kb_copy, "alias-bomb")
    done = run("serve", "--port", "0", "--knowledge", str(kb_copy), timeout=60)
    err = one_line(done, ExitCode.INVALID_KNOWLEDGE)
    assert EXPECTED["alias-bomb"] in err
    assert "Serving" not in done.stdout


@pytest.mark.parametrize(("kind", "expected"), [
    ("fifo", "it is a FIFO (named pipe), not a regular file; give a regular file"),
    ("dev-zero", "it is a device, not a regular file; give a regular file"),
    ("folder", "it is a folder, not a regular file; give a regular file"),
    ("alias-bomb", "YAML aliases (*name) are not allowed here"),
])
def test_a_hostile_profile_file_is_one_line_exit_2(tmp_path: Path, kind: str,
                                                   expected: str) -> None:
    target = tmp_path / "profile.yaml"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "dev-zero":
        target.symlink_to("/dev/zero")
    elif kind == "folder":
        target.mkdir()
    else:
        target.write_text(ALIAS_BOMB, encoding="utf-8")
    err = one_line(run("explain", "--profile", str(target), timeout=30), ExitCode.BAD_INPUT)
    assert expected in err
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize(("content", "expected"), [
    ('{"stage": "IV", "age": ' + "9" * 5000 + "}", "a number has 5000 digits"),
    ('{"age": 1' + "0" * 4400 + ".5}", "a number has 4403 digits"),
    ('{"stage": "IV", "stage": "I"}', "duplicate key 'stage'"),
])
def test_json_profiles_refuse_huge_numbers_and_duplicate_keys(tmp_path: Path, content: str,
                                                              expected: str) -> None:
    target = tmp_path / "profile.json"
    target.write_text(content, encoding="utf-8")
    err = one_line(run("explain", "--profile", str(target)), ExitCode.BAD_INPUT)
    assert expected in err
    assert len(err.splitlines()) == 1


def test_the_bundled_knowledge_base_parses_the_same_with_aliases_refused() -> None:
    # Files without a '*' take the fast C loader; the others the checking one. Same result.
    from explainer.kb.files import bundled_root
    from explainer.kb.yamlio import _FAST_LOADER, _NO_ALIAS_LOADER

    files = sorted(bundled_root().rglob("*.yaml"))
    with_star = [path for path in files if "*" in path.read_text(encoding="utf-8")]
    for path in with_star[:20] or files[:5]:
        text = path.read_text(encoding="utf-8")
        fast, checked = (json.dumps(loader(text).get_single_data(), sort_keys=True, default=str)
                         for loader in (_FAST_LOADER, _NO_ALIAS_LOADER))
        assert fast == checked
