"""The handout as a person sees it: headless Chromium prints it to PDF and takes a screenshot.

Chromium (Debian's ``chromium``) is needed. Without it these tests are skipped, unless
EXPLAINER_REQUIRE_BROWSER=1 (set by .ci/run), which makes them fail instead.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from explainer import Explainer
from explainer.render.html import Paper, render_html

pypdf = pytest.importorskip("pypdf", reason="pypdf is in the test extra: pip install -e .[test]")

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
PROFILES: dict[str, dict[str, Any]] = {
    "early-hr-positive": {"stage": "II", "hr_status": "positive", "her2_status": "negative",
                          "menopausal_status": "premenopausal", "general_health": "good"},
    "metastatic-triple-negative": {"stage": "IV", "hr_status": "negative",
                                   "her2_status": "negative", "brca_mutation": "positive",
                                   "side_effect_concerns": ["fatigue", "daily_life"]},
    "all-unknown": {},
}
# Points per page: A4 is 595 x 842, Letter 612 x 792.
PAGE_SIZES = {"a4": (595, 842), "letter": (612, 792)}


def _find_browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    message = ("headless Chromium is not installed (apt-get install chromium); the handout's "
               "print checks need it")
    if os.environ.get("EXPLAINER_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> str:
    return _find_browser()


def _run(browser: str, tmp_path: Path, *args: str) -> None:
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
               *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]


def print_to_pdf(browser: str, page: str, tmp_path: Path, name: str) -> Any:
    """Print ``page`` with Chromium; returns the pypdf reader of the PDF."""
    source = tmp_path / f"{name}.html"
    source.write_text(page, encoding="utf-8")
    target = tmp_path / f"{name}.pdf"
    _run(browser, tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={target}",
         source.as_uri())
    return pypdf.PdfReader(str(target))


def _page_text(reader: Any, index: int) -> str:
    # PDF text has ligatures (fi, ff) and breaks lines anywhere: compare words only.
    text = unicodedata.normalize("NFKC", reader.pages[index].extract_text())
    return " ".join(text.split())


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("name", list(PROFILES))
def test_handout_prints_with_the_disclaimer_first(browser: str, explainer: Explainer,
                                                  tmp_path: Path, name: str,
                                                  paper: Paper) -> None:
    explanation = explainer.explain(PROFILES[name])
    reader = print_to_pdf(browser, render_html(explanation, paper=paper), tmp_path, name)
    pages = len(reader.pages)
    # Long enough to hold everything, short enough to hand out (measured: 6 to 8 pages).
    assert 3 <= pages <= 10, pages
    width, height = PAGE_SIZES[paper]
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (width, height)
    disclaimer = " ".join(explanation.disclaimer.split())
    first, last = _page_text(reader, 0), _page_text(reader, pages - 1)
    assert f"Important: {disclaimer}" in first
    assert "What you entered" in first
    assert f"Important: {disclaimer}" in last
    everything = " ".join(_page_text(reader, index) for index in range(pages))
    # Every page carries a short reminder and its number.
    for index in range(pages):
        assert f"Page {index + 1} of {pages}" in _page_text(reader, index)
        assert "Education only, not medical advice." in _page_text(reader, index)
    for category in explanation.categories:
        assert category.name in everything
    for question in explanation.questions_for_doctor:
        assert question in everything, question
    for member in explanation.care_team:
        assert member.role in everything
    assert "(2023-06)" in everything
    assert "A clinician has not yet reviewed these explanations." in " ".join(everything.split())


def test_handout_screenshot(browser: str, explainer: Explainer, tmp_path: Path) -> None:
    explanation = explainer.explain(PROFILES["early-hr-positive"])
    source = tmp_path / "handout.html"
    source.write_text(render_html(explanation), encoding="utf-8")
    target = tmp_path / "handout.png"
    _run(browser, tmp_path, "--hide-scrollbars", "--window-size=900,1600",
         f"--screenshot={target}", source.as_uri())
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (900, 1600)
    # A blank page compresses to almost nothing; a page of text does not.
    assert len(data) > 50_000
    if os.environ.get("EXPLAINER_SCREENSHOT_DIR"):
        # For a person to look at: EXPLAINER_SCREENSHOT_DIR=/tmp/shots pytest -k screenshot
        shutil.copy(target, Path(os.environ["EXPLAINER_SCREENSHOT_DIR"]) / target.name)
