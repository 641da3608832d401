"""The web page in a real browser: Playwright drives Debian's Chromium against a server started
on a free port. A person fills the form (some answers known, some "I don't know"), reads the
explanation, uses the what-if; the same with the keyboard only, without JavaScript, at phone
width, and printed. No request may leave 127.0.0.1.

Playwright and /usr/bin/chromium are needed (``playwright install`` is never used). Without them
these tests are skipped, unless EXPLAINER_REQUIRE_BROWSER=1 (set by .ci/run): then they fail.
Screenshots go to EXPLAINER_SCREENSHOTS (a folder) when set, else to the test's temporary
folder.
"""

from __future__ import annotations

import io
import itertools
import os
import shutil
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_web_serve import Served, serving

from explainer import Explainer
from explainer.explanation.compare import compare_what_if

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run",
               "--disable-default-apps", "--disable-extensions"]
PROFILE: dict[str, Any] = {"stage": "IV", "age": 58, "hr_status": "positive",
                           "her2_status": "low", "side_effect_concerns": ["fatigue"]}
HEADINGS = {"often_discussed": "Usually part of the talk",
            "may_be_discussed": "Sometimes part of the talk",
            "less_likely": "Not usually used for results like these, and why",
            "needs_more_information": "Can't say yet"}


def _missing(reason: str) -> None:
    if os.environ.get("EXPLAINER_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (EXPLAINER_REQUIRE_BROWSER=1 makes this a failure)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def server() -> Iterator[Served]:
    pytest.importorskip("fastapi", reason="the web extra is needed: pip install -e .[web]")
    with serving("--no-access-log") as served:
        yield served
    assert served.code == 0


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed (it is in the test extra: pip install -e "
                 ".[test])")
    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if executable is None:
        _missing("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        yield launched
        launched.close()


class Visit:
    """A browser context that records every request and every console complaint."""

    def __init__(self, browser: Any, server: Served, **options: Any) -> None:
        self.server = server
        self.context = browser.new_context(**options)
        self.requests: list[str] = []
        self.complaints: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.complaints.append(str(error)))

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.complaints.append(message.text)

    def goto(self, path: str) -> Any:
        return self.page.goto(f"{self.server.url}{path}")

    def check_stayed_local(self) -> None:
        assert self.requests
        outside = [url for url in self.requests if not url.startswith(f"{self.server.url}/")]
        assert not outside, outside
        # A Content-Security-Policy violation (an inline style or script) shows up here.
        assert not self.complaints, self.complaints

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Any, server: Served) -> Iterator[Visit]:
    opened = Visit(browser, server, viewport={"width": 1000, "height": 900})
    yield opened
    opened.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("EXPLAINER_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _fill_mixed(page: Any) -> None:
    """Some answers known, the rest left at "I don't know"."""
    for factor in ("stage", "menopausal_status", "hr_status", "her2_status", "general_health",
                   "brca_mutation", "side_effect_concerns"):
        assert page.locator(f"#{factor}-unknown").is_checked(), factor
    assert page.locator("#age-unknown").is_checked()
    page.get_by_label("Stage IV (metastatic)").check()
    page.get_by_label("HR-positive", exact=False).first.check()
    page.locator("#her2_status-low").check()
    page.get_by_label("Age, a whole number from 1 to 120").fill("58")
    page.locator("#side_effect_concerns-fatigue").check()


def _check_result(page: Any, explainer: Explainer) -> None:
    explanation = explainer.explain(PROFILE)
    assert page.locator("h1").inner_text() == (
        "Breast cancer treatment options: an educational overview")
    disclaimers = page.locator(".disclaimer")
    assert disclaimers.count() == 2
    for index in (0, 1):
        assert " ".join(explanation.disclaimer.split()) in " ".join(
            disclaimers.nth(index).inner_text().split())
    # The first thing on the page and the last.
    body = " ".join(page.locator("body").inner_text().split())
    assert body.index("not medical advice") < body.index("At a glance")
    assert body.rstrip().endswith(" ".join(explanation.disclaimer.split()))
    for category in explanation.categories:
        section = page.locator(f"section.{category.relevance}")
        assert section.locator("h2").inner_text() == HEADINGS[category.relevance]
        assert category.name in section.inner_text(), category.name
    unknown = page.locator("section.unknown").inner_text()
    assert "Periods and menopause" in unknown and "General health" in unknown


def test_a_person_fills_the_form_reads_and_tries_a_what_if(
        visit: Visit, explainer: Explainer, shots: Path) -> None:
    page = visit.page
    visit.goto("/")
    assert page.title().startswith("Explore breast cancer treatment options")
    page.screenshot(path=str(shots / "web-start.png"))
    _fill_mixed(page)
    # The optional script chose "I know it:" and unticked "I don't know" for the worries.
    assert page.locator("#age-known").is_checked()
    assert not page.locator("#side_effect_concerns-unknown").is_checked()
    page.get_by_role("button", name="Show the explanation").click()
    page.wait_for_load_state()
    _check_result(page, explainer)
    assert page.get_by_role("button", name="Print this page").is_visible()
    page.screenshot(path=str(shots / "web-result.png"))
    page.screenshot(path=str(shots / "web-result-full.png"), full_page=True)

    page.get_by_label("Change one answer").select_option("her2_status=negative")
    page.get_by_role("button", name="Show what changes").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "What changes if the factors were different"
    comparison = compare_what_if(explainer.explain(PROFILE),
                                 explainer.explain({**PROFILE, "her2_status": "negative"}))
    changes = page.locator("section.changes").inner_text()
    for change in comparison.changes:
        assert change.name in changes
        assert f"{change.before_label} → {change.after_label}" in changes
    page.screenshot(path=str(shots / "web-what-if.png"))

    page.get_by_role("button", name="Show the full explanation with this change").click()
    page.wait_for_load_state()
    entered = page.locator("section.entered").inner_text()
    # (A glossary term's number follows its first use: "HER2-negative6 (HER2-zero)".)
    assert "HER2-negative" in entered and "(HER2-zero)" in entered and "58" in entered
    visit.check_stayed_local()


def _focus_is_visible(page: Any) -> bool:
    return bool(page.evaluate("""() => {
        const el = document.activeElement;
        if (!el || el === document.body) return false;
        const style = getComputedStyle(el);
        return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    }"""))


def _tab_to(page: Any, selector: str, limit: int = 120, key: str = "Tab") -> None:
    """Press Tab (or ``key``) until ``selector`` has the focus; every stop must show it."""
    for _ in range(limit):
        page.keyboard.press(key)
        assert _focus_is_visible(page), page.evaluate("document.activeElement.outerHTML")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} was not reached with Tab")


def test_keyboard_only(visit: Visit, explainer: Explainer, shots: Path) -> None:
    page = visit.page
    visit.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip no-print"
    assert page.locator(".skip").is_visible()  # shown when focused
    assert _focus_is_visible(page)
    page.keyboard.press("Enter")  # skip to the content
    # A radio group is one Tab stop; the arrow keys choose within it.
    _tab_to(page, "#stage-unknown")
    page.keyboard.press("ArrowUp")
    assert page.locator("#stage-IV").is_checked()
    _tab_to(page, "#age")
    page.keyboard.type("58")
    _tab_to(page, "#hr_status-unknown")
    for _ in range(3):  # unknown -> negative -> low (ER-low) -> positive
        page.keyboard.press("ArrowUp")
    assert page.locator("#hr_status-positive").is_checked()
    _tab_to(page, "#her2_status-unknown")
    for _ in range(3):  # unknown -> negative -> ultralow -> low
        page.keyboard.press("ArrowUp")
    assert page.locator("#her2_status-low").is_checked()
    _tab_to(page, "#side_effect_concerns-fatigue")
    page.keyboard.press("Space")
    page.screenshot(path=str(shots / "web-keyboard-focus.png"))
    _tab_to(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _check_result(page, explainer)

    # A term's meaning shows in place when its number gets the focus.
    _tab_to(page, "sup.mark a")
    tip = page.locator(":focus").locator("xpath=ancestor::span[@class='gloss']//span[@class='tip']")
    assert tip.is_visible()
    assert ":" in tip.inner_text()
    page.screenshot(path=str(shots / "web-keyboard-term.png"))
    # A category opens with Enter on its name, and closes again.
    _tab_to(page, "details.entry > summary")
    opened = page.locator("details.entry:has(> summary:focus)")
    assert opened.get_attribute("open") is None
    page.keyboard.press("Enter")
    assert opened.get_attribute("open") is not None
    assert opened.locator(".details-body").is_visible()
    page.keyboard.press("Enter")
    assert opened.get_attribute("open") is None
    # The what-if form comes after the answer, with nothing chosen until the person picks.
    _tab_to(page, "#what-if-select")
    assert page.evaluate("document.activeElement.value") == ""
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") != ""
    _tab_to(page, ".what-if button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "What changes if the factors were different"
    visit.check_stayed_local()


def test_works_without_javascript(browser: Any, server: Served, explainer: Explainer) -> None:
    visit = Visit(browser, server, java_script_enabled=False)
    try:
        page = visit.page
        visit.goto("/")
        _fill_mixed(page)
        page.locator("#age-known").check()  # without the script, the person picks it
        page.get_by_role("button", name="Show the explanation").click()
        page.wait_for_load_state()
        _check_result(page, explainer)
        assert not page.get_by_role("button", name="Print this page").is_visible()
        page.get_by_label("Change one answer").select_option("stage=II")
        page.get_by_role("button", name="Show what changes").click()
        page.wait_for_load_state()
        assert "Stage IV (metastatic) → Stage II (early)" in page.locator(
            "section.factors").inner_text()
        visit.check_stayed_local()
    finally:
        visit.close()


_CONTRAST = """() => {
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const c = parse(getComputedStyle(node).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const failures = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden') continue;
    const a = lum(parse(style.color).slice(0, 3)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed) failures.push(`${el.tagName}.${el.className} ${ratio.toFixed(2)}`);
  }
  return failures;
}"""

_STRUCTURE = """() => {
  const levels = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]
    .map((h) => Number(h.tagName[1]));
  const unlabelled = [...document.querySelectorAll('input:not([type=hidden]),select,textarea')]
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
    .map((el) => el.outerHTML);
  const loose = [...document.querySelectorAll('input[type=radio],input[type=checkbox]')]
    .filter((el) => !el.closest('fieldset') || !el.closest('fieldset').querySelector('legend'))
    .map((el) => el.id);
  return {lang: document.documentElement.lang, levels, unlabelled, loose,
          mains: document.querySelectorAll('main').length,
          width: document.documentElement.scrollWidth};
}"""


def _audit(page: Any, name: str) -> None:
    found = page.evaluate(_STRUCTURE)
    assert found["lang"] == "en", name
    levels = found["levels"]
    assert levels[0] == 1 and levels.count(1) == 1, (name, levels)
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, (name, levels)  # no level skipped going down
    assert not found["unlabelled"], (name, found["unlabelled"])
    assert not found["loose"], (name, found["loose"])
    assert found["mains"] == 1
    assert not page.evaluate(_CONTRAST), (name, page.evaluate(_CONTRAST))


@pytest.mark.parametrize("width", [1000, 375])
def test_accessibility_checks_at_desktop_and_phone_width(
        browser: Any, server: Served, shots: Path, width: int) -> None:
    visit = Visit(browser, server, viewport={"width": width, "height": 800})
    try:
        page = visit.page
        visit.goto("/")
        _audit(page, "start")
        assert page.evaluate(_STRUCTURE)["width"] <= width  # nothing wider than the screen
        page.get_by_role("button", name="Show the explanation").click()
        page.wait_for_load_state()
        assert page.locator("section.entered").is_visible()  # an all-unknown result
        page.goto(f"{server.url}/")
        _fill_mixed(page)
        page.get_by_role("button", name="Show the explanation").click()
        page.wait_for_load_state()
        _audit(page, "result")
        assert page.evaluate(_STRUCTURE)["width"] <= width
        if width < 500:
            page.screenshot(path=str(shots / "web-phone.png"))
        page.get_by_label("Change one answer").select_option("her2_status=positive")
        page.get_by_role("button", name="Show what changes").click()
        page.wait_for_load_state()
        _audit(page, "what-if")
        assert page.evaluate(_STRUCTURE)["width"] <= width
        visit.goto("/docs")
        _audit(page, "docs")
        visit.goto("/no-such-page")
        _audit(page, "404")
        visit.complaints = [text for text in visit.complaints if "404" not in text]
        visit.check_stayed_local()
    finally:
        visit.close()


def test_printing_the_page_gives_the_handout(visit: Visit, explainer: Explainer,
                                             shots: Path) -> None:
    pypdf = pytest.importorskip("pypdf", reason="pypdf is in the test extra")
    page = visit.page
    visit.goto("/")
    _fill_mixed(page)
    page.get_by_role("button", name="Show the explanation").click()
    page.wait_for_load_state()
    pdf = page.pdf(format="A4", print_background=True)
    (shots / "web-printed.pdf").write_bytes(pdf)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    pages = [" ".join(unicodedata.normalize("NFKC", each.extract_text()).split())
             for each in reader.pages]
    text = " ".join(pages)
    assert 2 <= len(pages) <= 12
    assert "not medical advice" in pages[0] and "not medical advice" in pages[-1]
    # The notes box ends it with the closing disclaimer (the sources can fill a page).
    assert "Where this comes from" in " ".join(pages) and "My notes" in pages[-1]
    for heading in ("What you entered", "At a glance", "Usually part of the talk",
                    "Questions you could ask your doctor", "Words used here", "My notes"):
        assert heading in text, heading
    # The categories are collapsed on the screen, and open on paper.
    explanation = explainer.explain(PROFILE)
    def squash(words: str) -> str:  # without spaces and digits (a term's number follows it)
        return "".join(char for char in words if not char.isspace() and not char.isdigit())

    printed = squash(text)
    for category in explanation.categories:
        assert squash(category.summary) in printed, category.id
        for subtype in category.subtypes:
            assert squash(subtype.summary) in printed, subtype.id
    # The buttons and the what-if form are for the screen only.
    for screen_only in ("Show what changes", "Change my answers", "Print this page",
                        "Skip to the main content"):
        assert screen_only not in text, screen_only
    # The page footer of the handout, on every printed page.
    assert all("Education only, not medical advice" in each for each in pages)
    visit.check_stayed_local()


# axe-core's rule tags for WCAG 2.0, 2.1 and 2.2 at levels A and AA, and its best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice",
            "experimental"]


def _axe_violations(page: Any) -> list[str]:
    """What axe-core (the auditor browsers' own developer tools use) finds on the page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                       "resultTypes": ["violations"]})
    return [f"{violation['id']} ({violation['impact']}): "
            + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
            for violation in results.response["violations"]]


@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_nothing_on_the_start_result_comparison_and_docs_pages(
        browser: Any, server: Served, width: int) -> None:
    pytest.importorskip("axe_playwright_python", reason="it is in the test extra")
    visit = Visit(browser, server, viewport={"width": width, "height": 800})
    try:
        page = visit.page
        found: dict[str, list[str]] = {}
        visit.goto("/")
        found["start"] = _axe_violations(page)
        _fill_mixed(page)
        page.get_by_role("button", name="Show the explanation").click()
        page.wait_for_load_state()
        found["result"] = _axe_violations(page)
        # Label in name (WCAG 2.5.3), checked directly too: each glossary mark's accessible
        # name starts with the number it shows.
        marks = page.locator("sup.mark a")
        assert marks.count() > 10
        for index in range(marks.count()):
            mark = marks.nth(index)
            assert mark.get_attribute("aria-label").startswith(f"{mark.text_content()}: ")
        page.get_by_label("Change one answer").select_option("her2_status=positive")
        page.get_by_role("button", name="Show what changes").click()
        page.wait_for_load_state()
        found["comparison"] = _axe_violations(page)
        visit.goto("/docs")
        found["docs"] = _axe_violations(page)
        visit.goto("/?reader=caregiver")
        found["start, for a caregiver"] = _axe_violations(page)
        assert found == {"start": [], "result": [], "comparison": [], "docs": [],
                         "start, for a caregiver": []}
        visit.check_stayed_local()
    finally:
        visit.close()


def _fill(page: Any, profile: dict[str, Any]) -> None:
    """Answer the start form as ``profile`` says (the rest stays "I don't know")."""
    for factor, value in profile.items():
        if factor == "age":
            page.locator("#age-known").check()
            page.locator("#age").fill(str(value))
        elif isinstance(value, list):
            for each in value:
                page.locator(f"#{factor}-{each}").check()
        else:
            page.locator(f"#{factor}-{value}").check()


SCREENS = {"desktop": (1280, 800), "phone": (390, 844)}


@pytest.mark.parametrize("screen", list(SCREENS))
def test_at_a_glance_is_on_the_first_screen(browser: Any, server: Served, shots: Path,
                                             screen: str) -> None:
    """The short answer first: on a desktop "At a glance" is whole without scrolling; on a
    phone it starts on the first screen. Measured for every golden profile."""
    from explainer.lint.reading import REPRESENTATIVE_PROFILES

    width, height = SCREENS[screen]
    visit = Visit(browser, server, viewport={"width": width, "height": height})
    try:
        page = visit.page
        for name, profile in {**REPRESENTATIVE_PROFILES, "mixed": PROFILE}.items():
            visit.goto("/")
            _fill(page, profile)
            page.get_by_role("button", name="Show the explanation").click()
            page.wait_for_load_state()
            page.screenshot(path=str(shots / f"web-first-screen-{screen}-{name}.png"))
            box = page.locator("section.glance").bounding_box()
            heading = page.locator("section.glance h2").bounding_box()
            assert box is not None and heading is not None
            if screen == "desktop":
                assert box["y"] > 0 and box["y"] + box["height"] <= height, (name, box)
            else:
                assert heading["y"] > 0 and heading["y"] + heading["height"] <= height, (
                    name, heading)
        visit.check_stayed_local()
    finally:
        visit.close()


def test_from_my_report_in_a_real_browser(visit: Visit, explainer: Explainer,
                                          shots: Path) -> None:
    # A person pastes report wording, reads what it means beside the form (filled in for
    # them), adds an answer of their own, and sees the explanation marking the report's ones.
    page = visit.page
    visit.goto("/")
    page.get_by_label("The words of your report").fill(
        "ER 95%, PR 0%, HER2 IHC 2+, FISH not amplified, pT2 pN1a M0, grade 3")
    page.get_by_role("button", name="Read my report").click()
    findings = page.locator(".report-findings")
    assert findings.is_visible()
    shown = " ".join(findings.inner_text().split())
    for words in ("HR-positive", "HER2-low", "Lymph nodes positive", "IIB"):
        assert words in shown, words
    assert page.locator("#stage-II").is_checked()
    assert page.locator("#hr_status-positive").is_checked()
    assert page.locator("#her2_status-low").is_checked()
    # Beside the form, not below it, at desktop width.
    form_box = page.locator("form.factors").bounding_box()
    findings_box = findings.bounding_box()
    assert form_box is not None and findings_box is not None
    assert findings_box["x"] > form_box["x"] + form_box["width"] - 1
    page.screenshot(path=str(shots / "report-box.png"), full_page=True)
    page.locator("#menopausal_status-postmenopausal").check()
    page.get_by_role("button", name="Show the explanation").click()
    body = " ".join(page.locator("body").inner_text().split())
    assert "Stage II (early) (from your report)" in body
    assert "After menopause (from your report)" not in body
    visit.check_stayed_local()
