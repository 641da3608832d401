"""Shared fixtures: the bundled knowledge base, editable copies of it, a CLI runner, the web app
and its client, and the English phrases put back after a Spanish test."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from explainer import Explainer, KnowledgeBase, get_explainer
from explainer.cli.main import run
from explainer.kb.files import bundled_root

if TYPE_CHECKING:  # the web extra is optional: imported where a fixture needs it
    from starlette.testclient import TestClient

    from explainer.web.app import Guard

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"

# HTML goldens are kept and compared without their stylesheet (one golden, handout-style.css,
# holds it), so that a change of style touches one file, not every page.
_STYLE_BLOCK = re.compile(r"<style>\n.*?\n</style>", re.DOTALL)
STYLE_PLACEHOLDER = "<style><!-- left out of golden files --></style>"
# The golden files the tests of this run compared or wrote (see pytest_sessionfinish).
_GOLDENS_USED: set[str] = set()
_RUN = {"complete": True}


def without_style(name: str, text: str) -> str:
    """``text`` as kept in a golden file: an HTML page without its <style> block."""
    return _STYLE_BLOCK.sub(STYLE_PLACEHOLDER, text) if name.endswith(".html") else text


def orphan_goldens(used: set[str], folder: Path = GOLDEN) -> list[str]:
    """Golden files no test compared or wrote."""
    return sorted(path.name for path in folder.iterdir()
                  if path.is_file() and path.name not in used)


def pytest_deselected(items: list[pytest.Item]) -> None:
    if any("golden" in getattr(item, "fixturenames", ()) for item in items):
        _RUN["complete"] = False


def pytest_collection_finish(session: pytest.Session) -> None:
    # Only a run of every test file can tell which goldens are used.
    collected = {Path(str(item.path)).name for item in session.items}
    every_file = {path.name for path in Path(__file__).parent.glob("test_*.py")}
    if not every_file <= collected:
        _RUN["complete"] = False


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail a whole, otherwise passing run that leaves a golden file no test uses."""
    if not _RUN["complete"] or exitstatus != 0:
        return
    orphans = orphan_goldens(_GOLDENS_USED)
    if orphans:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = (f"golden files no test compares or writes: {', '.join(orphans)} (delete "
                   "them, or add the test that produces them)")
        if reporter is not None:
            reporter.write_line(f"ERROR: {message}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


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


@pytest.fixture(scope="module")
def app() -> Guard:
    """The web app (built once per test module; needs the web extra)."""
    from explainer.web.app import build

    return build()


@pytest.fixture
def client(app: Guard) -> Iterator[TestClient]:
    """An in-process client of the web app, on the local address the app accepts."""
    from starlette.testclient import TestClient

    with TestClient(app, base_url="http://127.0.0.1:8000") as test_client:
        yield test_client


@pytest.fixture
def english_phrases_after() -> Iterator[None]:
    """Loading the Spanish knowledge base makes its phrases the process's (as for any load):
    put the English ones back after the test, for the tests that follow."""
    yield
    from explainer.kb import interface
    from explainer.kb.loader import load_knowledge

    interface.use(load_knowledge().interface)


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
        _GOLDENS_USED.add(name)
        text = without_style(name, text)
        if request.config.getoption("--update-goldens"):
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"missing golden file {path.name}; run pytest --update-goldens"
        expected = path.read_text(encoding="utf-8")
        assert text == expected, (f"{name} differs from the golden file; review the change and "
                                  "run pytest --update-goldens if it is intended")

    return check
