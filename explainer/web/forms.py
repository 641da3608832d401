"""Form fields to a profile and back: what the page's plain HTML forms send and carry.

The page works without JavaScript, so everything travels as ordinary form fields (one per
factor, named by the factor id; a multi-choice factor repeats its name). Nothing is kept on the
server between two pages: the result page carries the checked profile in hidden fields, so the
what-if control and "change my answers" post it back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from explainer.errors import FieldProblem, InputError, ProfileError
from explainer.kb.conditions import UNKNOWN
from explainer.kb.models import Factor
from explainer.kb.profiles import Profile

KNOWN_SUFFIX = "__known"
"""A number factor's radio pair: ``age__known=unknown`` ("I don't know") or ``known``."""

WHAT_IF_FIELD = "what_if"
READER_FIELD = "reader"
"""Who is reading (``self`` or ``caregiver``): carried by every form, never part of a profile."""
"""The what-if select: one ``FACTOR=VALUE`` (see
:func:`explainer.explanation.compare.apply_what_if`)."""
LANG_FIELD = "lang"
"""The language of the page a form was sent from (every form carries it): the answer is in
the same language."""

MAX_FORM_FIELDS = 100
"""More fields than any form of this page has; a longer body is not a form of ours."""

Fields = dict[str, list[str]]


REPORT_FIELD = "report"
"""The textarea of the "From my report" box (posted to /report)."""
REPORT_FIELD_PREFIX = "from_report__"
"""Hidden fields ``from_report__<factor>=<value>``: an answer filled in from a report, so the
result page can mark it (only while the answer still has that value)."""


def parse_form(body: bytes) -> Fields:
    """Decode an ``application/x-www-form-urlencoded`` body into field -> values."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("the form was not sent as UTF-8 text; reload the page and try "
                         "again") from None
    try:
        return parse_qs(text, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    except ValueError:
        raise InputError(f"the form has more than {MAX_FORM_FIELDS} fields; use the form on "
                         "the start page") from None


def profile_from_form(fields: Mapping[str, Sequence[str]],
                      factors: Mapping[str, Factor]) -> dict[str, Any]:
    """The raw profile the form describes (checked later, like any profile).

    A field that is not a factor is passed on, so that the profile check names it. For a number
    factor, a typed number is the answer; an empty box means "I don't know", unless its "I know
    it" radio was chosen, which asks for the number.
    """
    data: dict[str, Any] = {}
    problems: list[FieldProblem] = []
    for name, values in fields.items():
        if (name in (WHAT_IF_FIELD, LANG_FIELD) or name.endswith(KNOWN_SUFFIX)
                or name.startswith(REPORT_FIELD_PREFIX)):
            continue
        factor = factors.get(name)
        if factor is None:
            data[name] = values[-1] if values else ""
        elif factor.kind == "multi":
            data[name] = list(values)
        elif factor.kind == "number":
            typed = values[-1].strip() if values else ""
            if typed:
                data[name] = typed
        elif len(values) > 1:
            problems.append(FieldProblem(name, "choose one answer, not several"))
        else:
            data[name] = values[0] if values else UNKNOWN
    for factor in factors.values():
        chosen = fields.get(f"{factor.id}{KNOWN_SUFFIX}", ())
        if factor.kind == "number" and "known" in chosen and factor.id not in data:
            problems.append(FieldProblem(
                factor.id, f"type a whole number from {factor.min} to {factor.max}, or choose "
                           "\"I don't know\""))
    if problems:
        raise ProfileError(problems)
    return data


def hidden_fields(profile: Profile, factors: Mapping[str, Factor]) -> list[tuple[str, str]]:
    """A checked profile as (name, value) pairs, to carry in hidden form fields."""
    pairs: list[tuple[str, str]] = []
    for factor in factors.values():
        value = profile.value(factor.id)
        if factor.kind == "multi":
            pairs += [(factor.id, item) for item in value or ()]
        elif factor.kind == "number":
            if value is not None:
                pairs.append((factor.id, str(value)))
        else:
            pairs.append((factor.id, value if value is not None else UNKNOWN))
    return pairs


@dataclass(frozen=True)
class FieldState:
    """What a factor's fields show: the chosen value ids, or the typed text."""

    chosen: frozenset[str]
    typed: str = ""


def field_states(data: Mapping[str, Any] | None,
                 factors: Mapping[str, Factor]) -> dict[str, FieldState]:
    """What each factor's fields show for ``data`` (a checked or raw profile; None: a new form).

    Everything starts at "I don't know". A raw value that is not one of the factor's ids (a
    typo sent back with an error) is kept as typed text or left unchosen.
    """
    states: dict[str, FieldState] = {}
    for factor in factors.values():
        raw = (data or {}).get(factor.id)
        if factor.kind == "number":
            typed = "" if raw is None else str(raw)
            states[factor.id] = FieldState(frozenset({"known" if typed else UNKNOWN}), typed)
        elif factor.kind == "multi":
            items = [raw] if isinstance(raw, str) else list(raw or ())
            ids = {value.id for value in factor.values}
            chosen = {item for item in items if isinstance(item, str) and item in ids}
            states[factor.id] = FieldState(frozenset(chosen or {UNKNOWN}))
        else:
            value = raw if isinstance(raw, str) and raw else UNKNOWN
            states[factor.id] = FieldState(frozenset({value}))
    return states


@dataclass(frozen=True)
class Option:
    """One choice of the what-if select."""

    value: str
    label: str


@dataclass(frozen=True)
class OptionGroup:
    """The what-if choices for one factor."""

    label: str
    options: tuple[Option, ...]


def what_if_options(profile: Profile, factors: Mapping[str, Factor],
                    not_known_label: str) -> list[OptionGroup]:
    """The changes the what-if select offers: every other value of each one-choice factor.

    A number or multi-choice factor that was entered can be set back to "not known"; other
    values of those are not offered, because one select cannot ask for a number or a list.
    """
    groups: list[OptionGroup] = []
    for factor in factors.values():
        current = profile.value(factor.id)
        options: list[Option] = []
        if factor.kind == "choice":
            options = [Option(f"{factor.id}={value.id}", value.label)
                       for value in factor.values if value.id != current]
        elif current not in (None, (), []):
            options = [Option(f"{factor.id}={UNKNOWN}", not_known_label)]
        if options:
            groups.append(OptionGroup(factor.label, tuple(options)))
    return groups
