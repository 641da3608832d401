"""What the report reader knows (``knowledge/report.yaml`` and ``knowledge/report_stage.yaml``):
frozen pydantic models, their cross-checks, and :class:`ReportKnowledge`, the look-ups the reader
needs.

Both files are part of the knowledge base: :func:`explainer.kb.builder.build_knowledge` builds
them with the rest (every problem reported as ``file:line``), and the result rides in the
cached :class:`~explainer.kb.knowledge.KnowledgeBase` as its ``report`` field, so ``--knowledge
DIR`` and the cache apply to them as to every other file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from explainer.errors import KnowledgeIssue
from explainer.kb.yamlio import YamlReadError, line_for, read_yaml_file

REPORT_FILE = "report.yaml"
STAGE_FILE = "report_stage.yaml"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ReportSource(_Model):
    """A guideline or public resource a reading follows."""

    id: str
    short: str
    title: str
    publisher: str
    year: int
    url: str


class Thresholds(_Model):
    """The numbers the guidelines draw their lines at."""

    receptor_positive_min_percent: float
    er_low_max_percent: float
    allred_negative_max: int = Field(ge=0, le=8)
    allred_positive_min: int = Field(ge=0, le=8)
    ish_ratio_min: float
    ish_copies_low: float
    ish_copies_high: float


class Notations(_Model):
    """Spellings of each kind of item, matched without regard to case, spaces or hyphens
    (acronyms of four letters or fewer match in capitals only, so "fish" is not FISH)."""

    er: tuple[str, ...]
    pr: tuple[str, ...]
    hr: tuple[str, ...]
    her2: tuple[str, ...]
    her2_ihc: tuple[str, ...]
    ish: tuple[str, ...]
    ki67: tuple[str, ...]
    grade: tuple[str, ...]
    margins: tuple[str, ...]
    lvi: tuple[str, ...]
    brca: tuple[str, ...]
    other_genes: tuple[str, ...]
    histology: dict[str, tuple[str, ...]]
    ignorable: tuple[str, ...]


class Meaning(_Model):
    """A result's short label, its plain meaning, and the source it follows."""

    label: str
    source: str
    means: str

    @field_validator("means", "label")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return " ".join(value.split())


class Term(_Model):
    """A term of art the meanings use, with other spellings and a plain definition."""

    term: str
    aliases: tuple[str, ...] = ()
    definition: str


class ReportFile(_Model):
    """knowledge/report.yaml."""

    status: Literal["draft", "reviewed"]
    disclaimer: str
    sources: tuple[ReportSource, ...]
    thresholds: Thresholds
    notations: Notations
    terms: tuple[Term, ...]
    meanings: dict[str, dict[str, Meaning]]
    phrases: dict[str, str]


class StageClasses(_Model):
    """How each TNM category folds into the classes the stage table uses."""

    t: dict[str, tuple[str, ...]]
    n: dict[str, tuple[str, ...]]
    m: dict[str, tuple[str, ...]]


class StageRow(_Model):
    """One row of the anatomic stage table: every T class x N class listed, with M."""

    group: str
    t: tuple[str, ...]
    n: tuple[str, ...]
    m: Literal["M0", "M1"]


class StageFile(_Model):
    """knowledge/report_stage.yaml."""

    source: str
    status: Literal["draft", "reviewed"]
    classes: StageClasses
    groups: tuple[StageRow, ...]
    explainer_stage: dict[str, Literal["0", "I", "II", "III", "IV"]]


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


class ReportKnowledge:
    """Both files, validated and cross-checked, with look-ups the reader needs."""

    def __init__(self, report: ReportFile, stage: StageFile, folder: Path) -> None:
        self.report = report
        self.stage = stage
        self.folder = folder
        self.sources = {source.id: source for source in report.sources}
        self.thresholds = report.thresholds
        self.notations = report.notations
        # category (e.g. "T1mi") -> class (e.g. "T1"), per letter
        self.class_of: dict[str, dict[str, str]] = {
            letter: {member: name for name, members in getattr(stage.classes, letter).items()
                     for member in members}
            for letter in ("t", "n", "m")}
        self.table: dict[tuple[str, str, str], str] = {}
        t_any = [name for name in stage.classes.t if name != "Tis"]
        n_any = list(stage.classes.n)
        for row in stage.groups:
            t_classes = [c for item in row.t for c in (t_any if item == "any" else [item])]
            n_classes = [c for item in row.n for c in (n_any if item == "any" else [item])]
            for t_class in t_classes:
                for n_class in n_classes:
                    self.table.setdefault((t_class, n_class, row.m), row.group)
        self.m1_group = next((row.group for row in stage.groups if row.m == "M1"), None)

    def meaning(self, item: str, value: str) -> Meaning:
        """The meaning of ``value`` of ``item`` (checked to exist when loading)."""
        return self.report.meanings[item][value]

    def phrase(self, key: str, **values: str) -> str:
        """A fixed phrase of the output, with its {placeholders} filled in."""
        return " ".join(self.report.phrases[key].split()).format(**values)

    def source_label(self, source_id: str) -> str:
        """The short name of a source, e.g. "ASCO/CAP 2020"."""
        return self.sources[source_id].short

    def group_for(self, t: str | None, n: str | None, m: str) -> str | None:
        """The anatomic stage group of T, N and M categories such as "T1mi", "N0(i+)", "M0"
        (None: not in the table, or T or N missing while M is M0)."""
        m_class = self.class_of["m"].get(m)
        if m_class == "M1":
            # "Any T, any N, M1": spread to distant organs decides the group on its own.
            return self.m1_group
        t_class = self.class_of["t"].get(t or "")
        n_class = self.class_of["n"].get(n or "")
        if t_class is None or n_class is None or m_class is None:
            return None
        return self.table.get((t_class, n_class, m_class))

    def explainer_stage(self, group: str) -> str | None:
        """The explainer's stage (0, I, II, III, IV) of a stage group such as "IIB"."""
        return self.stage.explainer_stage.get(group)


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
