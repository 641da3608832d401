"""The reader's state: :class:`Evidence` (what the clauses of one item said) and
:class:`StateBase`, everything read so far and how a finding or a conflict is recorded. The rules
that add the evidence up are in :mod:`.receptors`, :mod:`.her2`, :mod:`.findings` and
:mod:`.staging`; :mod:`.parse` joins them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from explainer.explanation.report.model import Conflict, Finding
from explainer.kb.report import ReportKnowledge


@dataclass
class Evidence:
    """What the clauses of one item said, with the words each value came from."""

    values: dict[str, dict[str, None]] = field(default_factory=dict)
    """value -> the words it came from (a dict as an ordered set)."""

    def add(self, value: str, text: str) -> None:
        self.values.setdefault(value, {})[text] = None

    def texts(self) -> list[str]:
        return list(dict.fromkeys(text for texts in self.values.values() for text in texts))


class StateBase:
    """Everything read so far, and how a finding or a conflict is recorded."""

    def __init__(self, kb: ReportKnowledge) -> None:
        self.kb = kb
        self.findings: list[tuple[int, Finding]] = []
        self.conflicts: list[Conflict] = []
        self.profile: dict[str, str] = {}
        self.not_understood: list[str] = []
        self.receptors: dict[str, Evidence] = {"er": Evidence(), "pr": Evidence()}
        self.receptor_percent: dict[str, bool] = {"er": False, "pr": False}
        self.receptor_allred_mid: dict[str, list[str]] = {"er": [], "pr": []}
        self.hr_words = Evidence()
        self.her2_scores = Evidence()
        self.her2_words = Evidence()
        self.ish_words = Evidence()
        self.ish_ratio: list[tuple[float, str]] = []
        self.ish_copies: list[tuple[float, str]] = []
        self.ish_groups = Evidence()
        self.her2_faint_unclear: list[str] = []
        self.genes: dict[str, dict[str, Evidence]] = {}
        self.order = 0
        self.seen: set[tuple[str, str, str, str]] = set()

    # findings ---------------------------------------------------------------------------

    def find(self, item: str, value: str, text: str, meaning_item: str | None = None,
             meaning_value: str | None = None, label: str | None = None,
             extra: str = "") -> None:
        key = (item, value, text, label or "")
        if key in self.seen:
            return
        self.seen.add(key)
        meaning = self.kb.meaning(meaning_item or item, meaning_value or value)
        means = meaning.means if not extra else f"{meaning.means} {extra}"
        self.order += 1
        self.findings.append((self.order, Finding(
            item=item, text=text, value=value, label=label or meaning.label, means=means,
            source=self.kb.source_label(meaning.source))))

    def conflict(self, item: str, texts: Iterable[str], extra: str = "") -> None:
        shown = tuple(dict.fromkeys(texts))
        means = self.kb.phrase("conflict") + (f" {extra}" if extra else "")
        if not any(c.item == item and c.texts == shown for c in self.conflicts):
            self.conflicts.append(Conflict(item=item, texts=shown, means=means))
