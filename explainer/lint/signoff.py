"""``explainer review apply``: a clinician's filled-in packet CSV back into the knowledge base.

The clinician fills ``verdict`` (approve, change or reject) and ``comment`` in the CSV that
``explainer review --format csv`` wrote. Applying it is all or nothing: every row is checked
first, and any problem (an unknown statement, a missing column, a verdict that is not one of
the three, the same statement twice, a file a spreadsheet has changed in ways that alter its
meaning) stops it with one line naming the row and the column, and nothing is written. A row
whose statement changed since the packet was exported is stale: the clinician judged other
words, so the file is refused and the stale rows are listed with the old and the new text.

Approvals become records in ``knowledge/reviews/clinician.yaml``, change and reject comments
records in ``knowledge/reviews/comments.yaml`` (see :mod:`explainer.kb.ledger`); no content
file is touched.

Spreadsheet quirks: a byte-order mark and Windows line ends (CRLF) are what Excel writes for
"CSV UTF-8" and change no value, so they are read as if absent. Semicolon separators, dates
rewritten by a spreadsheet (01/12/2026, 46357), hashes turned into numbers and text that is not
UTF-8 are refused, because reading them would change or guess a value.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from explainer.kb.knowledge import KnowledgeBase
from explainer.kb.ledger import LedgerRecord
from explainer.lint.statements import Statement, statements

VERDICTS = ("approve", "change", "reject")
REQUIRED_COLUMNS = ("statement_id", "text_hash", "verdict", "comment")
_HASH = re.compile(r"^[0-9a-f]{12}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EXPORT_AGAIN = "export a fresh packet (explainer review --format csv) and fill that in"


class SignoffError(ValueError):
    """The CSV cannot be applied; ``str(error)`` says where and how to fix it."""


@dataclass(frozen=True)
class Row:
    """One row with a verdict, checked against the knowledge base."""

    number: int
    """The row's number in the spreadsheet (the header is row 1)."""
    statement: Statement
    verdict: str
    comment: str


@dataclass
class SignoffPlan:
    """What applying the CSV records (or would record, for a dry run)."""

    records: list[LedgerRecord] = field(default_factory=list)
    already: list[LedgerRecord] = field(default_factory=list)
    """Records the ledger holds already (the same file applied twice): not written again."""
    blank: int = 0
    """Rows without a verdict (not judged in this round)."""

    def lines(self, *, dry_run: bool) -> list[str]:
        """One line per record, then a summary."""
        verb = "would record" if dry_run else "recorded"
        out = [f"{verb}: {record.verdict} {record.statement}"
               + (f": {record.comment}" if record.comment else "") for record in self.records]
        out += [f"already recorded: {record.verdict} {record.statement}"
                for record in self.already]
        approvals = sum(1 for record in self.records if record.verdict == "approve")
        out.append(f"{len(self.records)} records {'to write' if dry_run else 'written'}: "
                   f"{approvals} approvals, {len(self.records) - approvals} change or reject "
                   f"comments; {self.blank} rows without a verdict"
                   + (f"; {len(self.already)} already recorded" if self.already else "")
                   + (". Nothing was written (dry run)." if dry_run else "."))
        return out


def _decode(data: bytes, name: str) -> str:
    if not data.strip():
        raise SignoffError(f"{name} is empty: {_EXPORT_AGAIN}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SignoffError(
            f"{name} is not UTF-8 text (byte {error.start + 1} cannot be read): in the "
            "spreadsheet, save it as \"CSV UTF-8\"") from None
    return text.removeprefix("\ufeff")


def _rows(text: str, name: str) -> tuple[list[str], list[list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        table = list(reader)
    except csv.Error as error:
        raise SignoffError(f"{name}, row {reader.line_num}: cannot be read as CSV ({error}): "
                           f"{_EXPORT_AGAIN}") from None
    if not table or not any(cell.strip() for cell in table[0]):
        raise SignoffError(f"{name} has no header row: {_EXPORT_AGAIN}")
    header = [cell.strip() for cell in table[0]]
    if len(header) == 1 and ";" in header[0]:
        raise SignoffError(f"{name}, row 1: the columns are separated by ';', not ',' (a "
                           "spreadsheet set to another language does this): save it as "
                           "\"CSV UTF-8 (comma delimited)\"")
    for column in REQUIRED_COLUMNS:
        if column not in header:
            raise SignoffError(f"{name}, row 1: column '{column}' is missing: {_EXPORT_AGAIN}")
    seen: set[str] = set()
    for column in header:
        if column and column in seen:
            raise SignoffError(f"{name}, row 1: column '{column}' appears twice: keep one")
        seen.add(column)
    return header, table[1:]


# Over 60 lines on purpose: every check of a row, in the order a reviewer fixes them, each
# with its own one-line error naming the row and column.
def plan_signoff(kb: KnowledgeBase, data: bytes, *, reviewer: str, role: str,
                 date: dt.date, name: str = "the CSV") -> SignoffPlan:
    """Check every row of a filled-in packet CSV against ``kb`` and return what applying it
    records. Raises :class:`SignoffError` (one line naming the row and column, or the list
    of stale rows) for anything that cannot be applied as it is."""
    header, body = _rows(_decode(data, name), name)
    index = {column: position for position, column in enumerate(header)}
    by_id = {item.id: item for item in statements(kb)}
    rows: list[Row] = []
    first_row: dict[str, int] = {}
    plan = SignoffPlan()
    for offset, cells in enumerate(body):
        number = offset + 2
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise SignoffError(f"{name}, row {number}: {len(cells)} cells where the header has "
                               f"{len(header)} (a cell with a comma or a line break may have "
                               f"lost its quotes): {_EXPORT_AGAIN}")

        def cell(column: str, cells: Sequence[str] = cells) -> str:
            position = index.get(column)
            return cells[position].strip() if position is not None else ""

        statement_id = cell("statement_id")
        if not statement_id:
            raise SignoffError(f"{name}, row {number}, column statement_id: empty: "
                               f"{_EXPORT_AGAIN}")
        if statement_id in first_row:
            raise SignoffError(f"{name}, row {number}, column statement_id: {statement_id} is "
                               f"also in row {first_row[statement_id]}: keep one row per "
                               "statement")
        first_row[statement_id] = number
        given_date = cell("date")
        if given_date and not _ISO_DATE.match(given_date):
            raise SignoffError(f"{name}, row {number}, column date: '{given_date}' is not a "
                               "YYYY-MM-DD date (a spreadsheet rewrote it): "
                               f"{_EXPORT_AGAIN}, and keep the columns as text")
        given_hash = cell("text_hash")
        if not _HASH.match(given_hash):
            raise SignoffError(f"{name}, row {number}, column text_hash: '{given_hash}' is not a "
                               "text hash (12 characters 0-9 and a-f; a spreadsheet may have "
                               f"turned it into a number): {_EXPORT_AGAIN}, and keep the "
                               "columns as text")
        statement = by_id.get(statement_id)
        if statement is None:
            raise SignoffError(f"{name}, row {number}, column statement_id: no statement "
                               f"'{statement_id}' in this knowledge base: {_EXPORT_AGAIN}")
        verdict = cell("verdict").lower()
        comment = " ".join(cell("comment").split())
        if not verdict:
            plan.blank += 1
            continue
        if verdict not in VERDICTS:
            raise SignoffError(f"{name}, row {number}, column verdict: '{cell('verdict')}' is "
                               "not a verdict: write approve, change or reject, or leave it "
                               "empty")
        if verdict != "approve" and not comment:
            raise SignoffError(f"{name}, row {number}, column comment: a '{verdict}' needs a "
                               "comment saying what to change")
        rows.append(Row(number, statement, verdict, comment))

    stale = [(row, by_id[row.statement.id]) for row in rows
             if _row_hash(body, index, row) != row.statement.state.text_hash]
    if stale:
        lines = [f"{name}: {len(stale)} rows are stale (their statement changed since the "
                 f"packet was exported), so nothing was written. {_EXPORT_AGAIN}, and "
                 "judge the new words:"]
        for row, current in stale:
            old = _cell(body, index, row.number, "text")
            lines.append(f"  row {row.number}, {current.id}: was \"{old}\"; now \"{current.text}\"")
        raise SignoffError("\n".join(lines))

    existing = {(record.statement, record.text_hash, "approve", "", record.reviewer,
                 record.role) for record in kb.clinician_reviews}
    existing |= {(comment.statement, comment.text_hash, comment.verdict,
                  " ".join(comment.comment.split()), comment.reviewer, comment.role)
                 for comment in kb.review_comments}
    for row in rows:
        record = LedgerRecord(row.statement.id, row.statement.state.text_hash, row.verdict,
                              reviewer, role, date, row.comment)
        key = (record.statement, record.text_hash, record.verdict, record.comment, reviewer,
               role)
        (plan.already if key in existing else plan.records).append(record)
    return plan


def _cell(body: Sequence[Sequence[str]], index: dict[str, int], number: int,
          column: str) -> str:
    position = index.get(column)
    cells = body[number - 2]
    return cells[position].strip() if position is not None else ""


def _row_hash(body: Sequence[Sequence[str]], index: dict[str, int], row: Row) -> str:
    return _cell(body, index, row.number, "text_hash")
