"""Reading the knowledge base's YAML files and validating them with pydantic, collecting every
problem (not just the first) with ``file:line`` and a fix, so a person editing a copy can repair
it in one pass. Used by :mod:`explainer.kb.builder` and :mod:`explainer.kb.rulefiles`.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from explainer.errors import KnowledgeIssue
from explainer.kb.paths import MAX_FILE_BYTES
from explainer.kb.yamlio import YamlReadError, line_for, read_yaml_file

M = TypeVar("M", bound=BaseModel)


class Collector:
    """Gathers issues while loading, so all of them can be reported together."""

    def __init__(self) -> None:
        self.issues: list[KnowledgeIssue] = []

    def add(self, path: Path, line: int | None, message: str, hint: str = "") -> None:
        self.issues.append(KnowledgeIssue(path, line, message, hint))


FAILED = object()
"""What :func:`read` returns for a file it could not read (the issue is collected)."""
"""Returned by _read when the file could not be read or parsed (an issue has been added)."""


def read(path: Path, issues: Collector) -> Any:
    """Parsed YAML (None for an empty file), or FAILED."""
    # A regular file of at most MAX_FILE_BYTES, checked before reading (explainer.kb.files).
    try:
        return read_yaml_file(path, MAX_FILE_BYTES)
    except YamlReadError as error:
        issues.add(path, error.line, error.message, error.hint)
    return FAILED


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _model_at(model: type[BaseModel] | None,
              location: Sequence[int | str]) -> type[BaseModel] | None:
    for step in location:
        if model is None:
            return None
        if isinstance(step, int):
            continue
        field = model.model_fields.get(step)
        if field is None:
            return None
        model = _inner_model(field.annotation)
    return model


def _readable_location(data: Any, location: Sequence[int | str]) -> str:
    parts: list[str] = []
    node = data
    for step in location:
        if isinstance(step, int):
            label = str(step)
            if isinstance(node, list) and 0 <= step < len(node):
                node = node[step]
                if isinstance(node, Mapping) and isinstance(node.get("id"), str):
                    label = node["id"]
            parts.append(f"[{label}]")
        else:
            parts.append(f".{step}" if parts else str(step))
            node = node.get(step) if isinstance(node, Mapping) else None
    return "".join(parts) or "(top level)"


def _validation_issues(
    path: Path, data: Any, model: type[BaseModel], error: ValidationError
) -> list[KnowledgeIssue]:
    found: list[KnowledgeIssue] = []
    for detail in error.errors():
        location = tuple(detail["loc"])
        where = _readable_location(data, location)
        parent = _readable_location(data, location[:-1])
        line = line_for(data, location)
        kind = detail["type"]
        last = location[-1] if location else ""
        if kind == "missing":
            line = line_for(data, location[:-1])
            message, hint = f"{parent}: '{last}' is missing", f"add the key '{last}'"
        elif kind == "extra_forbidden":
            owner = _model_at(model, location[:-1])
            allowed = sorted(owner.model_fields) if owner else []
            near = difflib.get_close_matches(str(last), allowed, n=1)
            message = f"{parent}: unknown key '{last}'"
            hint = (f"did you mean '{near[0]}'?" if near else "remove it") + (
                f" Allowed keys: {', '.join(allowed)}" if allowed else "")
        elif kind in {"string_type", "str_type"}:
            message = f"{where}: should be text, found {detail.get('input')!r}"
            hint = "put the value in quotes"
        else:
            message = f"{where}: {detail['msg']}"
            hint = "see the other entries in this file for the expected form"
        found.append(KnowledgeIssue(path, line, message.removeprefix("(top level): "), hint))
    return found


def validate(model: type[M], data: Any, path: Path, issues: Collector) -> M | None:
    if data is None:
        issues.add(path, None, "the file is empty", "fill it in; see the project's copy")
        return None
    try:
        # Validate plain dicts and lists: the models (and so the cached pickle) must not keep
        # the line-tracking containers, whose only use is locating errors in ``data``.
        return model.model_validate(_plain(data))
    except ValidationError as error:
        issues.issues.extend(_validation_issues(path, data, model, error))
        return None


def _plain(data: Any) -> Any:
    if isinstance(data, dict):
        return {key: _plain(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_plain(item) for item in data]
    return data
