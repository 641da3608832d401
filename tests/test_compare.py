"""What-if and compare: what changes between two profiles, in every format (golden-tested)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from htmlcheck import check_self_contained

from explainer import Explainer
from explainer.errors import ExitCode, InputError
from explainer.explanation.compare import Comparison, apply_what_if, compare, compare_what_if
from explainer.render.compare import render_comparison
from explainer.render.formats import FORMATS as COMPARISON_FORMATS

EARLY_HR_POSITIVE = {"stage": "II", "hr_status": "positive", "her2_status": "negative",
                     "menopausal_status": "premenopausal", "general_health": "good"}
# name -> (profile, what-if changes); each is one lesson an educator might show.
WHAT_IFS: dict[str, tuple[dict[str, Any], list[str]]] = {
    "her2-positive": (EARLY_HR_POSITIVE, ["her2=positive"]),
    "spread": (EARLY_HR_POSITIVE, ["stage=IV"]),
    "after-menopause": (EARLY_HR_POSITIVE, ["menopausal_status=postmenopausal"]),
    "frail-and-receptors-unknown": (EARLY_HR_POSITIVE, ["health=poor", "hr=unknown",
                                                        "her2=unknown"]),
}
SUFFIX = {"text": "txt", "markdown": "md", "rich": "rich.txt", "json": "json", "html": "html"}


def _what_if(explainer: Explainer, name: str) -> Comparison:
    profile, changes = WHAT_IFS[name]
    before = explainer.explain(profile)
    after = explainer.explain(apply_what_if(profile, changes, explainer.kb.factors))
    return compare_what_if(before, after)


@pytest.mark.parametrize("fmt", COMPARISON_FORMATS)
@pytest.mark.parametrize("name", list(WHAT_IFS))
def test_what_if_goldens(explainer: Explainer, golden: Callable[[str, str], None], name: str,
                         fmt: str) -> None:
    golden(f"what-if-{name}.{SUFFIX[fmt]}",
           render_comparison(_what_if(explainer, name), fmt, width=100))


@pytest.mark.parametrize("fmt", COMPARISON_FORMATS)
def test_compare_goldens_through_the_cli(cli: Callable[..., Any], tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch,
                                         golden: Callable[[str, str], None], fmt: str) -> None:
    (tmp_path / "early.yaml").write_text(
        "stage: II\nhr_status: negative\nher2_status: negative\ngeneral_health: good\n",
        encoding="utf-8")
    (tmp_path / "spread.json").write_text(json.dumps(
        {"stage": "IV", "hr_status": "negative", "her2_status": "negative",
         "general_health": "good", "brca_mutation": "positive"}), encoding="utf-8")
    # The file names, as typed, are the two sides' labels.
    monkeypatch.chdir(tmp_path)
    result = cli("compare", "early.yaml", "spread.json", "--format", fmt, "--width", "100")
    assert result.code == ExitCode.OK, result.err
    golden(f"compare-early-vs-spread.{SUFFIX[fmt]}", result.out)


def test_what_if_her2_positive_content(explainer: Explainer) -> None:
    comparison = _what_if(explainer, "her2-positive")
    assert [(c.factor, c.before, c.after) for c in comparison.factor_changes] == [
        ("her2_status", "HER2-negative (HER2-zero)", "HER2-positive")]
    changes = {change.id: (change.before, change.after) for change in comparison.changes}
    assert changes["her2_targeted_therapy"] == ("less_likely", "often_discussed")
    assert changes["chemotherapy"] == ("may_be_discussed", "often_discussed")
    assert changes["cdk46_inhibitors"] == ("may_be_discussed", "less_likely")
    her2 = next(change for change in comparison.changes if change.id == "her2_targeted_therapy")
    assert her2.category == "targeted_therapy" and her2.category_name == "Targeted therapy"
    assert [r.rule_id for r in her2.reasons_before] == ["her2-targeted-her2-not-positive"]
    assert [r.rule_id for r in her2.reasons_after] == ["her2-targeted-her2-positive"]
    assert her2.sources
    # Unchanged: everything not listed as a change, in one line.
    changed = {change.id for change in comparison.changes}
    assert set(comparison.unchanged) | changed == {
        target for category in explainer.explain({}).categories
        for target in (category.id, *(sub.id for sub in category.subtypes))}
    assert not set(comparison.unchanged) & changed
    assert comparison.unchanged_summary.startswith("No change for Surgery, Radiation therapy")
    assert "\n" not in comparison.unchanged_summary
    assert comparison.before_label == "As entered" and comparison.after_label == "What if"
    text = render_comparison(comparison, "text", width=100)
    assert ("HER2-targeted therapy (a kind of Targeted therapy) -- Not usually used for results "
            "like these → Usually part of the talk") in " ".join(text.split())


def test_same_relevance_different_reasons(explainer: Explainer) -> None:
    comparison = _what_if(explainer, "after-menopause")
    assert comparison.changes == ()
    ids = [change.id for change in comparison.reasons_changed]
    assert "hormone_therapy" in ids
    hormone = comparison.reasons_changed[ids.index("hormone_therapy")]
    assert "hormone-before-menopause" in [r.rule_id for r in hormone.reasons_before]
    assert "hormone-after-menopause" in [r.rule_id for r in hormone.reasons_after]
    text = render_comparison(comparison, "text", width=100)
    assert "None of the treatments changes how likely it is to come up." in text
    assert "Same outcome, different reasons" in text.title() or "SAME OUTCOME" in text


def test_identical_profiles_change_nothing(explainer: Explainer) -> None:
    explanation = explainer.explain(EARLY_HR_POSITIVE)
    comparison = compare(explanation, explanation)
    assert comparison.factor_changes == () and comparison.changes == ()
    assert comparison.reasons_changed == ()
    assert comparison.questions_added == () == comparison.questions_removed
    assert len(comparison.unchanged) == 17
    text = render_comparison(comparison, "text")
    assert "The factors are the same on both sides, so nothing changes." in text


@pytest.mark.parametrize("fmt", COMPARISON_FORMATS)
def test_every_format_has_the_disclaimer_first_and_last(explainer: Explainer,
                                                        fmt: str) -> None:
    comparison = _what_if(explainer, "spread")
    out = render_comparison(comparison, fmt, width=100)
    if fmt == "json":
        data = json.loads(out)
        assert data["disclaimer"] == comparison.disclaimer
        assert Comparison.model_validate(data) == comparison
        return
    words = comparison.disclaimer.split()
    # For HTML, what is shown: the body (the head holds the styles).
    shown = out.split("<body>", 1)[1] if fmt == "html" else out
    flat = " ".join(shown.replace("│", " ").split())
    first = flat.find(" ".join(words[:6]))
    last = flat.rfind(" ".join(words[-6:]))
    assert 0 <= first < 400
    assert last > len(flat) - 600


def test_clinician_what_if_shows_the_rules(explainer: Explainer) -> None:
    text = render_comparison(_what_if(explainer, "her2-positive"), "text", "clinician",
                             width=100)
    assert "What if: rule her2-targeted-her2-positive (priority" in text
    assert "As entered: rule her2-targeted-her2-not-positive (priority" in text


def test_html_comparison_escapes_labels(explainer: Explainer) -> None:
    explanation = explainer.explain(EARLY_HR_POSITIVE)
    comparison = compare(explanation, explainer.explain({"stage": "IV"}),
                         before_label="<script>a & b</script>.yaml", after_label="b.yaml")
    page = render_comparison(comparison, "html")
    check_self_contained(page)
    assert "&lt;script&gt;a &amp; b&lt;/script&gt;.yaml" in page


@pytest.mark.parametrize(("changes", "message"), [
    (["her3=positive"], "--what-if: 'her3' is not a factor (did you mean 'her2'?)"),
    (["her2"], "--what-if: 'her2' is not FACTOR=VALUE (for example --what-if her2=positive)"),
    (["=positive"], "is not FACTOR=VALUE"),
])
def test_bad_what_if_is_one_line(explainer: Explainer, changes: list[str],
                                 message: str) -> None:
    with pytest.raises(InputError) as caught:
        apply_what_if({}, changes, explainer.kb.factors)
    assert message in str(caught.value)


def test_what_if_through_the_cli(cli: Callable[..., Any]) -> None:
    result = cli("explain", "--stage", "II", "--hr", "positive", "--her2", "negative",
                 "--what-if", "stage=4", "--what-if", "concerns=fertility,fatigue",
                 "--format", "json")
    assert result.code == ExitCode.OK, result.err
    data = json.loads(result.out)
    assert data["what_if"] is True
    assert data["before_profile"]["stage"] == "II" and data["after_profile"]["stage"] == "IV"
    assert data["after_profile"]["side_effect_concerns"] == ["fatigue", "fertility"]
    assert [change["factor"] for change in data["factor_changes"]] == [
        "stage", "side_effect_concerns"]
    assert any(change["id"] == "palliative_care" for change in data["changes"])
    # A bad value in a what-if is reported like any bad value: one line, exit 2.
    bad = cli("explain", "--stage", "II", "--what-if", "her2=maybe")
    assert bad.code == ExitCode.BAD_INPUT and bad.out == ""
    assert bad.err.startswith("explainer: error: her2_status: 'maybe' is not allowed")
    assert len(bad.err.strip().splitlines()) == 1
    unknown = cli("explain", "--what-if", "colour=blue")
    assert unknown.code == ExitCode.BAD_INPUT
    assert "'colour' is not a factor" in unknown.err


def test_compare_cli_errors(cli: Callable[..., Any], tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("stage: II\n", encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("stage: V\n", encoding="utf-8")
    result = cli("compare", str(good), str(bad))
    assert result.code == ExitCode.BAD_INPUT
    assert f"{bad}: stage: 'V' is not allowed" in result.err
    missing = cli("compare", str(good), str(tmp_path / "nope.yaml"))
    assert missing.code == ExitCode.BAD_INPUT and "cannot read profile file" in missing.err
    one = cli("compare", str(good))
    assert one.code == ExitCode.BAD_INPUT and "PROFILE_B" in one.err
