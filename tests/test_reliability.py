"""Reliability: anything a person can send, any damage to a knowledge base, many threads, and a
long run — always a valid explanation or the documented error, never anything else."""

from __future__ import annotations

import json
import random
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import CliResult
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explainer import Explainer, Explanation, KnowledgeBaseError, ProfileError, load_knowledge
from explainer.errors import ExitCode
from explainer.kb.files import bundled_root
from explainer.lint.factor_space import factor_space

KEYS = ["stage", "menopausal_status", "age", "hr_status", "her2_status", "general_health",
        "brca_mutation", "side_effect_concerns", "hr", "her2", "", "stage ", "Stage",
        "\u00e9tape", "__class__", "0"]
VALUES = ["IV", "iv", "4", "0", "positive", "low", "pre", "unknown", "I don't know", "fatigue",
          "none", "nausea,hair_loss", "", " ", "\x00", "\u2603", "HER2-low", "+", "-"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
    st.text(max_size=40), st.sampled_from(VALUES))
nested = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)
profiles = st.one_of(
    st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=12)), nested,
                    max_size=10),
    nested)


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(profiles)
def test_any_profile_gives_an_explanation_or_the_documented_error(explainer: Explainer,
                                                                  data: Any) -> None:
    try:
        result = explainer.explain(data)
    except ProfileError as error:
        message = str(error)
        assert message and "\n" not in message
        assert all(problem.field for problem in error.problems)
        return
    assert isinstance(result, Explanation)
    assert len(result.categories) == 9
    assert result.disclaimer.startswith("This is education, not medical advice.")
    # What comes back is valid against its own model.
    assert Explanation.model_validate_json(result.model_dump_json()) == result


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.binary(max_size=600), st.sampled_from(["p.yaml", "p.json", "p.yml", "p"]))
def test_any_profile_file_gives_output_or_one_error_line(cli: Callable[..., CliResult],
                                                         tmp_path_factory: pytest.TempPathFactory,
                                                         content: bytes, name: str) -> None:
    path = tmp_path_factory.mktemp("profile") / name
    path.write_bytes(content)
    result = cli("explain", "--profile", str(path), "--format", "json")
    assert "Traceback" not in result.err
    if result.code == ExitCode.OK:
        assert json.loads(result.out)["schema_version"] == 1
    else:
        assert result.code == ExitCode.BAD_INPUT, result
        assert result.out == ""
        assert result.err.count("\n") == 1 and result.err.startswith("explainer: error: ")


# --- damaged knowledge bases ------------------------------------------------------------------

def _yaml_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*.yaml"))


def _walk(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, (*path, index))


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        data = data[step]
    return data


def _mutate(root: Path, rng: random.Random) -> str:
    """Damage one file of the knowledge base at ``root``; returns what was done."""
    target = rng.choice(_yaml_files(root))
    kind = rng.choice(["drop-key", "wrong-type", "duplicate-entry", "dangling-id",
                       "truncate", "binary", "empty", "folder", "bad-yaml"])
    text = target.read_text(encoding="utf-8")
    if kind == "truncate":
        target.write_text(text[: rng.randrange(1, max(2, len(text)))], encoding="utf-8")
    elif kind == "binary":
        target.write_bytes(b"\xff\xfe" + bytes(rng.randrange(256) for _ in range(40)))
    elif kind == "empty":
        target.write_text("", encoding="utf-8")
    elif kind == "folder":
        target.unlink()
        target.mkdir()
    elif kind == "bad-yaml":
        lines = text.splitlines()
        lines.insert(rng.randrange(len(lines) + 1), rng.choice(["  - [unclosed", "key: {",
                                                                "\tbad: tab", ": :"]))
        target.write_text("\n".join(lines), encoding="utf-8")
    else:
        data = yaml.safe_load(text)
        nodes = [(path, node) for path, node in _walk(data) if path]
        if not nodes:
            target.write_text("just text\n", encoding="utf-8")
            return f"{target.name}: replaced"
        path, node = rng.choice(nodes)
        parent = _parent(data, path)
        if kind == "drop-key" and isinstance(parent, dict):
            del parent[path[-1]]
        elif kind == "wrong-type":
            parent[path[-1]] = rng.choice([42, None, True, ["a", "list"], {"a": "map"}, 3.5])
        elif kind == "duplicate-entry" and isinstance(parent, list):
            parent.append(node)
        elif kind == "dangling-id" and isinstance(node, str):
            parent[path[-1]] = node + "_missing"
        else:
            parent[path[-1]] = "???"
        target.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return f"{target.relative_to(root)}: {kind}"


def test_damaged_knowledge_bases_fail_cleanly(tmp_path: Path,
                                              cli: Callable[..., CliResult]) -> None:
    """Random damage to a copy: either it still loads, or every problem is reported as
    `file[:line]: message (fix: ...)` with exit code 3 — never a traceback."""
    rng = random.Random(20261128)
    source = bundled_root()
    reported = 0
    for attempt in range(120):
        root = tmp_path / f"kb{attempt}"
        shutil.copytree(source / "knowledge", root / "knowledge")
        shutil.copytree(source / "rules", root / "rules")
        done = _mutate(root, rng)
        try:
            load_knowledge(root)
        except KnowledgeBaseError as error:
            reported += 1
            for line in error.lines():
                location = line.split(": ", 1)[0]
                assert location.split(":")[0].endswith((".yaml", "knowledge", "rules")), (done,
                                                                                           line)
                assert "(fix: " in line, (done, line)
            result = cli("explain", "--knowledge", str(root))
            assert result.code == ExitCode.INVALID_KNOWLEDGE, (done, result)
            assert "Traceback" not in result.err
            assert result.err.startswith("explainer: error: the knowledge base has ")
        shutil.rmtree(root)
    assert reported > 60  # most damage is caught (some, like a harmless retype, is not damage)


# --- threads and long runs --------------------------------------------------------------------

def test_threads_with_forced_switching_match_single_threaded(explainer: Explainer) -> None:
    raws = list(factor_space(explainer.kb))
    expected = {index: explainer.explain(raw).model_dump_json() for index, raw in
                enumerate(raws[:300])}
    failures: list[str] = []
    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)

    def work(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(400):
            index = rng.randrange(len(expected))
            try:
                got = explainer.explain(raws[index]).model_dump_json()
            except Exception as error:  # any error at all is a failure here
                failures.append(f"{raws[index]}: {error!r}")
                continue
            if got != expected[index]:
                failures.append(f"{raws[index]}: a different answer")

    try:
        threads = [threading.Thread(target=work, args=(seed,)) for seed in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(old_interval)
    assert failures == []
    assert explainer.engine.open_sessions == 0


def test_long_run_leaves_no_session_alive(explainer: Explainer) -> None:
    from explainer.engine import host as engine_module

    engine = explainer.engine
    raws = list(factor_space(explainer.kb))
    before = engine.evaluations
    for count in range(30_000):
        explainer.fired(explainer.parse(raws[count % len(raws)]))
        if count % 5000 == 0:
            assert engine.open_sessions == 0
    assert engine.evaluations - before == 30_000
    assert engine.open_sessions == 0
    # The last session durable-rules saw is gone: asking for its state fails.
    last = f"s{next(engine_module._SESSIONS) - 1}"
    with pytest.raises(Exception, match="Could not get state"):
        engine_module._host().get_state(engine.name, last)
