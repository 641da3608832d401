"""The command line: formats, files, exit codes, help, and one clear line for every mistake."""

from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, CliResult, run_process

from explainer.cli.commands import COMMANDS
from explainer.cli.main import build_parser
from explainer.cli.options import EDUCATION_NOTE
from explainer.errors import ExitCode

Cli = Callable[..., CliResult]
DISCLAIMER_START = "This is education, not medical advice."


def _one_line_error(result: CliResult, code: int = ExitCode.BAD_INPUT) -> str:
    assert result.code == code, result
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("explainer: error: ")
    assert "Traceback" not in result.err
    return lines[0].removeprefix("explainer: error: ")


@pytest.mark.parametrize("fmt", ["rich", "text", "markdown", "json"])
def test_each_format_has_the_disclaimer_first_and_last(cli: Cli, fmt: str) -> None:
    result = cli("explain", "--stage", "IV", "--hr", "positive", "--format", fmt)
    assert result.code == ExitCode.OK
    assert result.err == ""
    if fmt == "json":
        data = json.loads(result.out)
        assert data["disclaimer"].startswith(DISCLAIMER_START)
        assert data["schema_version"] == 1
        assert data["profile"]["stage"] == "IV"
        assert data["profile"]["menopausal_status"] == "unknown"
        return
    text = result.out
    first = text.index("This is education")
    # Piped (as here), rich is plain text, as its help says.
    plain = fmt in ("text", "rich")
    assert "╭" not in text
    assert first < text.index("At a glance".upper() if plain else "At a glance")
    assert text.rindex("This is education") > text.index("Where this comes from".upper()
                                                          if plain else
                                                          "Where this comes from")
    assert "\x1b[" not in text  # no colour codes when not writing to a terminal


def test_json_contract_shape(cli: Cli) -> None:
    result = cli("explain", "--stage", "IV", "--hr", "positive", "--her2", "negative",
                 "--menopause", "postmenopausal", "--health", "good", "--format", "json")
    data = json.loads(result.out)
    assert {"schema_version", "disclaimer", "profile", "categories", "unknown_factors",
            "questions_for_doctor", "care_team", "knowledge"} <= set(data)
    assert data["profile"] == {
        "stage": "IV", "menopausal_status": "postmenopausal", "age": None,
        "hr_status": "positive", "her2_status": "negative", "nodes": "unknown",
        "general_health": "good", "brca_mutation": "unknown", "side_effect_concerns": [],
        "pregnancy": "unknown"}
    targeted = next(c for c in data["categories"] if c["id"] == "targeted_therapy")
    assert targeted["kind"] == "systemic"
    assert targeted["relevance"] == "often_discussed"
    assert {"rule_id", "text", "factors", "sources"} <= set(targeted["reasons"][0])
    assert targeted["reasons"][0]["subtype"] == "cdk46_inhibitors"
    assert targeted["sources"][0] == {"source": "article", "section": "Targeted therapy",
                                      "refs": ["10", "11"], "section_id": "targeted-therapy",
                                      "source_title": "How Is Breast Cancer Treated?"}
    cdk = next(s for s in targeted["subtypes"] if s["id"] == "cdk46_inhibitors")
    assert cdk["relevance"] == "often_discussed"
    assert cdk["reasons"][0]["rule_id"] == "cdk46-metastatic"
    assert cdk["reasons"][0]["factors"] == ["stage", "hr_status", "her2_status"]
    assert data["unknown_factors"][0]["factor"] == "brca_mutation"
    assert all(isinstance(question, str) for question in data["questions_for_doctor"])
    assert {"role", "why"} <= set(data["care_team"][0])
    assert data["knowledge"]["version"] == "1.0.0"
    assert len(data["knowledge"]["last_reviewed"]) == 10


def test_profile_files_yaml_and_json_with_flags_overriding(cli: Cli, tmp_path: Path) -> None:
    yaml_file = tmp_path / "me.yaml"
    yaml_file.write_text("stage: II\nhr_status: positive\nside_effect_concerns: [fertility]\n",
                         encoding="utf-8")
    result = cli("explain", "--profile", str(yaml_file), "--stage", "III", "--format", "json")
    data = json.loads(result.out)
    assert data["profile"]["stage"] == "III"
    assert data["profile"]["hr_status"] == "positive"
    assert data["profile"]["side_effect_concerns"] == ["fertility"]
    json_file = tmp_path / "me.json"
    json_file.write_text(json.dumps({"stage": "0", "age": 61}), encoding="utf-8")
    data = json.loads(cli("explain", "--profile", str(json_file), "--format", "json").out)
    assert (data["profile"]["stage"], data["profile"]["age"]) == ("0", 61)


def test_output_file_is_written_whole(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    result = cli("explain", "--stage", "I", "--format", "markdown", "--output", str(target))
    assert result.code == ExitCode.OK
    assert result.out == ""
    assert result.err.strip() == f"Wrote {target}"
    text = target.read_text(encoding="utf-8")
    assert text.startswith("> **Important:** This is education, not medical advice.")
    assert list(tmp_path.iterdir()) == [target]


def test_output_to_missing_folder(cli: Cli, tmp_path: Path) -> None:
    message = _one_line_error(cli("explain", "--output", str(tmp_path / "no" / "x.txt")))
    assert message.startswith(f"cannot write '{tmp_path / 'no' / 'x.txt'}'")


@pytest.mark.parametrize(("args", "expected"), [
    (["--stage", "V"], "stage: 'V' is not allowed (did you mean 'IV'?); allowed: 0, I, II, "
                       "III, IV, unknown"),
    (["--hr", "postive"], "hr_status: 'postive' is not allowed (did you mean 'positive'?); "
                          "allowed: positive, low, negative, unknown"),
    (["--age", "200"], "age: 200 is out of range; allowed: a whole number from 1 to 120, "
                       "unknown"),
    (["--age", "x"], "age: 'x' is not a whole number; allowed: a whole number from 1 to 120, "
                     "unknown"),
    (["--concerns", "none,nausea"], "side_effect_concerns: 'none' cannot be combined with "
                                    "other answers; allowed: fatigue"),
    (["--hr-status", "positive"], "unrecognized arguments: --hr-status positive "
                                  "(--hr-status: did you mean --hr?)"),
    (["--format", "pdf"], "argument --format: invalid choice: 'pdf'"),
    (["--stage"], "argument --stage: expected one argument"),
    (["IV"], "unrecognized arguments: IV ('IV' is not an option (a value goes after its flag, "
             "e.g. --stage IV))"),
    (["--width", "5"], "argument --width: must be a whole number from 40 to 400, got '5'"),
])
def test_bad_input_is_one_clear_line(cli: Cli, args: list[str], expected: str) -> None:
    assert _one_line_error(cli("explain", *args)).startswith(expected)


@pytest.mark.parametrize(("content", "name", "expected"), [
    ("stage: IV\nhr_stauts: positive\n", "p.yaml",
     "hr_stauts: unknown field (did you mean 'hr_status'?)"),
    ("stage: [IV\n", "p.yaml", "profile file '{path}' line 2: "),
    ("{\"stage\": \"IV\",}", "p.json", "profile file '{path}' line 1: "),
    ("- IV\n- positive\n", "p.yaml", "profile: the file '{path}' must hold factor: value pairs"),
    ("a: &x [1]\nb: *x\n", "p.yaml", "profile file '{path}' line 2: YAML aliases"),
    ("age: true\n", "p.yaml", "age: expected a whole number, got true/false"),
])
def test_bad_profile_files(cli: Cli, tmp_path: Path, content: str, name: str,
                           expected: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    message = _one_line_error(cli("explain", "--profile", str(path)))
    assert message.startswith(expected.format(path=path)), message


@pytest.mark.parametrize(("argv", "hint"), [
    (["factrs"], "(did you mean 'factors'?)"),
    (["factors", "--format", "jsn"], "(did you mean 'json'?)"),
    (["demo", "--format", "rch"], "(did you mean 'rich'?)"),
    (["factors", "--format", "xml"], None),
])
def test_a_mistyped_choice_names_the_closest(cli: Cli, argv: list[str],
                                             hint: str | None) -> None:
    result = cli(*argv)
    message = _one_line_error(result)
    assert result.code == ExitCode.BAD_INPUT and "invalid choice" in message
    if hint is None:
        assert "did you mean" not in message  # nothing close: the choices alone
    else:
        assert hint in message


def test_unreadable_huge_and_binary_profile_files(cli: Cli, tmp_path: Path) -> None:
    assert _one_line_error(cli("explain", "--profile", str(tmp_path / "nope.yaml"))) == (
        f"cannot read profile file '{tmp_path / 'nope.yaml'}': No such file or directory; "
        "check the path")
    huge = tmp_path / "huge.yaml"
    huge.write_text("stage: IV\n" + "#" * 100_000, encoding="utf-8")
    assert "is larger than 64 KB" in _one_line_error(cli("explain", "--profile", str(huge)))
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    assert "is not UTF-8 text" in _one_line_error(cli("explain", "--profile", str(binary)))
    assert "is a folder" in _one_line_error(cli("explain", "--profile", str(tmp_path)))


def test_broken_knowledge_base_exits_3_with_locations(cli: Cli, kb_copy: Path) -> None:
    rule = kb_copy / "rules" / "surgery" / "surgery-metastatic.yaml"
    rule.write_text(rule.read_text(encoding="utf-8").replace("stage: IV", "stage: XI"),
                    encoding="utf-8")
    result = cli("explain", "--knowledge", str(kb_copy))
    assert result.code == ExitCode.INVALID_KNOWLEDGE
    assert result.err.splitlines() == [
        "explainer: error: the knowledge base has 1 problem:",
        "  rules/surgery/surgery-metastatic.yaml:6: when: 'XI' is not a value of stage; "
        "allowed: 0, I, II, III, IV, unknown (fix: fix the condition (factor: value, [values] "
        "or {not: value}))"]
    # --help still works with a broken knowledge base.
    assert cli("explain", "--help", "--knowledge", str(kb_copy)).code == ExitCode.OK


def test_edited_copy_is_used(cli: Cli, kb_copy: Path) -> None:
    path = kb_copy / "knowledge" / "disclaimer.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "This is education, not medical advice.", "EDITED: education, not medical advice."),
        encoding="utf-8")
    result = cli("explain", "--knowledge", str(kb_copy), "--format", "text")
    assert result.out.count("EDITED: education, not medical advice.") == 2


def test_version_and_no_command(cli: Cli) -> None:
    result = cli("--version")
    assert (result.code, result.out.strip()) == (ExitCode.OK, "explainer 0.1.0")
    result = cli()
    assert result.code == ExitCode.BAD_INPUT
    assert "explain" in result.err


def _commands() -> list[str]:
    parser = build_parser(None)
    subparsers = next(action for action in parser._actions
                      if isinstance(action, argparse._SubParsersAction))
    return sorted(subparsers.choices)


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help_and_is_documented(cli: Cli, command: str) -> None:
    result = cli(command, "--help")
    assert result.code == ExitCode.OK
    assert len(result.out.splitlines()) > 5
    # Each command has a heading in the reference under docs/, and a row in the README's table.
    docs = "\n".join(path.read_text(encoding="utf-8")
                     for path in sorted((ROOT / "docs").glob("*.md")))
    assert re.search(rf"^#+ .*`explainer {command}", docs, re.MULTILINE), command
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"| `explainer {command}` |" in readme


def test_explain_help_shows_factors_and_examples(cli: Cli) -> None:
    out = cli("explain", "--help").out
    for flag in ("--stage", "--menopause", "--hr", "--her2", "--health", "--age", "--brca",
                 "--concerns", "--profile", "--format", "--audience", "--knowledge"):
        assert flag in out
    assert "{0,I,II,III,IV,unknown}" in out
    assert "examples:" in out
    assert "not medical advice" in out


def test_schema_command_prints_both_schemas(cli: Cli) -> None:
    data = json.loads(cli("schema").out)
    assert data["profile"]["properties"]["stage"]["enum"] == ["0", "I", "II", "III", "IV",
                                                              "unknown", None]
    assert data["profile"]["additionalProperties"] is False
    assert "categories" in data["explanation"]["properties"]
    assert "questions_for_doctor" in data["explanation"]["properties"]
    only = json.loads(cli("schema", "--only", "profile").out)
    assert only["title"] == "Profile"


def test_factors_command(cli: Cli) -> None:
    out = cli("factors").out
    assert "--her2  (her2_status)" in out
    assert "low                  HER2-low" in out
    data = json.loads(cli("factors", "--format", "json").out)
    assert [factor["id"] for factor in data][:2] == ["stage", "menopausal_status"]


def test_clinician_audience_adds_rules_and_conditions(cli: Cli) -> None:
    out = cli("explain", "--stage", "II", "--her2", "positive", "--health", "poor",
              "--audience", "clinician", "--format", "text").out
    assert ("rule chemo-poor-health (priority 30, draft): when "
            "stage is one of I, II, III, IV and general_health is poor; matched stage=II; "
            "general_health=poor") in " ".join(out.split())
    assert ("also fired, outranked: rule chemo-her2-positive -> Usually part of the talk "
            "(priority 20)") in " ".join(out.split())
    patient = cli("explain", "--stage", "II", "--her2", "positive", "--format", "text").out
    assert "[clinician]" not in patient


def test_real_process_python_m() -> None:
    done = run_process("explain", "--stage", "IV", "--hr", "positive", "--format", "text")
    assert done.returncode == 0
    assert done.stdout.startswith("IMPORTANT: This is education")  # the brief view
    bad = run_process("explain", "--her2", "posative")
    assert bad.returncode == 2
    assert bad.stderr == ("explainer: error: her2_status: 'posative' is not allowed (did you "
                          "mean 'positive'?); allowed: positive, low, ultralow, negative, "
                          "unknown\n")


def test_piped_output_survives_a_closed_reader() -> None:
    import subprocess
    import sys

    pipeline = subprocess.run(
        f"{sys.executable} -m explainer explain --stage IV --format text | head -n 2",
        shell=True, capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    assert pipeline.stdout.splitlines()[0].startswith("IMPORTANT:")
    assert "Traceback" not in pipeline.stderr
    assert "Broken pipe" not in pipeline.stderr


@pytest.mark.parametrize("argv", [["--help"], ["factors"], ["schema", "--only", "profile"]])
def test_commands_that_do_not_explain_do_not_load_the_rules_engine(argv: list[str]) -> None:
    assert _in_fresh_process(argv, "sorted(m for m in sys.modules if m.startswith(('durable', "
                                   "'explainer.engine', 'explainer.explanation.compose')))"
                             ) == ["0", "[]"]


def _in_fresh_process(argv: list[str], *shown: str) -> list[str]:
    """Run ``explainer ARGV`` in a fresh interpreter: its exit status, then each of ``shown``
    (Python expressions, ``sys`` imported) after it ran, a line each."""
    import subprocess
    import sys

    code = ("import io, sys, contextlib\n"
            "from explainer.cli.main import run\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    code = run({argv!r})\n"
            "print(code)\n" + "".join(f"print({expression})\n" for expression in shown))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, check=True)
    return done.stdout.strip().splitlines()


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_module_has_the_same_shape(name: str) -> None:
    module = importlib.import_module(COMMANDS[name][0])
    assert isinstance(module.DESCRIPTION, str) and module.DESCRIPTION.endswith(".")
    assert module.EPILOG is None or "example" in module.EPILOG
    parameters = list(inspect.signature(module.add_arguments).parameters)
    assert parameters == (["parser", "kb"] if name in ("explain", "why") else ["parser"])
    assert list(inspect.signature(module.run).parameters) == ["args"]
    assert module.run.__doc__, f"{name}.run has no docstring"
    if name in ("explain", "why", "compare", "demo", "interview", "serve"):
        # Every command that explains something ends its help with the education note.
        assert isinstance(module.EPILOG, str) and module.EPILOG.endswith(EDUCATION_NOTE), name


@pytest.mark.parametrize(("argv", "allowed"), [
    (["--help"], ()), (["--version"], ()),
    (["lint", "--help"], ("explainer.cli.lint", "explainer.cli.options", "explainer.cli.output",
                          "explainer.lint", "explainer.render")),
])
def test_help_and_version_import_only_what_they_print(argv: list[str],
                                                      allowed: tuple[str, ...]) -> None:
    # No command module, no knowledge base, no pydantic, and not even typing or dataclasses:
    # the start-up figures of docs/performance.md depend on it.
    code_text, modules, second = _in_fresh_process(
        argv, "sorted(m for m in sys.modules if m.startswith('explainer'))",
        "sorted(m for m in ('typing', 'dataclasses', 'pydantic', 'yaml', 'rich', 'pathlib') "
        "if m in sys.modules)")
    assert code_text == "0"
    base = {"explainer", "explainer.lazy", "explainer.cli", "explainer.cli.main",
            "explainer.cli.commands", "explainer.errors"}
    extra = set(ast.literal_eval(modules)) - base
    assert all(module.startswith(allowed) for module in extra), sorted(extra)
    assert second == "[]"


def test_explain_loads_neither_the_web_server_nor_the_linter() -> None:
    import subprocess
    import sys

    code = ("import io, sys, contextlib\n"
            "from explainer.cli.main import run\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    code = run(['explain', '--stage', 'IV', '--format', 'json'])\n"
            "heavy = sorted(m for m in sys.modules if m.startswith(('explainer.web', "
            "'explainer.lint', 'fastapi', 'rich', 'textstat', 'yaml', 'explainer.kb.builder')))\n"
            "print(code, heavy)\n")
    # Run twice: the first run may fill the knowledge-base cache (and so parse YAML).
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              cwd=ROOT, timeout=120, check=True)
    assert done.stdout.strip() == "0 []"


def test_no_pydantic_plugin_sees_what_was_entered(tmp_path: Path) -> None:
    import subprocess
    import sys

    # A pydantic plugin (the entry point group "pydantic") installed beside the explainer: it
    # writes down every value pydantic validates.
    (tmp_path / "spy_plugin.py").write_text(
        "import os\n"
        "class _Handler:\n"
        "    def on_enter(self, input, **kwargs):\n"
        "        with open(os.environ['SPY_LOG'], 'a') as log:\n"
        "            log.write(repr(input) + '\\n')\n"
        "class _Plugin:\n"
        "    def new_schema_validator(self, *args, **kwargs):\n"
        "        return _Handler(), _Handler(), _Handler()\n"
        "plugin = _Plugin()\n", encoding="utf-8")
    info = tmp_path / "spy_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: spy-plugin\nVersion: 1.0\n",
                                   encoding="utf-8")
    (info / "entry_points.txt").write_text("[pydantic]\nspy = spy_plugin:plugin\n",
                                           encoding="utf-8")
    log = tmp_path / "seen.log"
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "SPY_LOG": str(log),
           "EXPLAINER_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)

    # The plugin works: a plain pydantic program hands it what it validates.
    probe = ("from pydantic import BaseModel\n"
             "class Probe(BaseModel):\n    stage: str\nProbe(stage='marker-IIIC')\n")
    subprocess.run([sys.executable, "-c", probe], env=env, check=True, timeout=120)
    assert "marker-IIIC" in log.read_text(encoding="utf-8")
    log.unlink()

    # The explainer's command line loads no plugin: nothing it validates reaches it.
    done = subprocess.run([sys.executable, "-m", "explainer", "explain", "--stage", "IV",
                           "--age", "47", "--format", "json"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert '"age": 47' in done.stdout
    assert not log.exists()


def test_pydantic_plugin_lookup_is_replaced_by_one_that_finds_none() -> None:
    # The command line puts a stand-in in place of pydantic's plugin loader (see
    # main._load_no_pydantic_plugin): pydantic must still look plugins up there, or the
    # stand-in is silently unused and every start pays for reading all package metadata.
    import pydantic.plugin._schema_validator as schema_validator

    assert "from ._loader import get_plugins" in inspect.getsource(
        schema_validator.create_schema_validator)
    code, loader, metadata = _in_fresh_process(
        ["explain", "--stage", "IV", "--format", "json"],
        "sys.modules['pydantic.plugin._loader'].__doc__",
        "'importlib.metadata' in sys.modules")
    assert code == "0"
    assert loader == "Finds no pydantic plugin (explainer.cli.main)."
    assert metadata == "False"
