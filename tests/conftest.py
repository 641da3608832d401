"""Shared fixtures: the bundled knowledge base, editable copies of it, and a CLI runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from explainer import Explainer, KnowledgeBase, get_explainer
from explainer.cli.main import run
from explainer.kb.paths import bundled_root

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_configure(config: pytest.Config) -> None:
    # Tests never write to the user's cache folder: the knowledge-base cache goes to a
    # temporary folder of the test run (tests of the cache itself set their own).
    if "EXPLAINER_CACHE_DIR" not in os.environ:
        folder = tempfile.mkdtemp(prefix="explainer-test-cache-")
        os.environ["EXPLAINER_CACHE_DIR"] = folder
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true",
                     help="rewrite tests/golden/* from the current output instead of comparing")


@pytest.fixture(scope="session")
def explainer() -> Explainer:
    """The explainer of the bundled knowledge base (built once per test session)."""
    return get_explainer()


@pytest.fixture(scope="session")
def kb(explainer: Explainer) -> KnowledgeBase:
    """The bundled knowledge base."""
    return explainer.kb


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled knowledge/ and rules/ in a temporary folder."""
    source = bundled_root()
    target = tmp_path / "kb"
    shutil.copytree(source / "knowledge", target / "knowledge")
    shutil.copytree(source / "rules", target / "rules")
    return target


@dataclass
class CliResult:
    """What a command printed, and its exit status."""

    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run the explainer command in-process: cli("explain", "--stage", "IV")."""

    def invoke(*args: str) -> CliResult:
        code = run(list(args))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return invoke


def run_process(*args: str, stdin: str | None = None, env: dict[str, str] | None = None
                ) -> subprocess.CompletedProcess[str]:
    """Run ``python -m explainer ARGS`` as a real process."""
    return subprocess.run([sys.executable, "-m", "explainer", *args], capture_output=True,
                          text=True, input=stdin, timeout=120, cwd=ROOT,
                          env={**os.environ, **(env or {})}, check=False)


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """golden(NAME, text): compare with tests/golden/NAME, or rewrite it (--update-goldens)."""

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if request.config.getoption("--update-goldens"):
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"missing golden file {path.name}; run pytest --update-goldens"
        expected = path.read_text(encoding="utf-8")
        assert text == expected, (f"{name} differs from the golden file; review the change and "
                                  "run pytest --update-goldens if it is intended")

    return check
