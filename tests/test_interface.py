"""The interface's fixed phrases (knowledge/interface.yaml): loaded and validated with the
knowledge base, drawn from the YAML, checked by the lint, listed in the review packet."""

from __future__ import annotations

from pathlib import Path

import pytest

from explainer import Explainer, KnowledgeBaseError, load_knowledge
from explainer.kb import interface
from explainer.kb.interface import SCREENS
from explainer.kb.knowledge import KnowledgeBase
from explainer.lint.runner import VALIDATOR_NAMES, run_lint
from explainer.render import render


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, start: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith(start))


@pytest.fixture(autouse=True)
def _restore_phrases(kb: KnowledgeBase):  # type: ignore[no-untyped-def]
    """Loading a copy makes its phrases the active ones; put the bundled ones back after."""
    yield
    interface.use(kb.interface)


def test_every_screen_is_loaded_with_the_knowledge_base(kb: KnowledgeBase) -> None:
    for screen in SCREENS:
        assert kb.interface.texts(screen), screen
    assert kb.interface.texts("document")["title"] == (
        "Breast cancer treatment options: an educational overview")
    # Keys that are Python keywords keep their YAML spelling.
    assert kb.interface.texts("compare")["and"] == " and "
    assert kb.interface.texts("handout")["from"] == "from {origin}"


def test_missing_and_unknown_phrases_are_load_errors_with_lines(kb_copy: Path) -> None:
    path = kb_copy / "knowledge" / "interface.yaml"
    _edit(path, "  glance: At a glance\n", "  glanse: At a glance\n")
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge(kb_copy)
    lines = caught.value.lines()
    line = _line_of(path, "  glanse:")
    assert any(issue.startswith(f"knowledge/interface.yaml:{line}: ") and "'glanse'" in issue
               and "did you mean 'glance'" in issue for issue in lines), lines
    assert any(issue.startswith("knowledge/interface.yaml:") and "'glance' is missing" in issue
               for issue in lines), lines


def test_missing_interface_file_is_a_load_error(kb_copy: Path) -> None:
    (kb_copy / "knowledge" / "interface.yaml").unlink()
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge(kb_copy)
    assert "knowledge/interface.yaml: interface.yaml is missing" in caught.value.lines()[0]


def test_outputs_draw_the_phrases_of_the_loaded_knowledge_base(kb_copy: Path) -> None:
    _edit(kb_copy / "knowledge" / "interface.yaml", "  glance: At a glance\n",
          "  glance: Summary at a glance\n")
    explainer = Explainer(load_knowledge(kb_copy))
    text = render(explainer.explain({"stage": "II"}), "text")
    assert "SUMMARY AT A GLANCE" in text  # text headings are in capitals


def test_lint_checks_the_phrases_with_their_lines(kb_copy: Path) -> None:
    path = kb_copy / "knowledge" / "interface.yaml"
    _edit(path, "  factors_same: The factors are the same on both sides, so nothing changes.\n",
          "  factors_same: The factors are the same, so you should choose the best treatment.\n")
    result = run_lint(kb_copy, exclude=[name for name in VALIDATOR_NAMES if name != "wording"])
    line = _line_of(path, "  factors_same:")
    found = [issue for issue in result.issues if issue.line == line]
    assert found and all(issue.path == path for issue in found)
    assert any("compare.factors_same" in issue.message and "'you should'" in issue.message
               for issue in found), [issue.message for issue in found]


def test_review_packet_lists_the_phrases_at_their_yaml_lines(kb: KnowledgeBase) -> None:
    from explainer.lint.statements import statements

    found = {item.entry: item for item in statements(kb) if item.section == "fixed phrase"}
    assert len(found) == sum(len(kb.interface.texts(screen)) for screen in SCREENS)
    path = kb.root / "knowledge" / "interface.yaml"
    title = found["document.title"]
    assert title.location == f"knowledge/interface.yaml:{_line_of(path, '  title: ')}"
    assert found["handout.page"].text == "Page "
