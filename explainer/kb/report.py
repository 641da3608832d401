"""What the report reader knows (``knowledge/report.yaml`` and ``knowledge/report_stage.yaml``):
frozen pydantic models and :class:`ReportKnowledge`, the look-ups the reader
needs.

Both files are part of the knowledge base: :mod:`explainer.kb.reportfiles` reads and checks
them when the rest is built (every problem reported as ``file:line``), and the result rides in
the cached :class:`~explainer.kb.knowledge.KnowledgeBase` as its ``report`` field, so
``--knowledge DIR`` and the cache apply to them as to every other file. This module imports no
YAML parser, so a command whose knowledge base is cached never loads one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


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
