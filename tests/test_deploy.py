"""The Dockerfile's commands work (issue 13, "fit to deploy"), checked without Docker.

The test reads the Dockerfile, copies what its COPY lines copy into a temporary folder that
stands for the image's file system, runs its pip commands in a fresh virtual environment (the
image's Python), starts its CMD on a free port and runs its HEALTHCHECK against it. Only the
system set-up lines (installing compilers with apt-get, adding the user) are not run; any other
command is an error here, so that a change to the Dockerfile is a change to this test.

It installs from the package index (the machine's pip cache is used: ``--no-cache-dir`` is
dropped), so it takes a minute or more. Without a network it is skipped, unless
EXPLAINER_REQUIRE_DEPLOY=1 (set by .ci/run), which makes that a failure.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT

SYSTEM_SETUP = ("apt-get ", "rm -rf /var/lib/apt/lists/", "useradd ", "rm -rf /wheels")


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of each line, continuation lines joined, comments dropped."""
    joined: list[str] = []
    pending = ""
    for line in dockerfile.read_text(encoding="utf-8").splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending += line.rstrip().removesuffix("\\") + " " if line.rstrip().endswith("\\") \
            else line.strip()
        if not line.rstrip().endswith("\\"):
            joined.append(" ".join(pending.split()))
            pending = ""
    result = []
    for line in joined:
        name, _, rest = line.partition(" ")
        result.append((name.upper(), rest))
    return result


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_the_dockerfile_installs_starts_and_passes_its_health_check(tmp_path: Path) -> None:
    steps = instructions(ROOT / "Dockerfile")
    froms = [rest for name, rest in steps if name == "FROM"]
    assert froms and all(base.startswith("python:3.12-slim") for base in froms)
    assert ("USER", "explainer") in steps  # never runs as root
    # The build stage compiles durable-rules with the flag that lets it build for Python 3.13.
    build_stage = steps[:[name for name, _ in steps].index("FROM", 1)]
    assert ("ENV", 'CPPFLAGS="-DPyEval_CallObject=PyObject_CallObject"') in build_stage
    image = tmp_path / "image"  # stands for / in the image
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"

    def where(path: str) -> Path:
        return image / path.lstrip("/") if path.startswith("/") else workdir / path

    workdir = image
    command: list[str] = []
    health: list[str] = []
    build_env: dict[str, str] = {}  # the ENV lines, for the pip commands after them
    for name, rest in steps:
        if name == "FROM":
            build_env = {}  # each stage starts afresh
        elif name == "ENV":
            for pair in shlex.split(rest):
                key, _, value = pair.partition("=")
                build_env[key] = value
            if build_env.get("CPPFLAGS"):
                assert build_env["CPPFLAGS"] == "-DPyEval_CallObject=PyObject_CallObject"
        elif name == "WORKDIR":
            workdir = where(rest)
            workdir.mkdir(parents=True, exist_ok=True)
        elif name == "COPY":
            words = rest.split()
            if words[0].startswith("--from="):
                continue  # the build stage's /wheels is already at the same place
            *sources, target = words
            for source in sources:
                destination = where(target) / Path(source).name if target.endswith("/") \
                    else where(target)
                if (ROOT / source).is_dir():
                    shutil.copytree(ROOT / source, destination,
                                    ignore=shutil.ignore_patterns("__pycache__"))
                else:
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(ROOT / source, destination)
        elif name == "RUN":
            for piece in rest.split("&&"):
                part = piece.strip()
                if part.startswith(SYSTEM_SETUP):
                    continue
                words = shlex.split(part)
                assert words[0] == "pip", f"a RUN command this test does not know: {part}"
                words = [str(where(word)) if word.startswith("/") else word
                         for word in words[1:] if word != "--no-cache-dir"]
                done = subprocess.run([str(python), "-m", "pip", "-q", *words], cwd=workdir,
                                      capture_output=True, text=True, timeout=1200,
                                      check=False, env={**os.environ, **build_env})
                if done.returncode != 0 and ("NewConnectionError" in done.stderr
                                             or "Network is unreachable" in done.stderr):
                    if os.environ.get("EXPLAINER_REQUIRE_DEPLOY") == "1":
                        pytest.fail(f"no package index: {done.stderr[-500:]}")
                    pytest.skip("no package index to install from")
                assert done.returncode == 0, done.stderr[-3000:]
        elif name == "CMD":
            command = json.loads(rest)
        elif name == "HEALTHCHECK":
            health = json.loads(rest.split(" CMD ", 1)[1])
    port = _free_port()
    assert command[:2] == ["explainer", "serve"] and "8000" in command
    assert "--host" in command and command[command.index("--host") + 1] == "0.0.0.0"
    command = [str(venv / "bin" / "explainer"), *command[1:]]
    command[command.index("--host") + 1] = "127.0.0.1"  # this test listens on loopback only
    command[command.index("8000")] = str(port)
    assert health[0] == "python"
    health = [str(python), *(word.replace(":8000/", f":{port}/") for word in health[1:])]
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}
    server = subprocess.Popen(command, cwd=home, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            checked = subprocess.run(health, env=env, capture_output=True, timeout=30,
                                     check=False)
            if checked.returncode == 0:
                break
            assert server.poll() is None, server.communicate()
            assert time.monotonic() < deadline, checked.stderr
            time.sleep(0.5)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as answer:
            assert json.loads(answer.read())["status"] == "ok"
        # The installed package is the one from the wheels, not this checkout.
        where_from = subprocess.run(
            [str(python), "-c", "import explainer; print(explainer.__file__)"],
            capture_output=True, text=True, check=True, cwd=home, env=env).stdout
        assert str(venv) in where_from
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        out, err = server.communicate(timeout=60)
    assert server.returncode == 0, err
    assert "Stopped. Nothing entered was saved." in out
    assert "Traceback" not in err
