"""Notations as they are written in real pathology reports and in the CAP breast biomarker
template, each with the findings and the profile it must give (the profile exactly: nothing
more is invented)."""

from __future__ import annotations

import pytest

from explainer.explanation.report.parse import read_report

CAP_TEMPLATE = """\
BREAST BIOMARKER REPORTING TEMPLATE
Estrogen Receptor (ER) Status
  Positive (greater than 10% of cells demonstrate nuclear positivity)
  Percentage of cells with nuclear positivity: 91-100%
  Average intensity of staining: Strong
Progesterone Receptor (PgR) Status
  Negative (less than 1%)
HER2 (ERBB2) by Immunohistochemistry
  Equivocal (Score 2+)
HER2 (ERBB2) by in situ hybridization
  Negative (not amplified)
  Dual probe: HER2/CEP17 ratio: 1.3
  Average number of HER2 signals per cell: 3.1
Ki-67: 30%
"""

# (text, profile, {item: [values of its findings, in order]})
NOTATIONS: list[tuple[str, dict[str, str], dict[str, list[str]]]] = [
    # ER / PR wording
    ("ER positive (95%)", {"hr_status": "positive"}, {"er": ["positive"]}),
    ("ER: 95%", {"hr_status": "positive"}, {"er": ["positive"]}),
    ("Estrogen receptor positive, 80%", {"hr_status": "positive"}, {"er": ["positive"]}),
    ("ER negative (<1%)", {}, {"er": ["negative"]}),
    ("ER low positive (5%)", {}, {"er": ["low"]}),
    ("ER: Low Positive (1-10%)", {}, {"er": ["low"]}),
    ("ER+", {"hr_status": "positive"}, {"er": ["positive"]}),
    ("ER+/PR+", {"hr_status": "positive"}, {"er": ["positive"], "pr": ["positive"]}),
    ("ER+/PR-/HER2-", {"hr_status": "positive"},
     {"er": ["positive"], "pr": ["negative"], "her2_status": ["needs_score"]}),
    ("ER/PR positive", {"hr_status": "positive"}, {"er": ["positive"], "pr": ["positive"]}),
    ("ER and PR negative", {"hr_status": "negative"}, {"er": ["negative"], "pr": ["negative"]}),
    ("ER/PR/HER2: -/-/-", {"hr_status": "negative"}, {"er": ["negative"], "pr": ["negative"]}),
    ("Estrogen Receptor: POSITIVE (>95% of tumor cells, strong intensity)",
     {"hr_status": "positive"}, {"er": ["positive"]}),
    ("ER (SP1): positive, 90%, strong", {"hr_status": "positive"}, {"er": ["positive"]}),
    ("Oestrogen receptor: negative (0%)", {}, {"er": ["negative"]}),
    ("ER: Allred score 8/8", {"hr_status": "positive"}, {"er": ["positive"]}),
    ("ER Allred 2", {}, {"er": ["negative"]}),
    ("ER: Allred 4/8", {}, {"er": ["needs_percent"]}),
    ("Progesterone receptor: negative", {}, {"pr": ["negative"]}),
    ("PR: positive (40%)", {"hr_status": "positive"}, {"pr": ["positive"]}),
    ("PgR 0%", {}, {"pr": ["negative"]}),
    ("PR low positive (3%)", {"hr_status": "positive"}, {"pr": ["positive"]}),
    ("Hormone receptor positive", {"hr_status": "positive"}, {}),
    ("Triple negative breast cancer", {"hr_status": "negative"},
     {"er": ["negative"], "pr": ["negative"]}),
    ("ER 2%, PR <1%", {"hr_status": "low"}, {"er": ["low"], "pr": ["negative"],
                                              "hr_status": ["low"]}),
    ("ER: positive\nPercentage of cells with nuclear positivity: 1-10%",
     {}, {"er": ["low"]}),
    ("ER-positive, PR-positive, HER2-negative invasive ductal carcinoma",
     {"hr_status": "positive"},
     {"er": ["positive"], "pr": ["positive"], "her2_status": ["needs_score"],
      "histology": ["ductal"]}),
    ("HR+/HER2- metastatic breast cancer", {"hr_status": "positive"},
     {"her2_status": ["needs_score"]}),
    ("ER/PR: 90%/0%", {"hr_status": "positive"}, {"er": ["positive"], "pr": ["negative"]}),
    ("ER - 95%, PR - 0%", {"hr_status": "positive"}, {"er": ["positive"], "pr": ["negative"]}),
    ("ER- PR- HER2+", {"hr_status": "negative", "her2_status": "positive"},
     {"er": ["negative"], "pr": ["negative"]}),
    ("ER (+), PR (-)", {"hr_status": "positive"}, {"er": ["positive"], "pr": ["negative"]}),
    ("ER pos, PR neg", {"hr_status": "positive"}, {"er": ["positive"], "pr": ["negative"]}),
    ("ER positive (Allred 7/8)", {"hr_status": "positive"}, {"er": ["positive"]}),
    ("ER: Positive (95%); PR: Positive (60%); HER2: Negative (1+)",
     {"hr_status": "positive", "her2_status": "low"}, {"her2_ihc": ["1+"]}),
    ("ER by IHC: positive (95%)", {"hr_status": "positive"}, {"er": ["positive"],
                                                               "her2_status": []}),
    ("PR (IHC): negative", {}, {"pr": ["negative"], "her2_ihc": []}),
    # HER2 by immunohistochemistry
    ("HER2 IHC score 0 (null)", {"her2_status": "negative"}, {"her2_ihc": ["0"]}),
    ("HER2 IHC: 0 (ultralow - faint incomplete membrane staining in \u226410% of cells)",
     {"her2_status": "ultralow"}, {"her2_ihc": ["0+"]}),
    ("HER2 (SP3) 2+ equivocal; FISH pending", {}, {"her2_status": ["needs_ish"]}),
    ("HER2 IHC 0", {"her2_status": "negative"}, {"her2_ihc": ["0"]}),
    ("HER2: 0 (no staining)", {"her2_status": "negative"}, {"her2_ihc": ["0"]}),
    ("HER2 IHC 1+", {"her2_status": "low"}, {"her2_ihc": ["1+"]}),
    ("HER2/neu: negative (score 1+)", {"her2_status": "low"}, {"her2_ihc": ["1+"]}),
    ("HER2 score 2+ (equivocal)", {}, {"her2_ihc": ["2+"], "her2_status": ["needs_ish"]}),
    ("HER2: Equivocal (Score 2+)", {}, {"her2_ihc": ["2+"]}),
    ("HER2 3+", {"her2_status": "positive"}, {"her2_ihc": ["3+"]}),
    ("HER2 (4B5): positive, score 3+", {"her2_status": "positive"}, {"her2_ihc": ["3+"]}),
    ("HER2 by immunohistochemistry: Positive (Score 3+)", {"her2_status": "positive"},
     {"her2_ihc": ["3+"]}),
    ("HER2 by IHC: Negative (Score 0)", {"her2_status": "negative"}, {"her2_ihc": ["0"]}),
    ("HER2: 0 with faint incomplete staining in 10% or fewer cells",
     {"her2_status": "ultralow"}, {"her2_ihc": ["0+"]}),
    ("HER2 IHC 0+", {"her2_status": "ultralow"}, {"her2_ihc": ["0+"]}),
    ("HER2 IHC >0 <1+", {"her2_status": "ultralow"}, {"her2_ihc": ["0+"]}),
    ("HER2: ultralow", {"her2_status": "ultralow"}, {"her2_ihc": ["0+"]}),
    ("HER2: faint, barely perceptible incomplete membrane staining in >10% of cells",
     {"her2_status": "low"}, {"her2_ihc": ["1+"]}),
    ("HER2-low", {"her2_status": "low"}, {"her2_status": ["low"]}),
    ("HER2 negative", {}, {"her2_status": ["needs_score"]}),
    ("HER2 positive", {"her2_status": "positive"}, {"her2_status": ["positive"]}),
    ("c-erbB-2: 1+", {"her2_status": "low"}, {"her2_ihc": ["1+"]}),
    ("HER2: pending, see addendum", {}, {"her2_status": ["pending"]}),
    # ISH
    ("HER2 FISH: not amplified", {}, {"ish": ["not_amplified"], "her2_status": ["needs_score"]}),
    ("FISH: amplified", {"her2_status": "positive"}, {"ish": ["amplified"]}),
    ("HER2 IHC 2+, CISH non-amplified", {"her2_status": "low"}, {"ish": ["not_amplified"]}),
    ("HER2 2+; DISH negative", {"her2_status": "low"}, {"ish": ["not_amplified"]}),
    ("HER2 2+ (equivocal); reflex FISH positive", {"her2_status": "positive"},
     {"ish": ["amplified"]}),
    ("HER2 IHC 2+. HER2 by ISH: no amplification detected", {"her2_status": "low"},
     {"ish": ["not_amplified"]}),
    ("HER2 IHC 2+. Dual-probe ISH group 5", {"her2_status": "low"},
     {"ish": ["group_5", "not_amplified"]}),
    ("HER2 IHC 2+. HER2:CEP17 ratio of 4.1; mean HER2 copy number 9.8 signals/cell",
     {"her2_status": "positive"}, {"ish": ["group_1", "amplified"]}),
    ("HER2 IHC 2+ (equivocal). HER2 FISH: HER2/CEP17 ratio 1.6, HER2 signals per cell 4.8 - "
     "ASCO/CAP group 4; interpreted as negative (not amplified)", {"her2_status": "low"},
     {"ish": ["group_4", "not_amplified"]}),
    # The pre-2023 wording of score 0 covers both kinds of 0: a plain 0, not ultralow.
    ("HER2 0 (no staining or faint incomplete staining in \u226410% of cells)",
     {"her2_status": "negative"}, {"her2_ihc": ["0"]}),
    ("HER2 (ERBB2) by in situ hybridization: Positive (amplified)",
     {"her2_status": "positive"}, {"ish": ["amplified"]}),
    # TNM
    ("pT2 pN1a M0", {"stage": "II", "nodes": "positive"}, {"t": ["pT2"], "n": ["pN1a"]}),
    ("pT2N1aM0", {"stage": "II", "nodes": "positive"}, {"stage": ["IIB"]}),
    ("pT1c(m) pN0(sn) cM0", {"stage": "I", "nodes": "negative"}, {"stage": ["IA"]}),
    ("pT1b pN0(i+) M0", {"stage": "I", "nodes": "negative"}, {"n": ["pN0(i+)"]}),
    ("pT1mi pN1mi(sn) M0", {"stage": "I", "nodes": "positive"}, {"stage": ["IB"]}),
    ("pTis (DCIS) pN0 M0", {"stage": "0", "nodes": "negative"}, {"stage": ["0"]}),
    ("cT4d cN3c M1", {"stage": "IV", "nodes": "positive"}, {"stage": ["IV"]}),
    ("pT3, pN2a, M0", {"stage": "III", "nodes": "positive"}, {"stage": ["IIIA"]}),
    ("TNM: pT2 pN0 (0/3) cM0", {"stage": "II", "nodes": "negative"}, {"stage": ["IIA"]}),
    ("Primary tumor (pT): pT1c\nRegional lymph nodes (pN): pN1a",
     {"nodes": "positive"}, {"t": ["pT1c"], "stage": ["needs_m"]}),
    ("ypT0 ypN0", {}, {"stage": ["no_group"]}),
    ("pt2 pn1a m0", {"stage": "II", "nodes": "positive"}, {"stage": ["IIB"]}),
    ("Stage IA (pT1c pN0 M0)", {"stage": "I", "nodes": "negative"}, {"stage": ["IA"]}),
    # stage lines
    ("Stage IIA", {"stage": "II"}, {"stage": ["IIA", "II"]}),
    ("AJCC 8th edition anatomic stage: IIIB", {"stage": "III"}, {"stage": ["IIIB", "III"]}),
    ("Pathologic prognostic stage group: IA", {"stage": "I"}, {"stage": ["IA", "I"]}),
    ("Clinical stage 2B", {"stage": "II"}, {"stage": ["IIB", "II"]}),
    ("Metastatic breast cancer, stage IV", {"stage": "IV"}, {"stage": ["IV", "IV"]}),
    # other items
    ("Nottingham histologic grade: 3 (tubules 3, nuclei 3, mitoses 2)", {}, {"grade": ["3"]}),
    ("Grade II", {}, {"grade": ["2"]}),
    ("G1", {}, {}),
    ("Ki-67: 15%", {}, {"ki67": ["15%"]}),
    ("Ki67 index 40 %", {}, {"ki67": ["40%"]}),
    ("Invasive lobular carcinoma, classic type", {}, {"histology": ["lobular"]}),
    ("Invasive carcinoma of no special type (ductal)", {}, {"histology": ["ductal"]}),
    ("Ductal carcinoma in situ, solid type", {}, {"histology": ["dcis"]}),
    ("Margins: negative for invasive carcinoma", {}, {"margins": ["negative"]}),
    ("Margins: positive (tumor at inked anterior margin)", {}, {"margins": ["positive"]}),
    ("Margins close (1 mm)", {}, {"margins": ["close"]}),
    ("Lymphovascular invasion: not identified", {}, {"lvi": ["absent"]}),
    ("LVI: present", {}, {"lvi": ["present"]}),
    ("No lymphovascular invasion", {}, {"lvi": ["absent"]}),
    # genes
    ("Germline testing: BRCA2 pathogenic variant detected", {"brca_mutation": "positive"},
     {"brca": ["positive"]}),
    ("Germline BRCA1 and BRCA2: no pathogenic variants", {"brca_mutation": "negative"},
     {"brca": ["negative"]}),
    ("Germline panel: BRCA2 variant of uncertain significance", {}, {"brca": ["BRCA2: vus"]}),
    ("Germline CHEK2 pathogenic variant", {}, {"other_gene": ["CHEK2: positive"]}),
    ("Tumor: PIK3CA mutation detected", {}, {"other_gene": ["PIK3CA: positive"]}),
]


@pytest.mark.parametrize(("text", "profile", "findings"), NOTATIONS,
                         ids=[case[0][:40] for case in NOTATIONS])
def test_notation(text: str, profile: dict[str, str],
                  findings: dict[str, list[str]]) -> None:
    reading = read_report(text)
    assert reading.profile == profile
    for item, expected in findings.items():
        assert [f.value for f in reading.findings if f.item == item] == expected, item


def test_there_are_at_least_sixty_notations() -> None:
    assert len(NOTATIONS) >= 60


def test_the_cap_biomarker_template() -> None:
    reading = read_report(CAP_TEMPLATE)
    assert reading.profile == {"hr_status": "positive", "her2_status": "low"}
    by_item = {f.item: f.value for f in reading.findings}
    assert by_item["er"] == "positive" and by_item["pr"] == "negative"
    assert by_item["her2_ihc"] == "2+" and by_item["ki67"] == "30%"
    assert "group_5" in [f.value for f in reading.findings if f.item == "ish"]
    assert reading.conflicts == ()


def test_a_whole_noisy_report() -> None:
    text = """SURGICAL PATHOLOGY REPORT            Page 1 of 2
Specimen: Left breast, lumpectomy and sentinel lymph node biopsy
FINAL DIAGNOSIS:
  Invasive ductal carcinoma, Nottingham grade 3 (see comment).
  Tumor size: 2.6 cm.
  Margins: negative; closest margin 3 mm (posterior).
  Lymphovascular invasion: present.
  Lymph nodes: metastatic carcinoma in 2 of 3 sentinel nodes (2/3).
  pT2 pN1a(sn) cM0
BIOMARKERS (performed on core biopsy S24-1234):
  ER: Positive, 95%, strong
  PR: Negative (<1%)
  HER2 (4B5): Equivocal (2+); see HER2 FISH below.
  HER2 FISH: not amplified, HER2/CEP17 ratio 1.4, average HER2 copy number 3.2.
  Ki-67: 35%
COMMENT: see comment
Electronically signed out
"""
    reading = read_report(text)
    assert reading.profile == {"stage": "II", "hr_status": "positive", "her2_status": "low",
                               "nodes": "positive"}
    assert reading.conflicts == ()
    assert any("Tumor size" in quote for quote in reading.not_understood)
    assert not any(quote.lower() == "see comment" for quote in reading.not_understood)
