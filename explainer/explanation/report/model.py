"""What reading a pathology report gives: findings, the profile they add up to, what was not
understood, and conflicts. ``ReportReading.to_json()`` is the ``--format json`` output."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

SCHEMA_VERSION = 1

PROFILE_KEYS = ("stage", "hr_status", "her2_status", "nodes", "brca_mutation")
"""The factors a report can set, with their keys in the JSON profile."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Finding(_Model):
    """One item found in the report: the words matched, the value read, its plain meaning and
    the guideline it follows."""

    item: str
    """What kind of item: er, pr, hr_status, her2_ihc, ish, her2_status, t, n, m, stage, nodes,
    grade, ki67, histology, margins, lvi, brca, other_gene."""
    text: str
    """The words of the report it was read from."""
    value: str
    """The value read (e.g. "positive", "2+", "pT2", "IIB")."""
    label: str
    """A short plain label for the value (e.g. "HER2-low")."""
    means: str
    """What it means, in plain words."""
    source: str
    """The guideline or resource it follows (short name)."""

    def as_json(self) -> dict[str, str]:
        """The JSON form: item, text, value, means, source."""
        return {"item": self.item, "text": self.text, "value": self.value,
                "means": self.means, "source": self.source}


class Conflict(_Model):
    """Two or more readings that disagree; the factor they touch stays unknown."""

    item: str
    texts: tuple[str, ...]
    means: str

    def as_json(self) -> dict[str, Any]:
        """The JSON form."""
        return {"item": self.item, "texts": list(self.texts), "means": self.means}


class ReportReading(_Model):
    """The whole reading of one report text."""

    profile: dict[str, str]
    """Factor id -> value, only for factors the report settles (keys in PROFILE_KEYS)."""
    findings: tuple[Finding, ...]
    not_understood: tuple[str, ...]
    conflicts: tuple[Conflict, ...]
    disclaimer: str
    sources: tuple[tuple[str, str], ...]
    """(short name, full reference) of every source the findings cite."""

    def to_json(self) -> dict[str, Any]:
        """``{"schema_version", "disclaimer", "profile", "findings", "not_understood",
        "conflicts"}``: the issue's shape, with the disclaimer every output carries."""
        return {"schema_version": SCHEMA_VERSION,
                "disclaimer": self.disclaimer,
                "profile": dict(self.profile),
                "findings": [finding.as_json() for finding in self.findings],
                "not_understood": list(self.not_understood),
                "conflicts": [conflict.as_json() for conflict in self.conflicts]}
