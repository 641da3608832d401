"""``explainer serve`` as a real process: the address, Ctrl-C, workers, a busy port, a broken
knowledge base, the access log, and many simultaneous requests over loopback."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_process

from explainer import Explainer
from explainer.lint.factor_space import factor_space

pytest.importorskip("fastapi", reason="the web extra is needed: pip install -e .[web]")
pytest.importorskip("uvicorn", reason="the web extra is needed: pip install -e .[web]")

SECRET = "zqxsecretvalue"


@dataclass
class Served:
    """A running ``explainer serve``: its address, and (once stopped) what it printed."""

    url: str
    process: subprocess.Popen[str]
    out: str = ""
    err: str = ""
    code: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@contextmanager
def serving(*args: str, env: dict[str, str] | None = None) -> Iterator[Served]:
    """Start ``python -m explainer serve --port 0 ARGS``; stop it with Ctrl-C at the end.

    The server runs in its own process group, and Ctrl-C goes to the whole group, as a
    terminal sends it.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "explainer", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        start_new_session=True, env={**os.environ, **(env or {})})
    assert process.stdout is not None
    # Both start-up lines are read here: communicate() later reads the pipe itself, past
    # anything readline() has buffered.
    first = process.stdout.readline()
    first += process.stdout.readline()
    if " at " not in first:
        out, err = process.communicate(timeout=30)
        raise AssertionError(f"the server did not start: {first}{out}{err}")
    served = Served(first.split(" at ", 1)[1].split()[0].rstrip("/"), process)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{served.url}/healthz", timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):  # refused, or timed out while starting
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield served
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
        try:
            rest, served.err = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            rest, served.err = process.communicate()
        served.out = first + rest
        served.code = process.returncode


def post_json(url: str, body: Any) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_serve_prints_the_address_and_stops_cleanly_on_ctrl_c() -> None:
    with serving() as served:
        assert served.url.startswith("http://127.0.0.1:")
        status, _ = post_json(f"{served.url}/api/explain", {"stage": SECRET})
        assert status == 422
        with urllib.request.urlopen(f"{served.url}/?{SECRET}=1", timeout=10) as response:
            assert response.status == 200
    assert served.code == 0
    assert "Serving the breast cancer treatment explainer at http://127.0.0.1:" in served.out
    assert "/docs" in served.out
    assert "Stopped. Nothing entered was saved." in served.out
    assert "Traceback" not in served.err and "KeyboardInterrupt" not in served.err
    # The access log: method, path and status, never a query string or a body.
    assert '"POST /api/explain" 422' in served.err
    assert '"GET /" 200' in served.err
    assert SECRET not in served.err and SECRET not in served.out


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text()
        found += [int(child) for child in text.split()]
    return found


def test_workers_run_as_separate_processes() -> None:
    with serving("--workers", "2", "--no-access-log") as served:
        workers = [pid for pid in _children(served.process.pid)
                   if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text()]
        assert len(workers) == 2
        for _ in range(10):
            status, body = post_json(f"{served.url}/api/explain", {"stage": "IV"})
            assert status == 200 and body["profile"]["stage"] == "IV"
    assert served.code == 0
    assert "workers: 2" in served.out
    assert "Traceback" not in served.err
    assert '"POST /api/explain"' not in served.err  # --no-access-log
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(
            f"/proc/{pid}/status").read_text().lower()


def test_a_busy_port_is_one_line_exit_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_process("serve", "--port", str(port))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"explainer: error: port {port} on 127.0.0.1 is already in use; stop the program "
        "using it, or choose another port with --port")
    assert "Serving" not in result.stdout


@pytest.mark.parametrize(("args", "expected"), [
    (["--host", "no.such.host.invalid"], "--host 'no.such.host.invalid' is not an address"),
    (["--port", "70000"], "--port must be from 0 to 65535"),
    (["--workers", "0"], "--workers must be from 1 to 32"),
])
def test_bad_options_are_one_line_exit_2(args: list[str], expected: str) -> None:
    result = run_process("serve", *args)
    assert result.returncode == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_bad_knowledge_base_is_reported_before_the_server_starts(tmp_path: Path,
                                                                   kb_copy: Path) -> None:
    result = run_process("serve", "--port", "0", "--knowledge", str(tmp_path / "missing"))
    assert result.returncode == 3
    assert "not a knowledge base folder" in result.stderr
    assert "Serving" not in result.stdout
    factors = kb_copy / "knowledge" / "factors.yaml"
    factors.write_text(factors.read_text().replace("kind: choice", "kind: chioce", 1))
    result = run_process("serve", "--port", "0", "--knowledge", str(kb_copy))
    assert result.returncode == 3
    assert "factors.yaml:" in result.stderr
    assert "Serving" not in result.stdout


def test_serve_uses_an_edited_knowledge_base(kb_copy: Path) -> None:
    disclaimer = kb_copy / "knowledge" / "disclaimer.yaml"
    disclaimer.write_text(disclaimer.read_text().replace(
        "This is education, not medical advice.",
        "This is education, not medical advice (edited copy).", 1))
    with serving("--knowledge", str(kb_copy), "--workers", "2") as served:
        status, body = post_json(f"{served.url}/api/explain", {})
        assert status == 200
        assert "(edited copy)" in body["disclaimer"]
    assert served.code == 0


def test_help_does_not_import_the_web_stack() -> None:
    code = ("import sys; from explainer.cli.main import run; run(['--help']); "
            "print(sorted(m for m in ('fastapi', 'uvicorn', 'jinja2', 'starlette') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, check=True)
    assert done.stdout.strip().endswith("[]")
    assert "serve" in done.stdout  # listed, though its modules were not imported


def test_serve_without_the_web_extra_says_how_to_install_it(
        monkeypatch: pytest.MonkeyPatch, cli: Any) -> None:
    monkeypatch.setitem(sys.modules, "explainer.web.server", None)
    result = cli("serve")
    assert result.code == 4
    assert "needs the 'web' extra" in result.err and "pip install" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_many_simultaneous_requests_each_get_their_own_answer(explainer: Explainer) -> None:
    space = list(factor_space(explainer.kb, [
        "stage", "menopausal_status", "hr_status", "her2_status", "general_health",
        "brca_mutation"]))
    chooser = random.Random(5)
    profiles: list[dict[str, Any]] = []
    for fact in chooser.sample(space, 160):
        profile: dict[str, Any] = dict(fact)
        profile["age"] = chooser.choice([None, 33, 45, 61, 80])
        profile["side_effect_concerns"] = chooser.choice([[], ["fatigue"], ["fertility",
                                                                             "hair_loss"]])
        profiles.append(profile)
    expected = [json.loads(explainer.explain(profile).model_dump_json())
                for profile in profiles]
    with serving("--no-access-log") as served:
        with ThreadPoolExecutor(max_workers=32) as pool:
            answers = list(pool.map(
                lambda profile: post_json(f"{served.url}/api/explain", profile), profiles))
        with ThreadPoolExecutor(max_workers=16) as pool:
            pairs = list(pool.map(
                lambda index: post_json(f"{served.url}/api/compare", {
                    "before": profiles[index], "after": profiles[-1 - index]}), range(40)))
    assert served.code == 0
    for profile, want, (status, got) in zip(profiles, expected, answers, strict=True):
        assert status == 200, got
        assert got == want, profile
    for index, (status, got) in enumerate(pairs):
        assert status == 200
        assert got["before_profile"] == expected[index]["profile"]
        assert got["after_profile"] == expected[-1 - index]["profile"]
