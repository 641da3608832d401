"""Review states pinned to the words: statement ids, the clinician's CSV round trip
(explainer review apply), the ledger, the migration, and honest wording in patient outputs."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliResult

from explainer import Explainer, KnowledgeBase, load_knowledge
from explainer.errors import ExitCode, KnowledgeBaseError
from explainer.explanation.compare import compare
from explainer.kb.migrate import migrate
from explainer.kb.reviews import entries, text_hash
from explainer.lint.reading import REPRESENTATIVE_PROFILES
from explainer.lint.statements import CSV_COLUMNS, statements
from explainer.render import render
from explainer.render.compare import render_comparison

Cli = Callable[..., CliResult]
HONEST = ("A clinician has not yet reviewed these explanations.",
          re.compile(r"A clinician has reviewed \d+ of the \d+ statements shown\."))


# --- statement ids ----------------------------------------------------------------------------


def test_statement_ids_are_unique_readable_and_match_the_entries(kb: KnowledgeBase) -> None:
    found = statements(kb)
    ids = [item.id for item in found]
    assert len(ids) == len(set(ids)) > 250
    for expected in ("rule:chemo-stage-unknown/reason", "category:surgery/question.1",
                     "glossary:her2/definition", "factor:stage/question",
                     "factor:hr_status/value.positive", "category:surgery/summary",
                     "subtype:cdk46_inhibitors/description", "care_team:medical_oncologist/why",
                     "general:goal/tailored", "disclaimer:disclaimer/text",
                     "relevance:often_discussed/meaning", "phrase:document.version/text"):
        assert expected in ids, expected
    # Every statement of an entry with review fields is one the loader tracks, with the same
    # id and the same hash.
    tracked = {entry.statement_id(name): text for entry in entries(kb)
               for name, text in entry.fields}
    for item in found:
        if item.section != "fixed phrase":
            assert tracked[item.id] == item.text
            assert item.state.text_hash == text_hash(item.text)


def test_statement_ids_do_not_depend_on_position(kb_copy: Path) -> None:
    before = {item.id: item.text for item in statements(load_knowledge(kb_copy))}
    glossary = kb_copy / "knowledge" / "glossary.yaml"
    text = glossary.read_text(encoding="utf-8")
    first = text.index("  - term:")
    glossary.write_text(text[:first] + "  - term: zzz new term\n    definition: A new term.\n"
                        "    sources: [{source: article, section: overview}]\n"
                        "    review: {status: draft}\n" + text[first:], encoding="utf-8")
    after = {item.id: item.text for item in statements(load_knowledge(kb_copy))}
    assert after.pop("glossary:zzz-new-term/definition") == "A new term."
    assert after == before


def test_old_status_reviewed_is_refused_in_one_line(kb_copy: Path, cli: Cli) -> None:
    rule = kb_copy / "rules" / "surgery" / "surgery-stage-unknown.yaml"
    text = rule.read_text(encoding="utf-8")
    text = re.sub(r"status: source_checked\nchecked_by: (.*)\nchecked_on: (.*)\ntext_hash: .*\n",
                  r"status: reviewed\nreviewed_by: \1\nlast_reviewed: \2\n", text)
    rule.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as raised:
        load_knowledge(kb_copy)
    lines = raised.value.lines()
    assert len(lines) == 1
    assert "status 'reviewed' is no longer used: write 'source_checked'" in lines[0]
    assert cli("lint", "--knowledge", str(kb_copy)).code == ExitCode.INVALID_KNOWLEDGE


# --- the round trip ---------------------------------------------------------------------------


def _snapshot(root: Path) -> dict[str, str]:
    return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*")) if path.is_file()}


def _packet_rows(cli: Cli, root: Path, tmp_path: Path) -> list[dict[str, str]]:
    target = tmp_path / "packet.csv"
    assert cli("review", "--format", "csv", "--knowledge", str(root), "--output",
               str(target)).code == ExitCode.OK
    text = target.read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _write_csv(path: Path, rows: list[dict[str, str]], *, bom: bool = True,
               newline: str = "\n", delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator=newline,
                            delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(("\ufeff" if bom else "") + buffer.getvalue(), encoding="utf-8",
                    newline="")
    return path


APPROVED = ("rule:surgery-stage-unknown/reason", "glossary:her2/definition",
            "disclaimer:disclaimer/text")
CHANGE = ("rule:radiation-early/reason", "change", "Say that the radiation team plans it.")
REJECT = ("care_team:medical_oncologist/why", "reject", "Too vague; name what they do.")


def _fill(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    for row in rows:
        if row["statement_id"] in APPROVED:
            row["verdict"] = "approve"
        for statement_id, verdict, comment in (CHANGE, REJECT):
            if row["statement_id"] == statement_id:
                row["verdict"], row["comment"] = verdict, comment
    return rows


def _apply(cli: Cli, root: Path, path: Path, *extra: str) -> CliResult:
    return cli("review", "apply", str(path), "--reviewer", "Dr Ada Jones", "--role",
               "breast oncologist", "--date", "2026-12-01", "--knowledge", str(root), *extra)


def test_round_trip_records_exactly_the_verdicts(cli: Cli, kb_copy: Path,
                                                 tmp_path: Path) -> None:
    before_states = {item.id: item.status for item in statements(load_knowledge(kb_copy))}
    before_files = _snapshot(kb_copy)
    path = _write_csv(tmp_path / "filled.csv", _fill(_packet_rows(cli, kb_copy, tmp_path)))

    dry = _apply(cli, kb_copy, path, "--dry-run")
    assert dry.code == ExitCode.OK, dry.err
    assert "would record: approve rule:surgery-stage-unknown/reason" in dry.out
    assert "Nothing was written (dry run)." in dry.out
    assert _snapshot(kb_copy) == before_files

    result = _apply(cli, kb_copy, path)
    assert result.code == ExitCode.OK, result.err
    assert "5 records written: 3 approvals, 2 change or reject comments" in result.out
    after_files = _snapshot(kb_copy)
    ledger = {"knowledge/reviews/clinician.yaml", "knowledge/reviews/comments.yaml"}
    assert set(after_files) - set(before_files) == ledger
    assert {name: digest for name, digest in after_files.items() if name not in ledger} \
        == before_files  # every content file unchanged, byte for byte

    kb = load_knowledge(kb_copy)
    after_states = {item.id: item for item in statements(kb)}
    reviewed = {ident for ident, item in after_states.items()
                if item.status == "clinician_reviewed"}
    assert reviewed == set(APPROVED)
    for ident in APPROVED:
        state = after_states[ident].state
        assert (state.by, state.role, str(state.date)) == (
            "Dr Ada Jones", "breast oncologist", "2026-12-01")
    assert {ident: item.status for ident, item in after_states.items()
            if ident not in APPROVED} == {ident: status for ident, status
                                          in before_states.items() if ident not in APPROVED}
    comments = after_states[CHANGE[0]].state.open_comments
    assert [(comment.verdict, comment.comment) for comment in comments] == [CHANGE[1:]]

    # Lint: clean, and it counts the clinician's approvals.
    lint = cli("lint", "--knowledge", str(kb_copy), "--fail-on-issues")
    assert lint.code == ExitCode.OK, lint.out
    assert "3 reviewed by a clinician" in lint.out

    # The outputs: the approved reason counts as reviewed; the footer says how many.
    explanation = Explainer(kb).explain({"stage": "unknown"})
    surgery = explanation.category("surgery")
    assert [(reason.rule_id, reason.review_state) for reason in surgery.reasons] == [
        ("surgery-stage-unknown", "clinician_reviewed")]
    counts = explanation.knowledge.review_states
    assert counts.clinician_reviewed == 3  # the disclaimer, the reason, the HER2 term
    text = render(explanation, "text", width=100)
    assert (f"A clinician has reviewed 3 of the {explanation.knowledge.statements_shown} "
            "statements shown.") in " ".join(text.split())
    data = json.loads(render(explanation, "json"))
    assert data["knowledge"]["review_states"]["clinician_reviewed"] == 3

    # The next packet shows the comments beside their statements, and the approvals.
    packet = cli("review", "--knowledge", str(kb_copy)).out
    assert ("- **Open comment:** reason: change (Dr Ada Jones, breast oncologist, "
            "2026-12-01): Say that the radiation team plans it.") in packet
    assert "| clinician\\_reviewed | 3 |" in packet
    rows = {row["statement_id"]: row for row in _packet_rows(cli, kb_copy, tmp_path)}
    assert rows[REJECT[0]]["open_comments"] == (
        "reject (Dr Ada Jones, breast oncologist, 2026-12-01): Too vague; name what they do.")
    assert (rows[APPROVED[0]]["state"], rows[APPROVED[0]]["reviewer"],
            rows[APPROVED[0]]["role"]) == ("clinician_reviewed", "Dr Ada Jones",
                                           "breast oncologist")

    # Applying the same file again records nothing new.
    again = _apply(cli, kb_copy, path)
    assert again.code == ExitCode.OK and "0 records written" in again.out
    assert _snapshot(kb_copy) == after_files


def test_a_changed_text_drops_its_review(cli: Cli, kb_copy: Path, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "filled.csv", _fill(_packet_rows(cli, kb_copy, tmp_path)))
    assert _apply(cli, kb_copy, path).code == ExitCode.OK
    glossary = kb_copy / "knowledge" / "glossary.yaml"
    kb = load_knowledge(kb_copy)
    old = next(term.definition for term in kb.glossary if term.term == "HER2")
    glossary.write_text(glossary.read_text(encoding="utf-8").replace(old, old + " Reworded."),
                        encoding="utf-8")
    kb = load_knowledge(kb_copy)
    state = kb.statement_reviews["glossary:her2/definition"]
    assert (state.state, state.changed_since) == ("draft", "clinician_reviewed")
    lint = cli("lint", "--knowledge", str(kb_copy), "--fail-on-issues")
    assert lint.code == ExitCode.LINT_ISSUES
    assert "glossary:her2/definition changed since review: a clinician approved other words" \
        in lint.out


def test_stale_rows_are_refused_with_old_and_new_text(cli: Cli, kb_copy: Path,
                                                      tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "filled.csv", _fill(_packet_rows(cli, kb_copy, tmp_path)))
    rule = kb_copy / "rules" / "surgery" / "surgery-stage-unknown.yaml"
    kb = load_knowledge(kb_copy)
    old = " ".join(kb.rule("surgery-stage-unknown").rule.reason.split())
    text = rule.read_text(encoding="utf-8")
    rule.write_text(text.replace("reason: >-\n", "reason: >-\n  Changed first.\n"),
                    encoding="utf-8")
    before = _snapshot(kb_copy)
    result = _apply(cli, kb_copy, path)
    assert result.code == ExitCode.BAD_INPUT
    assert "1 rows are stale" in result.err and "nothing was written" in result.err
    assert (f"row {_row_of(path, 'rule:surgery-stage-unknown/reason')}, "
            f"rule:surgery-stage-unknown/reason: was \"{old}\"; now \"Changed first. {old}\""
            ) in result.err
    assert _snapshot(kb_copy) == before


def _row_of(path: Path, statement_id: str) -> int:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    return next(number for number, row in enumerate(rows, 2)
                if row["statement_id"] == statement_id)


def test_bom_and_windows_line_ends_read_like_a_clean_file(cli: Cli, kb_copy: Path,
                                                          tmp_path: Path) -> None:
    """Excel's "CSV UTF-8" adds both; they change no value, so they give the same records."""
    rows = _fill(_packet_rows(cli, kb_copy, tmp_path))
    clean = tmp_path / "clean"
    excel = tmp_path / "excel"
    for target in (clean, excel):
        (target / "knowledge").parent.mkdir(parents=True, exist_ok=True)
        import shutil

        shutil.copytree(kb_copy, target, dirs_exist_ok=True)
    assert _apply(cli, clean, _write_csv(tmp_path / "a.csv", rows, bom=False)).code == 0
    assert _apply(cli, excel, _write_csv(tmp_path / "b.csv", rows, bom=True,
                                         newline="\r\n")).code == 0
    for name in ("clinician.yaml", "comments.yaml"):
        assert (clean / "knowledge" / "reviews" / name).read_bytes() == \
            (excel / "knowledge" / "reviews" / name).read_bytes()


def _malformed(kind: str, rows: list[dict[str, str]], path: Path) -> tuple[Path, str]:
    """A broken CSV of one class, and the words its error must contain."""
    approve = next(row for row in rows if row["statement_id"] == APPROVED[0])
    approve["verdict"] = "approve"
    number = str(rows.index(approve) + 2)
    if kind == "unknown id":
        approve["statement_id"] = "rule:no-such-rule/reason"
        return _write_csv(path, rows), f"row {number}, column statement_id: no statement"
    if kind == "missing column":
        return _write_csv(path, [{key: value for key, value in row.items()
                                  if key != "text_hash"} for row in rows]), \
            "row 1: column 'text_hash' is missing"
    if kind == "bad verdict":
        approve["verdict"] = "OK"
        return _write_csv(path, rows), f"row {number}, column verdict: 'OK' is not a verdict"
    if kind == "change without comment":
        approve["verdict"] = "change"
        return _write_csv(path, rows), f"row {number}, column comment: a 'change' needs"
    if kind == "duplicate id":
        rows.append(dict(approve))
        return _write_csv(path, rows), (f"row {len(rows) + 1}, column statement_id: "
                                        f"{APPROVED[0]} is also in row {number}")
    if kind == "semicolons":
        return _write_csv(path, rows, delimiter=";"), "row 1: the columns are separated by ';'"
    if kind in ("excel date", "excel serial date"):
        checked = next(row for row in rows if row["date"])
        checked["date"] = "01/12/2026" if kind == "excel date" else "46357"
        return _write_csv(path, rows), (f"row {rows.index(checked) + 2}, column date: "
                                        f"'{checked['date']}' is not a YYYY-MM-DD date")
    if kind == "hash as a number":
        approve["text_hash"] = "1.23457E+11"
        return _write_csv(path, rows), f"row {number}, column text_hash: '1.23457E+11' is not"
    if kind == "cells lost":
        _write_csv(path, rows)
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        lines[int(number) - 1] = lines[int(number) - 1].rsplit(",", 2)[0]
        path.write_text("\n".join(lines), encoding="utf-8")
        return path, f"row {number}: "
    if kind == "empty file":
        path.write_bytes(b"")
        return path, "is empty"
    if kind == "not utf-8":
        _write_csv(path, rows, bom=False)
        path.write_bytes(path.read_text(encoding="utf-8").replace(
            "disclaimer", "disclaimér").encode("latin-1", errors="replace"))
        return path, "is not UTF-8 text"
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", [
    "unknown id", "missing column", "bad verdict", "change without comment", "duplicate id",
    "semicolons", "excel date", "excel serial date", "hash as a number", "cells lost",
    "empty file", "not utf-8"])
def test_malformed_csv_gives_one_line_and_writes_nothing(cli: Cli, kb_copy: Path,
                                                         tmp_path: Path, kind: str) -> None:
    rows = _packet_rows(cli, kb_copy, tmp_path)
    path, expected = _malformed(kind, rows, tmp_path / "bad.csv")
    before = _snapshot(kb_copy)
    result = _apply(cli, kb_copy, path)
    assert result.code == ExitCode.BAD_INPUT
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert expected in lines[0], lines[0]
    assert "Traceback" not in result.err
    assert _snapshot(kb_copy) == before


def test_bad_options_are_one_line(cli: Cli, kb_copy: Path, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "f.csv", _fill(_packet_rows(cli, kb_copy, tmp_path)))
    for extra, expected in ((("--date", "01/12/2026"), "--date '01/12/2026' is not a date"),
                            (("--date", "2999-01-01"), "is in the future")):
        result = cli("review", "apply", str(path), "--reviewer", "A", "--role", "B",
                     "--knowledge", str(kb_copy), *extra)
        assert result.code == ExitCode.BAD_INPUT and expected in result.err
    missing = cli("review", "apply", str(tmp_path / "none.csv"), "--reviewer", "A", "--role",
                  "B", "--knowledge", str(kb_copy))
    assert missing.code == ExitCode.BAD_INPUT and "cannot read" in missing.err


def test_the_ledger_keeps_its_comments_and_layout(cli: Cli, kb_copy: Path,
                                                  tmp_path: Path) -> None:
    kb = load_knowledge(kb_copy)
    reason = kb.statement_reviews["rule:surgery-stage-unknown/reason"]
    ledger = kb_copy / "knowledge" / "reviews" / "clinician.yaml"
    ledger.parent.mkdir()
    existing = ("# Approvals from the November panel.\n"
                "reviews:\n"
                "  # Dr Lee checked this one twice.\n"
                "  - statement: rule:surgery-stage-unknown/reason\n"
                f"    text_hash: '{reason.text_hash}'\n"
                "    verdict: approve\n"
                "    reviewer: Dr Lee\n"
                "    role: surgeon\n"
                "    date: 2026-11-30\n")
    ledger.write_text(existing, encoding="utf-8")
    rows = _packet_rows(cli, kb_copy, tmp_path)
    for row in rows:
        if row["statement_id"] == "glossary:her2/definition":
            row["verdict"] = "Approve"
    assert _apply(cli, kb_copy, _write_csv(tmp_path / "f.csv", rows)).code == ExitCode.OK
    text = ledger.read_text(encoding="utf-8")
    assert text.startswith(existing)
    assert text[len(existing):].startswith("  - statement: glossary:her2/definition\n")
    assert load_knowledge(kb_copy).statement_reviews["glossary:her2/definition"].state == \
        "clinician_reviewed"


# --- the migration ----------------------------------------------------------------------------


def _to_old_format(root: Path) -> None:
    """Write the review fields as they were before review states (status: reviewed)."""
    for path in [*(root / "knowledge").glob("*.yaml"), *(root / "rules").rglob("*.yaml")]:
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"status: source_checked\nchecked_by: (.*)\nchecked_on: (.*)\n"
                      r"text_hash: .*\n", r"status: reviewed\nreviewed_by: \1\n"
                      r"last_reviewed: \2\n", text)
        text = re.sub(r"\{status: source_checked, checked_by: ([^,]*), checked_on: ([^,]*), "
                      r"text_hash: [^}]*\}",
                      r"{status: reviewed, reviewed_by: \1, last_reviewed: \2}", text)
        path.write_text(text, encoding="utf-8")


def test_migration_is_exact_and_idempotent(kb_copy: Path, tmp_path: Path, cli: Cli) -> None:
    migrated = _snapshot(kb_copy)
    originals = {path: path.read_bytes() for path in kb_copy.rglob("*.yaml")}
    _to_old_format(kb_copy)
    assert "reviewed_by" in (kb_copy / "knowledge" / "glossary.yaml").read_text()
    dry = cli("review", "migrate", "--knowledge", str(kb_copy), "--dry-run")
    assert dry.code == ExitCode.OK
    assert _snapshot(kb_copy) != migrated  # a dry run writes nothing
    result = cli("review", "migrate", "--knowledge", str(kb_copy))
    assert result.code == ExitCode.OK
    assert result.out == dry.out
    # Back to the committed files, byte for byte: only the review keys were touched.
    assert {path: path.read_bytes() for path in originals} == originals
    assert _snapshot(kb_copy) == migrated
    again = migrate(kb_copy)
    assert again.changes == []


def test_migration_with_a_baseline_makes_reworded_entries_draft(kb_copy: Path,
                                                                tmp_path: Path) -> None:
    import shutil

    _to_old_format(kb_copy)
    baseline = tmp_path / "baseline"
    shutil.copytree(kb_copy, baseline)
    rule = kb_copy / "rules" / "surgery" / "surgery-stage-unknown.yaml"
    rule.write_text(rule.read_text(encoding="utf-8").replace(
        "reason: >-\n", "reason: >-\n  Reworded after the check.\n"), encoding="utf-8")
    result = migrate(kb_copy, baseline)
    drafts = [(change.key, change.why) for change in result.changes
              if change.new_status == "draft"]
    assert drafts == [("surgery-stage-unknown", "changed since the check: reason")]
    text = rule.read_text(encoding="utf-8")
    assert "status: draft\n" in text and "reviewed_by" not in text and "text_hash" not in text
    kb = load_knowledge(kb_copy)
    assert kb.statement_reviews["rule:surgery-stage-unknown/reason"].state == "draft"
    assert kb.statement_reviews["rule:surgery-before-spread/reason"].state == "source_checked"


# --- honest wording ---------------------------------------------------------------------------


def _without_honest_sentence(text: str) -> str:
    text = " ".join(text.split())
    text = text.replace(HONEST[0], "")
    assert isinstance(HONEST[1], re.Pattern)
    return HONEST[1].sub("", text)


@pytest.mark.parametrize("fmt", ["text", "markdown", "rich", "html"])
def test_no_patient_output_claims_a_review(explainer: Explainer, fmt: str) -> None:
    for name, profile in REPRESENTATIVE_PROFILES.items():
        explanation = explainer.explain(profile)
        output = render(explanation, fmt, width=100)
        assert HONEST[0] in " ".join(output.split()), name
        assert not re.search(r"review", _without_honest_sentence(output), re.IGNORECASE), name
    comparison = compare(explainer.explain(REPRESENTATIVE_PROFILES["dcis"]),
                         explainer.explain(REPRESENTATIVE_PROFILES["triple-negative"]))
    output = render_comparison(comparison, fmt if fmt != "rich" else "text")
    assert not re.search(r"review", _without_honest_sentence(output), re.IGNORECASE)


def test_patient_csv_columns() -> None:
    assert CSV_COLUMNS[-2:] == ("verdict", "comment")
    assert {"statement_id", "text_hash", "state", "reviewer", "role", "date",
            "open_comments"} <= set(CSV_COLUMNS)
