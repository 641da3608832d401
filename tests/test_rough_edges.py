"""The rough edges of issue 13 (item 7), each with the answer it gives now."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import CliResult

import explainer
from explainer.errors import ExitCode, ProfileError

Cli = Callable[..., CliResult]


def _error(result: CliResult) -> str:
    assert result.code == ExitCode.BAD_INPUT, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.err, result.err
    return lines[0].removeprefix("explainer: error: ")


@pytest.mark.parametrize("items", [[None], [None, "fatigue"], ["unknown", None]])
def test_null_in_side_effect_concerns_means_unknown(items: list[Any]) -> None:
    result = explainer.explain({"side_effect_concerns": items})
    expected = ["fatigue"] if "fatigue" in items else []
    assert result.profile["side_effect_concerns"] == expected


@pytest.mark.parametrize(("value", "kind"), [
    (5, "a whole number"), (b"x", "bytes (decode them to text first)"), ("IV", "text"),
    ([], "a list"), (3.5, "a number"), (True, "true/false"),
])
def test_explain_of_a_non_mapping_is_a_profile_error(value: Any, kind: str) -> None:
    with pytest.raises(ProfileError) as raised:
        explainer.explain(value)
    assert str(raised.value).startswith(f"profile: expected a mapping of factor: value, got "
                                        f"{kind};")


@pytest.mark.parametrize("command", [["explain"], ["demo", "--list"],
                                     ["compare", "a.yaml", "b.yaml"]])
@pytest.mark.parametrize("width", ["0", "39", "401", "x", "-1"])
def test_width_out_of_range_is_refused_by_every_command(cli: Cli, command: list[str],
                                                        width: str) -> None:
    message = _error(cli(*command, "--width", width))
    assert message.startswith(f"argument --width: must be a whole number from 40 to 400, got "
                              f"'{width}'")


def test_repeating_a_what_if_factor_is_refused(cli: Cli) -> None:
    message = _error(cli("explain", "--stage", "II", "--what-if", "her2=low",
                         "--what-if", "her2_status=positive"))
    assert message == ("--what-if: her2_status is changed twice ('her2=low' and "
                       "'her2_status=positive'); give each factor once (for several values of "
                       "a list, separate them with commas)")


@pytest.mark.parametrize(("content", "kind"), [("- stage: IV\n", "a list"),
                                              ("just text\n", "text")])
def test_a_profile_file_of_the_wrong_shape_names_no_internal_class(cli: Cli, tmp_path: Path,
                                                                   content: str,
                                                                   kind: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(content, encoding="utf-8")
    message = _error(cli("explain", "--profile", str(path)))
    assert message == (f"profile: the file '{path}' must hold factor: value pairs, not {kind}")
    assert "Line" not in message


def test_a_nested_value_is_described_in_plain_words(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("stage:\n  a: 1\n", encoding="utf-8")
    message = _error(cli("explain", "--profile", str(path)))
    assert message.startswith("stage: expected text, got a mapping (factor: value pairs);")


def test_an_unreadable_knowledge_file_is_not_told_to_fix_its_yaml(kb_copy: Path,
                                                                  cli: Cli) -> None:
    target = kb_copy / "knowledge" / "glossary.yaml"
    target.unlink()
    target.mkdir()  # unreadable as a file, even for root
    result = cli("explain", "--knowledge", str(kb_copy))
    assert result.code == ExitCode.INVALID_KNOWLEDGE
    assert ("glossary.yaml: it is a folder, not a regular file (fix: give a regular file)"
            in result.err)
    assert "fix the YAML syntax" not in result.err


def test_a_not_utf8_knowledge_file_is_told_to_save_as_utf8(kb_copy: Path, cli: Cli) -> None:
    (kb_copy / "knowledge" / "glossary.yaml").write_bytes(b"terms: \xff\xfe\n")
    result = cli("explain", "--knowledge", str(kb_copy))
    assert result.code == ExitCode.INVALID_KNOWLEDGE
    assert "glossary.yaml: the file is not UTF-8 text (fix: save it as UTF-8)" in result.err
    assert "fix the YAML syntax" not in result.err


@pytest.mark.parametrize(("value", "expected"), [("", "unknown"), (" ", "unknown"),
                                                 ("'", "unknown"), ("-", "negative"),
                                                 ("+", "positive")])
def test_an_empty_value_is_unknown_not_the_minus_alias(cli: Cli, value: str,
                                                       expected: str) -> None:
    # Normalised, "-" is empty: "" once matched it and meant HR-negative.
    import json

    result = cli("explain", "--hr", value, "--format", "json")
    assert result.code == ExitCode.OK
    assert json.loads(result.out)["profile"]["hr_status"] == expected
