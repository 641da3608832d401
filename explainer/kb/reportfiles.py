"""Reading ``knowledge/report.yaml`` and ``knowledge/report_stage.yaml``: validation with the
models of :mod:`explainer.kb.report`, the cross-checks (every meaning the reader shows exists,
every source is named, the stage table uses known classes), and the strings a person reads, for
the lint. Used by :mod:`explainer.kb.builder` on a cache miss, and by ``explainer lint``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from explainer.errors import KnowledgeIssue
from explainer.kb.report import ReportFile, ReportKnowledge, StageFile
from explainer.kb.yamlio import YamlReadError, line_for, read_yaml_file

REPORT_FILE = "report.yaml"
STAGE_FILE = "report_stage.yaml"

# The (item, value) pairs the reader shows; each needs a meaning in report.yaml.
REQUIRED_MEANINGS: dict[str, tuple[str, ...]] = {
    "er": ("positive", "low", "negative", "needs_percent"),
    "pr": ("positive", "negative", "needs_percent"),
    "hr_status": ("positive", "low", "negative", "unknown"),
    "her2_ihc": ("0", "0+", "1+", "2+", "3+"),
    "ish": ("amplified", "not_amplified", "group_1", "group_2", "group_3", "group_4",
            "group_5", "numbers_only", "equivocal"),
    "her2_status": ("positive", "low", "ultralow", "negative", "needs_ish", "needs_score",
                    "pending"),
    "t": ("Tis", "T0", "T1mi", "T1", "T2", "T3", "T4", "TX"),
    "n": ("N0", "N0(i+)", "N1mi", "N1", "N2", "N3", "NX"),
    "m": ("M0", "M0(i+)", "M1"),
    "prefix": ("p", "c", "yp", "yc"),
    "nodes": ("positive", "negative"),
    "stage": ("anatomic", "prognostic", "unlabelled", "post_treatment", "no_group", "needs_m",
              "not_in_table"),
    "grade": ("1", "2", "3"),
    "ki67": ("value",),
    "histology": ("ductal", "lobular", "dcis", "lcis"),
    "margins": ("negative", "positive", "close"),
    "lvi": ("present", "absent"),
    "brca": ("positive", "negative", "vus", "origin_unknown", "partial"),
    "other_gene": ("value",),
}


REQUIRED_PHRASES = (
    "title", "findings", "profile", "profile_none", "factor_from_report", "profile_stage",
    "item_labels", "meaning_label", "source_label", "not_understood", "not_understood_help",
    "conflicts", "sources", "words_used", "nothing_found", "next_step", "conflict",
    "stage_from_tnm", "stage_differs", "stage_if_m0", "stage_from_line",
    "stage_prognostic_only", "stage_post_treatment_used", "nodes_post_treatment",
    "her2_discordant")


def _issue(path: Path, data: Any, location: Sequence[int | str], message: str,
           hint: str = "") -> KnowledgeIssue:
    return KnowledgeIssue(path, line_for(data, location), message, hint)


def _read(path: Path, model: type[BaseModel]) -> tuple[Any, BaseModel | None,
                                                       list[KnowledgeIssue]]:
    try:
        data = read_yaml_file(path)
    except YamlReadError as error:
        return None, None, [KnowledgeIssue(path, error.line, error.message,
                                           "fix the YAML syntax")]
    try:
        return data, model.model_validate(data), []
    except ValidationError as error:
        issues = [_issue(path, data, [part for part in problem["loc"]
                                      if isinstance(part, (int, str))],
                         f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}",
                         "compare with the other entries of the file")
                  for problem in error.errors()]
        return data, None, issues


def _cross_check(report: ReportFile, report_data: Any, stage: StageFile, stage_data: Any,
                 report_path: Path, stage_path: Path) -> list[KnowledgeIssue]:
    issues: list[KnowledgeIssue] = []
    source_ids = {source.id for source in report.sources}
    for item, required in REQUIRED_MEANINGS.items():
        for value in required:
            if value not in report.meanings.get(item, {}):
                issues.append(_issue(report_path, report_data, ["meanings", item],
                                     f"meanings.{item} has no entry '{value}'",
                                     "add it with a label, a source and a plain meaning"))
    for key in REQUIRED_PHRASES:
        if key not in report.phrases:
            issues.append(_issue(report_path, report_data, ["phrases"],
                                 f"phrases has no entry '{key}'", "add it"))
    for item, values in report.meanings.items():
        for value, meaning in values.items():
            if meaning.source not in source_ids:
                issues.append(_issue(report_path, report_data,
                                     ["meanings", item, value, "source"],
                                     f"unknown source '{meaning.source}'",
                                     f"use one of: {', '.join(sorted(source_ids))}"))
    if stage.source not in source_ids:
        issues.append(_issue(stage_path, stage_data, ["source"],
                             f"unknown source '{stage.source}'",
                             f"use one of the sources of {REPORT_FILE}"))
    known = {"t": set(stage.classes.t) | {"any"}, "n": set(stage.classes.n) | {"any"}}
    for index, row in enumerate(stage.groups):
        for letter in ("t", "n"):
            for name in getattr(row, letter):
                if name not in known[letter]:
                    issues.append(_issue(stage_path, stage_data, ["groups", index, letter],
                                         f"unknown {letter.upper()} class '{name}'",
                                         f"use one of: {', '.join(sorted(known[letter]))}"))
        if row.group not in stage.explainer_stage:
            issues.append(_issue(stage_path, stage_data, ["groups", index, "group"],
                                 f"stage group '{row.group}' has no explainer_stage",
                                 "add it under explainer_stage"))
    return issues


def patient_texts(folder: Path) -> list[tuple[Path, int | None, str, str]]:
    """Every string of ``folder``/report.yaml a person reads, as (path, line, where, text), for
    the wording and reading-level checks of ``explainer lint`` (read from the raw YAML, so the
    lines are right even when the file does not validate)."""
    path = folder / REPORT_FILE
    try:
        data = read_yaml_file(path)
    except YamlReadError:
        return []
    found: list[tuple[Path, int | None, str, str]] = []

    def add(location: Sequence[int | str], where: str, value: Any) -> None:
        if isinstance(value, str) and value.strip():
            found.append((path, line_for(data, location), where, " ".join(value.split())))

    if not isinstance(data, dict):
        return found
    add(["disclaimer"], "disclaimer", data.get("disclaimer"))
    for key, value in (data.get("phrases") or {}).items():
        add(["phrases", key], f"phrases.{key}", value)
    for index, term in enumerate(data.get("terms") or []):
        if isinstance(term, dict):
            add(["terms", index, "definition"], f"terms[{term.get('term')}].definition",
                term.get("definition"))
    for item, values in (data.get("meanings") or {}).items():
        for value, meaning in (values or {}).items():
            if isinstance(meaning, dict):
                for field in ("label", "means"):
                    add(["meanings", item, value, field], f"meanings.{item}.{value}.{field}",
                        meaning.get(field))
    return found


def build_report_knowledge(folder: Path) -> tuple[ReportKnowledge | None,
                                                 list[KnowledgeIssue]]:
    """Read, validate and cross-check the two files in the ``knowledge/`` folder ``folder``:
    the knowledge, or None with every problem found (file:line and a fix)."""
    report_path, stage_path = folder / REPORT_FILE, folder / STAGE_FILE
    issues: list[KnowledgeIssue] = []
    for path in (report_path, stage_path):
        if not path.is_file():
            issues.append(KnowledgeIssue(path, None, f"{path.name} is missing",
                                         "copy it from the project's knowledge/ folder"))
    if issues:
        return None, issues
    report_data, report, report_issues = _read(report_path, ReportFile)
    stage_data, stage, stage_issues = _read(stage_path, StageFile)
    issues += report_issues + stage_issues
    if isinstance(report, ReportFile) and isinstance(stage, StageFile):
        issues += _cross_check(report, report_data, stage, stage_data, report_path, stage_path)
    if issues or not isinstance(report, ReportFile) or not isinstance(stage, StageFile):
        return None, issues
    return ReportKnowledge(report, stage, folder), issues
