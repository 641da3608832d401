"""Every T x N x M combination against the AJCC 8th edition anatomic stage groups.

The expected table is written here from the AJCC 8th edition breast chapter (anatomic stage
groups and their footnotes), independently of knowledge/report_stage.yaml, and every
combination is read through the whole report reader, written apart ("pT2 pN1a M0") and
together ("pT2N1aM0").
"""

from __future__ import annotations

import itertools

import pytest

from explainer.explanation.report.parse import read_report

# AJCC 8th edition, breast, anatomic stage groups (T, N, M -> group).
AJCC_8_ANATOMIC = [
    ("Tis", "N0", "M0", "0"),
    ("T1", "N0", "M0", "IA"),
    ("T0", "N1mi", "M0", "IB"),
    ("T1", "N1mi", "M0", "IB"),
    ("T0", "N1", "M0", "IIA"),
    ("T1", "N1", "M0", "IIA"),
    ("T2", "N0", "M0", "IIA"),
    ("T2", "N1", "M0", "IIB"),
    ("T3", "N0", "M0", "IIB"),
    ("T0", "N2", "M0", "IIIA"),
    ("T1", "N2", "M0", "IIIA"),
    ("T2", "N2", "M0", "IIIA"),
    ("T3", "N1", "M0", "IIIA"),
    ("T3", "N2", "M0", "IIIA"),
    ("T4", "N0", "M0", "IIIB"),
    ("T4", "N1", "M0", "IIIB"),
    ("T4", "N2", "M0", "IIIB"),
    ("Any T", "N3", "M0", "IIIC"),
    ("Any T", "Any N", "M1", "IV"),
]
EXPLAINER_STAGE = {"0": "0", "IA": "I", "IB": "I", "IIA": "II", "IIB": "II", "IIIA": "III",
                   "IIIB": "III", "IIIC": "III", "IV": "IV"}

T_CATEGORIES = ["Tis", "T0", "T1mi", "T1a", "T1b", "T1c", "T1", "T2", "T3", "T4", "T4a", "T4b",
                "T4c", "T4d"]
N_CATEGORIES = ["N0", "N0(i+)", "N1mi", "N1", "N1a", "N1b", "N1c", "N2", "N2a", "N2b", "N3",
                "N3a", "N3b", "N3c"]
M_CATEGORIES = ["M0", "cM0(i+)", "M1"]


def expected_group(t: str, n: str, m: str) -> str | None:
    """The AJCC 8th anatomic group, applying the chapter's footnotes."""
    # T1 includes T1mi; T4a-d are T4.
    t_row = "T1" if t.startswith("T1") else "T4" if t.startswith("T4") else t
    # N0(i+) is node-negative; N1a-c, N2a-b, N3a-c are their N category.
    n_row = "N0" if n.startswith("N0") else "N1mi" if n == "N1mi" else n[:2]
    m_row = "M0" if m.endswith("M0(i+)") else m
    # T0 and T1 with nodal micrometastases only are IB; with T2-T4, N1mi counts as N1.
    if n_row == "N1mi" and t_row not in ("T0", "T1"):
        n_row = "N1"
    for row_t, row_n, row_m, group in AJCC_8_ANATOMIC:
        # "Any T" covers the invasive categories; with M1 it covers Tis too (any spread to
        # distant organs is stage IV).
        t_ok = row_t == t_row or (row_t == "Any T" and (t_row != "Tis" or row_m == "M1"))
        n_ok = row_n in (n_row, "Any N")
        if t_ok and n_ok and row_m == m_row:
            return group
    return None


COMBINATIONS = list(itertools.product(T_CATEGORIES, N_CATEGORIES, M_CATEGORIES))


def test_the_table_covers_every_combination() -> None:
    assert len(COMBINATIONS) == 14 * 14 * 3
    groups = {expected_group(*combination) for combination in COMBINATIONS}
    assert groups == {None, *EXPLAINER_STAGE}


@pytest.mark.parametrize("m", M_CATEGORIES)
def test_every_combination_apart(m: str) -> None:
    for t, n in itertools.product(T_CATEGORIES, N_CATEGORIES):
        text = f"p{t} p{n} {m}"
        reading = read_report(text)
        group = expected_group(t, n, m)
        stage_values = [f.value for f in reading.findings if f.item == "stage"]
        if group is None:
            assert "stage" not in reading.profile, text
            assert "not_in_table" in stage_values, text
        else:
            assert reading.profile.get("stage") == EXPLAINER_STAGE[group], text
            assert group in stage_values, text
        nodes = "negative" if n.startswith("N0") else "positive"
        assert reading.profile.get("nodes") == nodes, text
        assert reading.conflicts == (), text


@pytest.mark.parametrize("m", M_CATEGORIES)
def test_every_combination_written_together(m: str) -> None:
    for t, n in itertools.product(T_CATEGORIES, N_CATEGORIES):
        text = f"p{t}{n}{m}"
        group = expected_group(t, n, m)
        expected = EXPLAINER_STAGE[group] if group else None
        assert read_report(text).profile.get("stage") == expected, text


@pytest.mark.parametrize(("text", "stage"), [
    ("ypT2 ypN1a M0", "II"), ("ycT1c ycN0 cM0", "I"), ("ypT4b ypN3a M0", "III"),
])
def test_post_treatment_tnm_uses_the_same_table(text: str, stage: str) -> None:
    assert read_report(text).profile.get("stage") == stage


def test_tx_or_nx_gives_no_stage_unless_m1() -> None:
    assert "stage" not in read_report("pTX pN0 M0").profile
    assert "nodes" not in read_report("pT2 pNX M0").profile
    assert read_report("pTX pNX M1").profile == {"stage": "IV"}
