"""Every patient-facing string of a knowledge base, with its file and line.

The inventory is read from the raw YAML (not the validated models), so that wording and reading
checks still run, and still point at the right line, when the knowledge base does not load.
The interface's fixed phrases (``knowledge/interface.yaml``) are included too: a person reads
them just the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from explainer.kb.interface import DEVELOPER_SCREENS
from explainer.kb.paths import CASES_SUFFIX
from explainer.kb.schema import KNOWLEDGE_FILES
from explainer.kb.yamlio import LineDict, LineList, YamlReadError, read_yaml_file

TextKind = Literal["prose", "question", "label"]
"""``prose``: running text; ``question``: a question for the doctor; ``label``: a name or a
short heading (checked for wording and terms, not scored for reading level)."""


@dataclass(frozen=True)
class TextItem:
    """One patient-facing string and where it lives."""

    path: Path
    line: int | None
    where: str
    """A readable address inside the file, e.g. ``categories[surgery].description``."""
    field: str
    """The kind of field (``description``, ``reason``, ``question`` ...), used to pool short
    strings of the same sort for reading-level scoring."""
    kind: TextKind
    text: str


# The patient-facing keys of each kind of entry: key -> (field, kind). ``field`` groups
# strings of the same sort (short ones are scored together).
Fields = dict[str, tuple[str, TextKind]]
_FACTOR_FIELDS: Fields = {
    "label": ("label", "label"), "question": ("question", "question"),
    "help": ("factor_help", "prose"), "why_it_matters": ("why_it_matters", "prose"),
    "if_unknown_question": ("question", "question")}
_VALUE_FIELDS: Fields = {"label": ("label", "label"), "help": ("value_help", "prose")}
_CATEGORY_FIELDS: Fields = {
    "name": ("label", "label"), "summary": ("summary", "prose"),
    "description": ("description", "prose"), "side_effects": ("side_effects", "prose")}


def _string(data: Any, key: str) -> str | None:
    value = data.get(key) if isinstance(data, Mapping) else None
    return value if isinstance(value, str) and value.strip() else None


def _line(data: Any, key: str) -> int | None:
    return data.line_of(key) if isinstance(data, LineDict) else None


def _items(data: Any, key: str) -> list[tuple[int | None, Any]]:
    value = data.get(key) if isinstance(data, Mapping) else None
    if not isinstance(value, list):
        return []
    return [(value.line_of(index) if isinstance(value, LineList) else None, item)
            for index, item in enumerate(value)]


def _label(item: Any, index: int, key: str = "id") -> str:
    value = item.get(key) if isinstance(item, Mapping) else None
    return str(value) if value is not None else str(index)


class _Collector:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.found: list[TextItem] = []

    def fields(self, data: Any, fields: Fields, where: str) -> None:
        for key, (field, kind) in fields.items():
            text = _string(data, key)
            if text is not None:
                address = f"{where}.{key}" if where else key
                self.found.append(TextItem(self.path, _line(data, key), address, field, kind,
                                           text))

    def questions(self, data: Any, where: str, key: str = "questions") -> None:
        for index, (line, item) in enumerate(_items(data, key)):
            if isinstance(item, str) and item.strip():
                address = f"{where}.{key}[{index}]" if where else f"{key}[{index}]"
                self.found.append(TextItem(self.path, line, address, "question", "question",
                                           item))


# Over 60 lines on purpose: one branch per knowledge file, so every patient-facing field the
# lint reads is listed in one place.
def _knowledge_texts(name: str, path: Path, data: Any) -> list[TextItem]:
    found = _Collector(path)
    if name == "factors.yaml":
        text = _string(data, "not_known_label")
        if text:
            found.found.append(TextItem(path, _line(data, "not_known_label"), "not_known_label",
                                        "label", "label", text))
        for index, (_, factor) in enumerate(_items(data, "factors")):
            where = f"factors[{_label(factor, index)}]"
            found.fields(factor, _FACTOR_FIELDS, where)
            for value_index, (_, value) in enumerate(_items(factor, "values")):
                found.fields(value, _VALUE_FIELDS,
                             f"{where}.values[{_label(value, value_index)}]")
            for band_index, (_, band) in enumerate(_items(factor, "bands")):
                found.fields(band, {"label": ("label", "label")},
                             f"{where}.bands[{_label(band, band_index)}]")
    elif name == "categories.yaml":
        for index, (_, category) in enumerate(_items(data, "categories")):
            where = f"categories[{_label(category, index)}]"
            found.fields(category, _CATEGORY_FIELDS, where)
            found.questions(category, where)
            for sub_index, (_, subtype) in enumerate(_items(category, "subtypes")):
                sub_where = f"{where}.subtypes[{_label(subtype, sub_index)}]"
                found.fields(subtype, _CATEGORY_FIELDS, sub_where)
                found.questions(subtype, sub_where)
    elif name == "relevance.yaml":
        found.fields(data, {"many": ("label", "label")}, "")
        for index, (_, level) in enumerate(_items(data, "levels")):
            where = f"levels[{_label(level, index)}]"
            found.fields(level, {"label": ("label", "label"), "meaning": ("meaning", "prose"),
                                 "label_with_factors": ("label", "label")}, where)
            in_short = _string(level, "in_short")
            if in_short:
                # The sentence as a reader sees it: the placeholders filled with typical names.
                found.found.append(TextItem(
                    path, _line(level, "in_short"), f"{where}.in_short", "in_short", "prose",
                    in_short.replace("{names}", "surgery and chemotherapy")
                    .replace("{factors}", "HER2 status")))
    elif name == "care_team.yaml":
        for index, (_, role) in enumerate(_items(data, "roles")):
            found.fields(role, {"role": ("label", "label"), "why": ("role_why", "prose")},
                         f"roles[{_label(role, index)}]")
    elif name == "glossary.yaml":
        for index, (_, term) in enumerate(_items(data, "terms")):
            found.fields(term, {"term": ("label", "label"),
                                "definition": ("definition", "prose")},
                         f"terms[{_label(term, index, 'term')}]")
    elif name == "stage_meanings.yaml":
        for index, (_, meaning) in enumerate(_items(data, "meanings")):
            found.fields(meaning, {"meaning": ("stage_meaning", "prose"),
                                   "short": ("stage_meaning", "prose")},
                         f"meanings[{_label(meaning, index, 'stage')}]")
    elif name == "support.yaml":
        found.fields(data, {"intro": ("support", "prose")}, "")
        for index, (_, item) in enumerate(_items(data, "items")):
            found.fields(item, {"title": ("label", "label"), "text": ("support", "prose")},
                         f"items[{_label(item, index)}]")
    elif name == "interface.yaml":
        return interface_texts(path, data)
    elif name == "disclaimer.yaml":
        found.fields(data, {"disclaimer": ("disclaimer", "prose")}, "")
        for index, (line, question) in enumerate(_items(data, "general_questions")):
            text = _string(question, "text")
            if text:
                found.found.append(TextItem(
                    path, _line(question, "text") or line,
                    f"general_questions[{_label(question, index)}].text", "question",
                    "question", text))
            tailored = question.get("tailored") if isinstance(question, Mapping) else None
            tailored_text = _string(tailored, "text")
            if tailored_text:
                # {treatments} becomes the names of the treatments often discussed.
                found.found.append(TextItem(
                    path, _line(question, "tailored") or line,
                    f"general_questions[{_label(question, index)}].tailored.text", "question",
                    "question", tailored_text.replace("{treatments}", "surgery and radiation")))
    return found.found


REPORT_FILE = "report.yaml"
"""The report reader's wording (``explainer report``): its plain meanings, terms and phrases are
checked like every other string a person reads."""


def report_texts(path: Path, data: Any) -> list[TextItem]:
    """The strings of report.yaml a person reads: the disclaimer, the fixed phrases, the
    definitions of its terms, and each result's label and plain meaning."""
    found = _Collector(path)
    found.fields(data, {"disclaimer": ("disclaimer", "prose")}, "")
    phrases = data.get("phrases") if isinstance(data, Mapping) else None
    if isinstance(phrases, Mapping):
        for key in phrases:
            text = _string(phrases, key)
            if text is None:
                continue
            words = len(_PLACEHOLDER.sub("", text).split())
            kind: TextKind = "prose" if words >= 6 and text.rstrip().endswith(".") else "label"
            found.found.append(TextItem(path, _line(phrases, key), f"phrases.{key}",
                                        "report_phrase", kind,
                                        " ".join(_PLACEHOLDER.sub("these", text).split())))
    for index, (_, term) in enumerate(_items(data, "terms")):
        found.fields(term, {"definition": ("definition", "prose")},
                     f"terms[{_label(term, index, 'term')}]")
    meanings = data.get("meanings") if isinstance(data, Mapping) else None
    if isinstance(meanings, Mapping):
        for item, values in meanings.items():
            if not isinstance(values, Mapping):
                continue
            for value, meaning in values.items():
                found.fields(meaning, {"label": ("label", "label"),
                                       "means": ("report_means", "prose")},
                             f"meanings.{item}.{value}")
    return found.found


def rule_texts(path: Path, data: Any) -> list[TextItem]:
    """The reason and questions of one rule file."""
    found = _Collector(path)
    found.fields(data, {"reason": ("reason", "prose")}, "")
    found.questions(data, "")
    return found.found


def rule_files(root: Path) -> list[Path]:
    """Every rule file (not cases) under ``root/rules``, sorted."""
    rules_dir = root / "rules"
    if not rules_dir.is_dir():
        return []
    return sorted(path for path in rules_dir.rglob("*.yaml")
                  if not path.name.endswith(CASES_SUFFIX))


def read_raw(root: Path) -> dict[Path, Any]:
    """Parsed YAML of every knowledge and rule file that can be read (others are left out:
    the loader reports them)."""
    raw: dict[Path, Any] = {}
    paths = [root / "knowledge" / name for name in KNOWLEDGE_FILES]
    paths += [path for path in sorted((root / "knowledge").glob("*.yaml"))
              if path not in paths] if (root / "knowledge").is_dir() else []
    for path in [*paths, *rule_files(root)]:
        try:
            raw[path] = read_yaml_file(path)
        except (YamlReadError, OSError):
            continue
    return raw


# The fixed phrases hold {placeholders}; for scoring they are filled with a plain word.
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
_COMMAND = re.compile(r"'explainer [^']*'")


def interface_texts(path: Path, data: Any) -> list[TextItem]:
    """The interface's fixed phrases (``knowledge/interface.yaml``), screen by screen; each is
    addressed ``screen.key``."""
    found: list[TextItem] = []
    if not isinstance(data, Mapping):
        return found
    for screen, table in data.items():
        if not isinstance(table, Mapping):
            continue
        for key, phrase in table.items():
            if not isinstance(phrase, str) or not phrase.strip():
                continue
            # A command to type ('explainer demo NAME') is not prose: scored as two words.
            text = _PLACEHOLDER.sub("these", _COMMAND.sub("this command", phrase))
            words = len(text.split())
            kind: TextKind = "prose" if words >= 6 and text.rstrip().endswith(".") else "label"
            field = "developer" if screen in DEVELOPER_SCREENS else "ui"
            found.append(TextItem(path, _line(table, key), f"{screen}.{key}", field, kind, text))
    return found


def collect_texts(root: Path, raw: Mapping[Path, Any]) -> list[TextItem]:
    """Every patient-facing string of the knowledge base at ``root``, the interface's phrases
    included."""
    found: list[TextItem] = []
    for name in KNOWLEDGE_FILES:
        path = root / "knowledge" / name
        if path in raw:
            found.extend(_knowledge_texts(name, path, raw[path]))
    report = root / "knowledge" / REPORT_FILE
    if report in raw:
        found.extend(report_texts(report, raw[report]))
    for path in rule_files(root):
        if path in raw:
            found.extend(rule_texts(path, raw[path]))
    return found


def rule_paths(raw: Mapping[Path, Any], root: Path) -> Sequence[Path]:
    """The rule files among ``raw``."""
    rules_dir = root / "rules"
    return [path for path in raw if path.is_relative_to(rules_dir)]


def iter_rules(raw: Mapping[Path, Any], root: Path) -> Iterator[tuple[Path, LineDict]]:
    """(path, parsed mapping) of every readable rule file."""
    for path in rule_paths(raw, root):
        data = raw[path]
        if isinstance(data, LineDict):
            yield path, data
