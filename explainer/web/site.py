"""The routes' shared state and work: one explainer (one knowledge base), its pages and the
answers of the JSON API. The routes themselves (pages, API, errors) only call these."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from explainer import __version__
from explainer.errors import FieldProblem, InputError, ProfileError
from explainer.explanation.api import Explainer
from explainer.explanation.compare import Comparison, apply_what_if, compare, compare_what_if
from explainer.explanation.models import Explanation
from explainer.explanation.reader import READERS, Reader, load_reader
from explainer.kb.conditions import UNKNOWN
from explainer.kb.interface import using
from explainer.kb.models import Factor
from explainer.kb.profiles import allowed_values, kind_of, parse_profile
from explainer.render import html as handout
from explainer.render.style import STYLE
from explainer.web import views as pages
from explainer.web.forms import (
    READER_FIELD,
    REPORT_FIELD,
    REPORT_FIELD_PREFIX,
    WHAT_IF_FIELD,
    profile_from_form,
)

T = TypeVar("T")


def _exact(factor: Factor, value: Any) -> str | None:
    """What is wrong with ``value`` for ``factor`` in the API's terms, or None if nothing.

    The API takes exactly what /openapi.json describes (so that the description is a
    contract): a choice's value id as GET /api/factors writes it, a whole number, a list of
    value ids; null for unknown. The command line and YAML files are more forgiving (``stage:
    4``, ``hr: +``, any case, ``age: "58"``); such a spelling gets a message naming the exact
    value. A value that is wrong everywhere is left to the profile's own check, so the API and
    the command line say the same about it."""
    if value is None:
        return None
    try:
        meant = parse_profile({factor.id: value}, {factor.id: factor}).value(factor.id)
    except ProfileError:
        return None
    ids = [item.id for item in factor.values]
    if factor.kind == "number":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return None
        return f"expected a whole number, got {kind_of(value)} (the API takes {meant})"
    if factor.kind == "multi":
        if not isinstance(value, list):
            return f"expected a list, got {kind_of(value)} (the API takes {list(meant)})"
        for item in value:
            if item is not None and item not in (*ids, UNKNOWN):
                return _spelling(factor, item)
        return None
    return None if value in ids else _spelling(factor, value)


def _spelling(factor: Factor, value: Any) -> str:
    meant = parse_profile({factor.id: [value] if factor.kind == "multi" else value},
                          {factor.id: factor}).value(factor.id)
    if isinstance(meant, tuple):
        meant = meant[0] if meant else UNKNOWN
    if not isinstance(value, str):
        return f"expected text, got {kind_of(value)} (the API takes '{meant}')"
    return f"'{value[:40]}' is not a value id (the API takes them exactly: '{meant}')"


def _object(data: Any, field: str, factors: Mapping[str, Factor]) -> dict[str, Any]:
    """``data`` if it is a JSON object whose values are exactly as the API's description says
    (see :func:`_exact`)."""
    if not isinstance(data, dict):
        raise ProfileError([FieldProblem(field, (
            f"expected a mapping of factor: value, got {kind_of(data)}; send {{}} when "
            "every factor is unknown"))])
    problems = []
    for key, value in data.items():
        factor = factors.get(key)
        if factor is None:
            continue  # an unknown field is reported by the profile's own check
        wrong = _exact(factor, value)
        if wrong is not None:
            problems.append(FieldProblem(key, f"{wrong}; allowed: "
                                              f"{', '.join(allowed_values(factor))}"))
    if problems:
        raise ProfileError(problems)
    return data


def _prefixed(error: ProfileError, prefix: str) -> ProfileError:
    return ProfileError([FieldProblem(f"{prefix}.{problem.field}", problem.message)
                         for problem in error.problems])


def _profile_schema(explainer: Explainer) -> dict[str, Any]:
    # The same JSON Schema `explainer schema --only profile` prints, without its $schema key
    # (OpenAPI documents carry their own).
    from explainer.kb.profiles import profile_json_schema

    schema = profile_json_schema(explainer.kb.factors)
    schema.pop("$schema", None)
    return schema


def profile_schema(explainer: Explainer) -> dict[str, Any]:
    """The same JSON Schema `explainer schema --only profile` prints, without its $schema key
    (OpenAPI documents carry their own)."""
    from explainer.kb.profiles import profile_json_schema

    schema = profile_json_schema(explainer.kb.factors)
    schema.pop("$schema", None)
    return schema


class Site:
    """The routes' shared state: one explainer (one knowledge base, in one language) and its
    pages."""

    def __init__(self, explainer: Explainer) -> None:
        self.explainer = explainer
        self.kb = explainer.kb
        self.language = explainer.kb.language
        self.views = pages.Views(explainer.kb)
        self.readers: dict[str, Reader] = {
            kind: load_reader(kind, explainer.kb.root, self.language) for kind in READERS}
        self.factors_json = json.dumps(self._factors(), ensure_ascii=False).encode()
        self.categories_json = json.dumps(self._categories(), ensure_ascii=False).encode()
        # The printed page's footer ("Page 1 of 3") is in the site's language.
        with using(self.kb.interface):
            self.handout_css = (STYLE + "\n" + handout.page_rules("auto") + "\n").encode()

    def _factors(self) -> dict[str, Any]:
        factors = []
        for factor in self.kb.factors.values():
            item: dict[str, Any] = {
                "id": factor.id, "label": factor.label, "kind": factor.kind,
                "core": factor.core, "question": factor.question, "help": factor.help,
                "why_it_matters": factor.why_it_matters, "cli_flag": f"--{factor.cli_flag}",
                "allowed": allowed_values(factor),
                "values": [{"id": value.id, "label": value.label, "help": value.help,
                            "exclusive": value.exclusive} for value in factor.values]}
            if factor.kind == "number":
                item.update(min=factor.min, max=factor.max)
            factors.append(item)
        return {"knowledge_version": self.kb.version, "factors": factors}

    def _categories(self) -> dict[str, Any]:
        categories = [{
            "id": category.id, "name": category.name, "kind": category.kind,
            "summary": category.summary, "description": category.description,
            "side_effects": category.side_effects,
            "subtypes": [{"id": sub.id, "name": sub.name, "summary": sub.summary,
                          "description": sub.description} for sub in category.subtypes]}
            for category in self.kb.categories.values()]
        levels = [{"id": level.id, "label": level.label, "meaning": level.meaning}
                  for level in self.kb.relevance_levels.values()]
        return {"knowledge_version": self.kb.version, "categories": categories,
                "relevance_levels": levels}

    # -- pages ----------------------------------------------------------------------------

    def localized(self, work: Callable[..., T]) -> Callable[..., T]:
        """``work`` run with this site's phrases (its language), whatever the other requests
        of the process are answering in at the same time."""

        def run(*args: Any) -> T:
            with using(self.kb.interface):
                return work(*args)

        return run

    def _problem_lines(self, error: ProfileError) -> list[tuple[str, str]]:
        lines = []
        for problem in error.problems:
            factor = self.kb.factors.get(problem.field)
            shown = (factor.label if factor is not None else pages.TEXT["what_if_label"]
                     if problem.field == WHAT_IF_FIELD else pages.TEXT["reader_title"]
                     if problem.field == READER_FIELD else problem.field)
            lines.append((problem.field, f"{shown}: {problem.message}"))
        return lines

    def reader(self, chosen: str | None) -> Reader:
        """The wording for who is reading (``self`` when not said)."""
        if chosen in (None, ""):
            return self.readers["self"]
        if chosen not in self.readers:
            raise ProfileError([FieldProblem(READER_FIELD, (
                f"{chosen!r} is not allowed; use one of: {', '.join(READERS)}"))])
        return self.readers[chosen]

    def start_page(self, reader: str | None) -> tuple[int, str]:
        """The empty form, worded for ``reader`` (the ``?reader=`` of the address)."""
        try:
            return 200, self.views.start(reader=self.reader(reader))
        except ProfileError as error:
            return 422, self.views.start(errors=self._problem_lines(error))

    def _form_page(self, fields: dict[str, list[str]],
                   answer: Callable[[dict[str, Any], Reader], tuple[int, str]],
                   ) -> tuple[int, str]:
        """``answer`` for the posted answers, or the form again showing what is wrong."""
        data: dict[str, Any] = {}
        reader = self.readers["self"]
        try:
            # Who is reading is not a factor: it is taken out before the profile is read.
            chosen = fields.pop(READER_FIELD, [])
            if len(chosen) > 1:
                raise ProfileError([FieldProblem(READER_FIELD, "send it only once")])
            reader = self.reader(chosen[0] if chosen else None)
            data = profile_from_form(fields, self.kb.factors)
            return answer(data, reader)
        except ProfileError as error:
            return 422, self.views.start(data, self._problem_lines(error), reader=reader)

    def explain_page(self, fields: dict[str, list[str]]) -> tuple[int, str]:
        """The result page for a posted form (or the form again, with what is wrong)."""

        # Answers filled in from a report (the "From my report" box) are marked as such, as
        # long as the person has not changed them.
        filled = {name.removeprefix(REPORT_FIELD_PREFIX): values[-1]
                  for name, values in fields.items()
                  if name.startswith(REPORT_FIELD_PREFIX) and values}

        def result(data: dict[str, Any], reader: Reader) -> tuple[int, str]:
            profile = self.explainer.parse(data)
            chosen = profile.model_dump()
            from_report = tuple(factor for factor, value in filled.items()
                                if factor in self.kb.factors and chosen.get(factor) == value)
            explanation = self.explainer.explain(profile).model_copy(
                update={"from_report": from_report})
            return 200, self.views.result(explanation, profile, reader)

        return self._form_page(fields, result)

    def report_page(self, fields: dict[str, list[str]]) -> tuple[int, str]:
        """The form filled in from the words posted in the "From my report" box, with what
        was read shown beside it. The words are read here and not kept."""
        text = (fields.get(REPORT_FIELD) or [""])[-1]
        if self.language != "en":
            # Its meanings are in English only for now (report.yaml is not translated).
            return 422, self.views.start(errors=[(REPORT_FIELD,
                                                   pages.TEXT["report_unavailable"])])
        try:
            chosen = fields.get(READER_FIELD) or []
            reader = self.reader(chosen[-1] if chosen else None)
        except ProfileError as error:
            return 422, self.views.start(errors=self._problem_lines(error))
        if not text.strip():
            return 422, self.views.start(errors=[(REPORT_FIELD, pages.TEXT["report_empty"])],
                                         reader=reader)
        reading = self.explainer.read_report(text)
        filled = self.explainer.report_factors(reading)
        return 200, self.views.start(filled, reader=reader, report=reading, report_text=text,
                                     from_report=filled)

    def change_page(self, fields: dict[str, list[str]]) -> tuple[int, str]:
        """The form again, filled in with the answers the result page carried."""
        return self._form_page(fields, lambda data, reader: (
            200, self.views.start(self.explainer.parse(data).model_dump(), reader=reader)))

    def what_if_page(self, fields: dict[str, list[str]]) -> tuple[int, str]:
        """What changes if one answer were different (the what-if select)."""

        def comparison(data: dict[str, Any], reader: Reader) -> tuple[int, str]:
            before_profile = self.explainer.parse(data)
            chosen = fields.get(WHAT_IF_FIELD, [])
            # The select's first choice is empty: nothing chosen yet.
            if len(chosen) != 1 or not chosen[0].strip():
                raise ProfileError([FieldProblem(
                    WHAT_IF_FIELD, "choose one answer to change from the list")])
            try:
                changed = apply_what_if(data, chosen, self.kb.factors)
            except InputError as error:
                raise ProfileError([FieldProblem(WHAT_IF_FIELD, str(error))]) from None
            after_profile = self.explainer.parse(changed)
            found = compare_what_if(
                reader.explanation(self.explainer.explain(before_profile)),
                reader.explanation(self.explainer.explain(after_profile)))
            return 200, self.views.comparison(found, before_profile, after_profile, reader)

        return self._form_page(fields, comparison)

    # -- API ------------------------------------------------------------------------------

    def explain_json(self, data: Any) -> bytes:
        """POST /api/explain: the explanation JSON (as ``--format json``, compact)."""
        # The same bytes as explain(data).model_dump_json(), with the parts that depend only
        # on the rules that fired serialised once and reused (Composer.compose_json).
        return self.explainer.explain_json(
            _object(data, "profile", self.kb.factors))

    def compare_json(self, data: Any) -> bytes:
        """POST /api/compare: two profiles, or one profile and what changes."""
        if not isinstance(data, dict):
            raise ProfileError([FieldProblem("body", (
                f"expected a JSON object, got {kind_of(data)}; send {{\"before\": "
                "{...}, \"after\": {...}} or {\"profile\": {...}, \"what_if\": {...}}"))])
        keys = set(data)
        if keys == {"before", "after"}:
            before = self._explain_side(data["before"], "before")
            after = self._explain_side(data["after"], "after")
            comparison = compare(before, after)
        elif keys == {"profile", "what_if"}:
            profile, changes = data["profile"], data["what_if"]
            before = self._explain_side(profile, "profile")
            if not isinstance(changes, dict) or not changes:
                raise ProfileError([FieldProblem(
                    "what_if", "expected a JSON object with at least one factor: new value, "
                               'for example {"her2_status": "positive"}')])
            unknown = [key for key in changes if key not in self.kb.factors]
            if unknown:
                raise ProfileError([FieldProblem(
                    f"what_if.{key}", f"unknown field; known fields: {', '.join(self.kb.factors)}")
                    for key in unknown])
            merged = {**(profile or {}), **changes} if isinstance(profile, dict) else changes
            after = self._explain_side(merged, "what_if")
            comparison = compare_what_if(before, after)
        else:
            extra = sorted(keys - {"before", "after", "profile", "what_if"})
            hint = f"unknown field '{extra[0]}'; " if extra else ""
            raise ProfileError([FieldProblem("body", (
                f"{hint}send either \"before\" and \"after\" (two profiles) or \"profile\" and "
                "\"what_if\" (a profile and the factors to change)"))])
        result: Comparison = comparison
        return result.model_dump_json().encode()

    def report_json(self, data: Any) -> bytes:
        """POST /api/report: ``{"text": "..."}`` -> the reading, as ``explainer report
        --format json`` prints it."""
        if not isinstance(data, dict) or set(data) != {"text"}:
            raise ProfileError([FieldProblem("body", (
                'expected a JSON object with one field, "text": the words of the report, '
                'for example {"text": "ER 95%, HER2 IHC 2+, FISH not amplified"}'))])
        text = data["text"]
        if not isinstance(text, str) or not text.strip():
            raise ProfileError([FieldProblem(
                "text", "expected the words of the report as a non-empty string")])
        if "\x00" in text:
            raise ProfileError([FieldProblem("text", "holds a NUL character; send plain text")])
        reading = self.explainer.read_report(text)
        return json.dumps(reading.to_json(), ensure_ascii=False).encode()

    def _explain_side(self, data: Any, side: str) -> Explanation:
        if not isinstance(data, dict):
            _object(data, side, self.kb.factors)  # raises, naming the side
        try:
            return self.explainer.explain(_object(data, side, self.kb.factors))
        except ProfileError as error:
            raise _prefixed(error, side) from None

    def health(self) -> dict[str, Any]:
        """GET /healthz."""
        return {"status": "ok", "version": __version__, "knowledge_version": self.kb.version,
                "rules": len(self.kb.rules)}
