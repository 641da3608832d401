"""The engine on durable-rules: compiled form, sessions, errors, threads."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import explainer.engine.host as engine_module
from explainer import EngineError, Explainer, KnowledgeBase, load_knowledge
from explainer.engine.compiler import compile_ruleset
from explainer.engine.host import RulesEngine
from explainer.engine.oracle import oracle_fired
from explainer.kb.conditions import MARKER_FIELD, MARKER_VALUE
from explainer.kb.profiles import parse_profile, to_fact


def _walk(node: Any) -> list[Any]:
    found = [node]
    if isinstance(node, dict):
        for value in node.values():
            found.extend(_walk(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_walk(value))
    return found


def test_compiled_ruleset_snapshot(kb: KnowledgeBase, golden: Callable[[str, str], None]
                                   ) -> None:
    """The compiled ruleset is a pure function of the rules; CI re-renders and compares it."""
    compiled = compile_ruleset(kb)
    assert compile_ruleset(kb) == compiled
    golden("compiled-ruleset.json", json.dumps(compiled, indent=1, sort_keys=True) + "\n")


def test_every_condition_tests_the_marker_and_only_strings(kb: KnowledgeBase) -> None:
    for rule_id, definition in compile_ruleset(kb).items():
        expression = definition["all"][0]["m"]
        assert expression["$and"][0] == {MARKER_FIELD: MARKER_VALUE}, rule_id
        assert "run" not in definition
        for node in _walk(expression):
            if isinstance(node, dict):
                for key, value in node.items():
                    if not key.startswith("$"):
                        assert isinstance(value, str), (rule_id, key, value)


def test_sessions_are_deleted(explainer: Explainer) -> None:
    engine = explainer.engine
    before = engine.evaluations
    for stage in ("0", "I", "IV", "unknown"):
        explainer.explain({"stage": stage})
    assert engine.open_sessions == 0
    assert engine.evaluations == before + 4
    host = engine_module._host()
    with pytest.raises(Exception, match="Could not get state"):
        host.get_state(engine.name, f"s{next(engine_module._SESSIONS) - 1}")


@pytest.mark.parametrize("fact", [
    {"_kind": "something else"},
    {"_kind": "profile"},
    {"_kind": "profile", "stage": "IV"},
])
def test_incomplete_facts_never_reach_durable_rules(explainer: Explainer,
                                                    fact: dict[str, str]) -> None:
    # durable-rules crashes the process when it must delete the session of a fact that
    # matched nothing; such facts are refused before they get there.
    with pytest.raises(EngineError, match="not a complete profile fact"):
        explainer.engine.fired(fact)
    assert explainer.engine.open_sessions == 0


def test_a_fact_that_matches_no_rule_is_safe(kb_copy: Path) -> None:
    # With only one rule left, an HR-negative profile matches none of the knowledge base's
    # rules; the engine's own always-matching rule keeps durable-rules off its crashing path.
    for path in (kb_copy / "rules").rglob("*.yaml"):
        if not path.name.startswith("hormone-hr-positive"):
            path.unlink()
    # Care roles brought in by rules would name rules that are gone: show them always instead.
    care_team = kb_copy / "knowledge" / "care_team.yaml"
    care_team.write_text(re.sub(r"(?m)^    rules: \[.*\]$", "    always: true",
                                care_team.read_text(encoding="utf-8")), encoding="utf-8")
    # Question orders name rules' questions too: drop them (they come last in the file).
    disclaimer = kb_copy / "knowledge" / "disclaimer.yaml"
    text = disclaimer.read_text(encoding="utf-8")
    disclaimer.write_text(text[:text.index("\nquestion_order:")] + "\n", encoding="utf-8")
    small = load_knowledge(kb_copy)
    engine = RulesEngine(small)
    fact = to_fact(parse_profile({"hr_status": "negative"}, small.factors), small.factors)
    for _ in range(1100):  # more than durable-rules' 1,024 live sessions
        assert engine.fired(fact) == []
    assert engine.open_sessions == 0


def test_action_errors_are_raised_not_swallowed(kb: KnowledgeBase,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_action(self: RulesEngine, index: int) -> Any:
        def action(closure: Any) -> None:
            raise RuntimeError("boom in action")

        return action

    monkeypatch.setattr(RulesEngine, "_action", broken_action)
    engine = RulesEngine(kb)
    fact = to_fact(parse_profile({"stage": "IV"}, kb.factors), kb.factors)
    with pytest.raises(EngineError, match="a rule action failed: boom in action"):
        engine.fired(fact)
    assert engine.open_sessions == 0
    # The engine is still usable afterwards (the failed session was cleaned up).
    monkeypatch.undo()
    assert "hormone-hr-unknown" in RulesEngine(kb).fired(fact)


def test_threads_get_their_own_answers(explainer: Explainer) -> None:
    profiles = [{"stage": stage, "hr_status": hr} for stage in ("0", "II", "IV", "unknown")
                for hr in ("positive", "negative", "unknown")]
    expected = [explainer.fired(explainer.parse(profile)) for profile in profiles]
    errors: list[str] = []

    def work(offset: int) -> None:
        for round_ in range(30):
            index = (offset + round_) % len(profiles)
            got = explainer.fired(explainer.parse(profiles[index]))
            if got != expected[index]:
                errors.append(f"{profiles[index]}: {got}")

    threads = [threading.Thread(target=work, args=(offset,)) for offset in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert explainer.engine.open_sessions == 0


def test_no_background_threads_from_the_engine(kb: KnowledgeBase) -> None:
    before = {thread.name for thread in threading.enumerate()}
    RulesEngine(kb)
    after = {thread.name for thread in threading.enumerate()}
    assert after <= before


def test_oracle_matches_engine_on_optional_factors(explainer: Explainer) -> None:
    kb = explainer.kb
    for profile in ({"age": 35, "side_effect_concerns": ["fertility", "nausea"]},
                    {"age": 75, "stage": "IV", "brca_mutation": "positive",
                     "her2_status": "low"},
                    {"side_effect_concerns": ["none"], "menopausal_status": "pre"}):
        checked = explainer.parse(profile)
        assert explainer.fired(checked) == oracle_fired(kb, to_fact(checked, kb.factors))


def test_import_failure_gives_the_python_313_instruction(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    import builtins

    real_import = builtins.__import__

    def failing_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "durable.engine":
            raise ImportError("undefined symbol: PyEval_CallObject")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(engine_module, "_HOST", None)
    monkeypatch.setattr(builtins, "__import__", failing_import)
    with pytest.raises(EngineError) as caught:
        engine_module._host()
    assert "CPPFLAGS=\"-DPyEval_CallObject=PyObject_CallObject\"" in str(caught.value)
    assert "undefined symbol" in str(caught.value)


# --- the durable-rules guard: the private hooks the engine overrides ------------------------


def test_the_private_hooks_of_durable_rules_exist() -> None:
    import importlib.metadata

    import durable.engine
    import durable_rules_engine

    assert importlib.metadata.version("durable-rules") == engine_module.DURABLE_RULES_VERSION
    modules = {"durable.engine": durable.engine, "durable_rules_engine": durable_rules_engine}
    assert engine_module.missing_hooks(modules) == []
    host = engine_module._host()
    # Instance state the QuietHost's register_rulesets writes to.
    assert isinstance(host._ruleset_directory, dict) and isinstance(host._ruleset_list, list)


def test_the_fast_path_is_the_one_taken(explainer: Explainer) -> None:
    before = engine_module.direct_flushes()
    explanation = explainer.explain({"stage": "II", "hr_status": "positive"})
    assert explanation.categories
    assert engine_module.direct_flushes() > before


def test_another_durable_rules_version_fails_with_one_clear_line(monkeypatch: pytest.MonkeyPatch
                                                                 ) -> None:
    import durable.engine
    import durable_rules_engine

    class Renamed(durable.engine.Ruleset):  # type: ignore[misc]
        _flush_actions = None

    fake = type("FakeEngine", (), {"Ruleset": Renamed, "Host": durable.engine.Host})
    assert engine_module.missing_hooks({"durable.engine": fake,
                                        "durable_rules_engine": durable_rules_engine}) == [
        "durable.engine.Ruleset._flush_actions"]
    with pytest.raises(EngineError) as caught:
        engine_module._check_version(fake, durable_rules_engine)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("durable-rules 2.0.28 is installed, but this explainer needs "
                              "durable-rules 2.0.28 (it relies on "
                              "durable.engine.Ruleset._flush_actions)")
    assert "pip install durable-rules==2.0.28" in message
