"""Measure the brief and full views of the five golden profiles (issue 10's figures).

For each profile: lines and words of the brief and the full text view (88 columns), their
Flesch-Kincaid grade measured as ``explainer lint`` measures it (every piece a reader reads,
labels and table cells included, each a sentence; a glossary term counts as explained), and,
when Debian's Chromium is installed, the pages of the brief and full handouts printed on A4 and
Letter.

    python bench/measure_views.py            # the table, in Markdown
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from explainer import get_explainer
from explainer.kb.files import bundled_root
from explainer.lint.base import LintContext, LintOptions
from explainer.lint.reading import REPRESENTATIVE_PROFILES, measure
from explainer.lint.texts import collect_texts, read_raw
from explainer.render import render
from explainer.render.html import render_html

CHROMIUM = "/usr/bin/chromium"


def _pages(page: str, folder: Path, name: str) -> int | None:
    """Pages of ``page`` printed by headless Chromium, or None without it or pypdf."""
    try:
        import pypdf
    except ImportError:
        return None
    if not Path(CHROMIUM).exists():
        return None
    source = folder / f"{name}.html"
    source.write_text(page, encoding="utf-8")
    target = folder / f"{name}.pdf"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-pdf-header-footer", f"--print-to-pdf={target}", source.as_uri()],
                   capture_output=True, timeout=120, check=False)
    return len(pypdf.PdfReader(str(target)).pages) if target.exists() else None


def main() -> int:
    """Print the table."""
    explainer = get_explainer()
    root = bundled_root()
    raw = read_raw(root)
    context = LintContext(root=root, kb=explainer.kb, load_issues=[],
                          texts=collect_texts(root, raw), raw=raw, options=LintOptions())
    grades = {(detail, name): item.fk for detail, name, item in measure(context).views}
    print("| profile | view | lines | words | FK grade | pages A4 | pages Letter |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, profile in REPRESENTATIVE_PROFILES.items():
            explanation = explainer.explain(profile)
            for detail in ("brief", "full"):
                text = render(explanation, "text", width=88, detail=detail)
                pages = [_pages(render_html(explanation, paper=paper, handout=detail), folder,
                                f"{name}-{detail}-{paper}") for paper in ("a4", "letter")]
                shown = ["-" if count is None else str(count) for count in pages]
                # Words a person reads: tokens with a letter (not "[1, 2]" marks or rules).
                words = sum(1 for token in text.split() if any(c.isalpha() for c in token))
                print(f"| {name} | {detail} | {len(text.splitlines())} | {words} "
                      f"| {grades[(detail, name)]:.1f} | {shown[0]} | {shown[1]} |")
    if shutil.which("chromium") is None and not Path(CHROMIUM).exists():
        print("\n(Chromium not found: pages not measured.)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
