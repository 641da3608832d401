"""Writing the clinicians' review ledger (``knowledge/reviews/clinician.yaml`` and
``comments.yaml``).

A sign-off is a record beside the content: applying a clinician's CSV appends records here and
never rewrites a content file. The ledger is edited through a round-trip YAML parser, so the
comments, order and layout a maintainer gave it stay as they were.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from explainer.kb.migrate import dump, round_trip_yaml
from explainer.kb.paths import CLINICIAN_FILE, COMMENTS_FILE, REVIEWS_FOLDER

_HEADERS = {
    CLINICIAN_FILE: (
        "# Clinician approvals, one record per statement and wording (text_hash), written by\n"
        "# `explainer review apply`. A record counts only while the statement's words still\n"
        "# have this hash; `explainer lint` reports the ones whose text changed since.\n",
        "reviews"),
    COMMENTS_FILE: (
        "# Clinicians' change and reject comments, written by `explainer review apply` and shown\n"
        "# beside each statement in the next review packet (explainer review).\n",
        "comments"),
}


@dataclass(frozen=True)
class LedgerRecord:
    """One record to add: an approval (no comment) or a change/reject comment."""

    statement: str
    text_hash: str
    verdict: str
    reviewer: str
    role: str
    date: dt.date
    comment: str = ""

    def as_mapping(self) -> dict[str, Any]:
        """The record as the ledger stores it (keys in a fixed, readable order)."""
        data: dict[str, Any] = {"statement": self.statement, "text_hash": self.text_hash,
                                "verdict": self.verdict}
        if self.comment:
            data["comment"] = self.comment
        data.update(reviewer=self.reviewer, role=self.role, date=self.date)
        return data


def ledger_path(root: Path, name: str) -> Path:
    """The path of one ledger file of the knowledge base at ``root``."""
    return root / "knowledge" / REVIEWS_FOLDER / name


def ledger_text(root: Path, name: str, records: Sequence[LedgerRecord]) -> str:
    """The new text of one ledger file with ``records`` appended (the file need not exist)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    yaml = round_trip_yaml()
    # Records share values (one date, one reviewer): write each out in full, never as an
    # anchor and alias, which the knowledge base's reader refuses.
    yaml.representer.ignore_aliases = lambda *_: True
    path = ledger_path(root, name)
    header, key = _HEADERS[name]
    original = path.read_text(encoding="utf-8") if path.is_file() else header + f"{key}: []\n"
    data = yaml.load(original)
    if data is None:
        data = CommentedMap()
    if data.get(key) is None:
        data[key] = CommentedSeq()
    items = data[key]
    if not items:
        # "reviews: []" is written in flow style; records read better as a block list.
        items.fa.set_block_style()
    for record in records:
        items.append(CommentedMap(record.as_mapping()))
    return str(dump(yaml, data))


def write_ledger(root: Path, records: Sequence[LedgerRecord]) -> list[Path]:
    """Append ``records`` to the ledger of the knowledge base at ``root``: approvals to
    clinician.yaml, change and reject comments to comments.yaml. Both files are prepared
    before either is written. Returns the files written."""
    approvals = [record for record in records if record.verdict == "approve"]
    comments = [record for record in records if record.verdict != "approve"]
    texts = []
    for name, chosen in ((CLINICIAN_FILE, approvals), (COMMENTS_FILE, comments)):
        if chosen:
            texts.append((ledger_path(root, name), ledger_text(root, name, chosen)))
    for path, text in texts:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".yaml.tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    return [path for path, _ in texts]
