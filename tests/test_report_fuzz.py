"""Noisy free text: the report reader never crashes and never invents a value."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explainer.explanation.report.model import PROFILE_KEYS
from explainer.explanation.report.parse import ITEM_ORDER, read_report
from explainer.kb.loader import load_report_knowledge
from explainer.render.report import render_report as render

ALLOWED = {"stage": {"0", "I", "II", "III", "IV"},
           "hr_status": {"positive", "low", "negative"},
           "her2_status": {"positive", "low", "ultralow", "negative"},
           "nodes": {"positive", "negative"},
           "brca_mutation": {"positive", "negative"}}

# Words and pieces a report holds that are not results: headers, page numbers, comments,
# sizes, dates, names, line breaks. None of them names an item.
NOISE = ["SURGICAL PATHOLOGY REPORT", "Page 1 of 2", "see comment", "See Comment.",
         "FINAL DIAGNOSIS:", "Specimen: left breast, lumpectomy", "Tumor size: 2.1 cm",
         "Received in formalin", "Dr. A. Smith", "12/03/2024", "Accession S24-12345",
         "COMMENT:", "Electronically signed", "(continued)", "\n", "\n\n", "  ", "---",
         "***", "Addendum", "Gross description", "The specimen is labeled with the name",
         "Microscopic description", "slides reviewed", "2.5 x 1.8 x 1.2 cm", ":", ";", ",",
         "N/A", "pending review", "Clinical history: mass", "Part A", "Block A3"]

EXAMPLE_ITEMS = ["ER 95%", "PR 0%", "HER2 IHC 2+", "FISH not amplified", "pT2 pN1a M0",
                 "grade 3"]
# Noise that may stand between items: it carries no value of its own.
SEPARATORS = [", ", "\n", "; ", "\n\nsee comment\n", "\nPage 1 of 2\n", "\nFINAL DIAGNOSIS:\n",
              "\n(continued)\n", " -- ", "\nCOMMENT: see comment\n", "\n\n\n"]

FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


def check_well_formed(text: str) -> None:
    reading = read_report(text)
    for key, value in reading.profile.items():
        assert key in PROFILE_KEYS and value in ALLOWED[key], (key, value)
    for finding in reading.findings:
        assert finding.item in ITEM_ORDER
        assert finding.means and finding.source and finding.label
    data = reading.to_json()
    assert json.loads(json.dumps(data)) == data
    kb = load_report_knowledge()
    for output_format in ("text", "markdown", "rich", "json"):
        assert render(reading, kb, output_format)


@FAST
@given(st.text(max_size=400))
def test_any_text_never_crashes(text: str) -> None:
    check_well_formed(text)


@FAST
@given(st.lists(st.sampled_from(NOISE + EXAMPLE_ITEMS + [
    "ER", "PR", "HER2", "FISH", "Ki-67", "stage", "grade", "BRCA1", "%", "2+", "3+", "0",
    "positive", "negative", "amplified", "not", "pT", "N1", "M0", "Stage IIA", "(", ")", "/",
    "+", "-", "Allred", "ratio", "2.3"]), max_size=30))
def test_shuffled_report_words_never_crash(words: list[str]) -> None:
    check_well_formed(" ".join(words))


@FAST
@given(st.lists(st.sampled_from(NOISE), max_size=40), st.integers(0, 3))
def test_noise_alone_invents_nothing(pieces: list[str], joiner: int) -> None:
    text = [" ", "\n", "", ", "][joiner].join(pieces)
    reading = read_report(text)
    assert reading.profile == {}
    assert reading.findings == ()
    assert reading.conflicts == ()


@FAST
@given(st.lists(st.sampled_from(SEPARATORS), min_size=len(EXAMPLE_ITEMS) - 1,
                max_size=len(EXAMPLE_ITEMS) - 1),
       st.sampled_from(["", "SURGICAL PATHOLOGY REPORT\n", "Page 2 of 3\n\n"]),
       st.booleans())
def test_noise_between_items_changes_nothing(separators: list[str], header: str,
                                             upper: bool) -> None:
    text = header + EXAMPLE_ITEMS[0]
    for separator, item in zip(separators, EXAMPLE_ITEMS[1:], strict=True):
        text += separator + item
    if upper:
        text = text.upper()
    reading = read_report(text)
    assert reading.profile == {"stage": "II", "hr_status": "positive", "her2_status": "low",
                               "nodes": "positive"}, text
    assert reading.conflicts == ()


@FAST
@given(st.sampled_from(EXAMPLE_ITEMS), st.sampled_from(NOISE))
def test_one_item_among_noise_sets_only_its_own_factor(item: str, noise: str) -> None:
    alone = read_report(item).profile
    assert read_report(f"{noise}\n{item}\n{noise}").profile == alone


def test_reading_is_deterministic() -> None:
    text = "ER 5%, PR 0%, HER2 0+, pT1c pN0 M0, Stage IA"
    assert read_report(text) == read_report(text)


@pytest.mark.parametrize("unit", [
    "anatomic prognostic stage ", "ER ", "pT2N1aM0 ", "(", "1", "5% ", "HER2 0+ 1+ 2+ >0 <1+ ",
    "BRCA1 germline pathogenic ", "\n", "Field: value\n", "ER/PR/HER2/", "see comment ",
])
def test_long_repetitive_text_is_read_whole(unit: str) -> None:
    # Repetition is where a careless pattern or an all-pairs overlap test goes quadratic;
    # bench-style sizes (200 KB) are measured by hand, not timed here.
    reading = read_report(unit * (20_000 // len(unit)))
    assert set(reading.profile) <= set(PROFILE_KEYS)
