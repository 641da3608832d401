"""``explainer review migrate``: rewrite the old review fields as review states pinned to the
words (see :mod:`explainer.kb.reviews`).

Until this version an entry said ``status: reviewed`` with ``reviewed_by`` and
``last_reviewed``; those were maintainers' checks against the cited sources, not a clinician's
review. Each becomes ``status: source_checked`` with ``checked_by``, ``checked_on`` and
``text_hash``, the hash of the texts as they are now. With ``baseline`` (a copy of the knowledge
base as it was when it was checked, e.g. ``git archive <commit> knowledge rules``), an entry
whose texts differ from the baseline's (reworded, or added, after the check) becomes ``draft``
instead: its words were never checked. Draft entries keep who last looked at them, under the
new key names, and no hash.

Only the review keys change: every file is edited through a round-trip YAML parser that keeps
comments, order, quotes and layout, and a file that would not come back byte for byte
unchanged is refused rather than rewritten. Running it again changes nothing (idempotent).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from explainer.errors import KnowledgeBaseError, KnowledgeIssue
from explainer.kb.paths import CASES_SUFFIX
from explainer.kb.reviews import entry_fields, entry_hash, entry_key

# (file, path to the list of entries, kind). "" as the path: the file itself is the entry.
_KNOWLEDGE_ENTRIES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("disclaimer.yaml", (), "disclaimer"),
    ("disclaimer.yaml", ("general_questions",), "general"),
    ("categories.yaml", ("categories",), "category"),
    ("categories.yaml", ("categories", "*", "subtypes"), "subtype"),
    ("factors.yaml", ("factors",), "factor"),
    ("care_team.yaml", ("roles",), "care_team"),
    ("glossary.yaml", ("terms",), "glossary"),
    ("scenarios.yaml", ("scenarios",), "scenario"),
    ("stage_meanings.yaml", ("meanings",), "stage"),
    ("support.yaml", ("items",), "support"),
)
_OLD_KEYS = {"reviewed_by": "checked_by", "last_reviewed": "checked_on"}


def round_trip_yaml() -> Any:
    """A ruamel.yaml parser set up to write this project's files back as they were."""
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def dump(yaml: Any, data: Any) -> str:
    """``data`` as YAML text."""
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


@dataclass
class Change:
    """One entry whose review fields the migration rewrote."""

    path: Path
    kind: str
    key: str
    new_status: str
    why: str = ""


@dataclass
class Migration:
    """What a migration changed (or would change, for a dry run)."""

    changes: list[Change] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def lines(self, root: Path) -> list[str]:
        """One line per change, then a summary."""
        out = []
        for change in self.changes:
            where = change.path.relative_to(root) if change.path.is_relative_to(root) \
                else change.path
            out.append(f"{where}: {change.kind}:{change.key}: reviewed -> {change.new_status}"
                       + (f" ({change.why})" if change.why else ""))
        checked = sum(1 for change in self.changes if change.new_status == "source_checked")
        out.append(f"{len(self.changes)} entries migrated in {len(self.files)} files: "
                   f"{checked} source_checked, {len(self.changes) - checked} draft.")
        return out


def _entries_at(data: Any, path: tuple[str, ...]) -> Iterator[Any]:
    if not path:
        yield data
        return
    head, rest = path[0], path[1:]
    if head == "*":
        for item in data if isinstance(data, list) else ():
            yield from _entries_at(item, rest)
        return
    value = data.get(head) if hasattr(data, "get") else None
    if not rest:
        yield from (value if isinstance(value, list) else ())
    else:
        yield from _entries_at(value, rest)


def _rule_files(root: Path) -> list[Path]:
    return sorted(path for path in (root / "rules").rglob("*.yaml")
                  if not path.name.endswith(CASES_SUFFIX))


def _file_entries(root: Path, yaml: Any) -> Iterator[tuple[Path, Any, list[tuple[str, Any]]]]:
    """(file, parsed data, [(kind, entry mapping)]) for every file with review fields."""
    by_file: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for name, path, kind in _KNOWLEDGE_ENTRIES:
        by_file.setdefault(name, []).append((path, kind))
    for name, places in by_file.items():
        file_path = root / "knowledge" / name
        if not file_path.is_file():
            continue
        data = yaml.load(file_path.read_text(encoding="utf-8"))
        found = [(kind, item) for path, kind in places for item in _entries_at(data, path)
                 if hasattr(item, "get")]
        yield file_path, data, found
    for file_path in _rule_files(root):
        data = yaml.load(file_path.read_text(encoding="utf-8"))
        if hasattr(data, "get"):
            yield file_path, data, [("rule", data)]


def _baseline_texts(baseline: Path, yaml: Any) -> dict[tuple[str, str], dict[str, str]]:
    texts: dict[tuple[str, str], dict[str, str]] = {}
    for _, _, found in _file_entries(baseline, yaml):
        for kind, item in found:
            texts[(kind, entry_key(kind, item))] = dict(entry_fields(kind, item))
    return texts


def _review_holder(kind: str, item: Any) -> Any:
    """The mapping holding status and the review keys: a rule's top level, else ``review``."""
    return item if kind == "rule" else item.get("review")


def _rename(mapping: Any, old: str, new: str) -> None:
    keys = list(mapping.keys())
    position = keys.index(old)
    value = mapping.pop(old)
    mapping.insert(position, new, value)


def _insert_after(mapping: Any, after: str, key: str, value: Any) -> None:
    keys = list(mapping.keys())
    position = keys.index(after) + 1 if after in keys else len(keys)
    mapping.insert(position, key, value)


# Over 60 lines on purpose: each entry's old review keys are rewritten in one pass over the
# round-trip YAML, so that what is checked is exactly what is written back.
def migrate(root: Path, baseline: Path | None = None, *, dry_run: bool = False) -> Migration:
    """Rewrite ``status: reviewed`` in the knowledge base at ``root`` (see the module's text).

    Raises :class:`~explainer.errors.KnowledgeBaseError` for a file that cannot be parsed or
    would not be written back unchanged apart from its review keys.
    """
    from ruamel.yaml.error import YAMLError

    yaml = round_trip_yaml()
    result = Migration()
    try:
        checked_texts = _baseline_texts(baseline, yaml) if baseline is not None else None
        files = list(_file_entries(root, yaml))
    except (YAMLError, OSError, UnicodeDecodeError) as error:
        raise KnowledgeBaseError([KnowledgeIssue(root, None, f"cannot read the YAML: {error}",
                                                 "fix the file, then run the migration again")],
                                 root) from None
    writes: list[tuple[Path, str]] = []
    for file_path, data, found in files:
        original = file_path.read_text(encoding="utf-8")
        if dump(yaml, data) != original:
            raise KnowledgeBaseError([KnowledgeIssue(
                file_path, None, "this file's layout cannot be kept by the YAML editor",
                "edit its review keys by hand, or indent it as the project's files are")], root)
        changed = False
        for kind, item in found:
            holder = _review_holder(kind, item)
            if not hasattr(holder, "get"):
                continue
            status = holder.get("status")
            if status == "draft" and any(old in holder for old in _OLD_KEYS):
                for old, new in _OLD_KEYS.items():
                    if old in holder:
                        _rename(holder, old, new)
                changed = True
                continue
            if status != "reviewed":
                continue
            key = entry_key(kind, item)
            fields = entry_fields(kind, item)
            why = ""
            if checked_texts is not None:
                before = checked_texts.get((kind, key))
                if before is None:
                    why = "not in the checked baseline"
                else:
                    differ = [name for name, text in fields if before.get(name) != text]
                    if differ:
                        why = "changed since the check: " + ", ".join(differ)
            holder["status"] = "draft" if why else "source_checked"
            for old, new in _OLD_KEYS.items():
                if old in holder:
                    if why:
                        del holder[old]
                    else:
                        _rename(holder, old, new)
            if not why:
                _insert_after(holder, "checked_on", "text_hash", entry_hash(fields))
            result.changes.append(Change(file_path, kind, key, str(holder["status"]), why))
            changed = True
        if changed:
            result.files.append(file_path)
            writes.append((file_path, dump(yaml, data)))
    if not dry_run:
        for file_path, text in writes:
            file_path.write_text(text, encoding="utf-8")
    return result
