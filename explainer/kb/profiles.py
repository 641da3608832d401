"""The profile (the factors a person entered, each a known value or unknown): checking what a
person entered against the knowledge base, and turning it into a fact.

Everything a person can type passes through :func:`parse_profile`: unknown fields, values out of
range, typos and wrong types all become a :class:`~explainer.errors.ProfileError` whose message
names the field, the allowed values and, for a near miss, the likely intended value.
"""

# No `from __future__ import annotations`: pydantic would then evaluate each field's
# annotation from its text when a class is made, a few ms of every start (docs/performance.md).

import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from explainer.errors import FieldProblem, ProfileError
from explainer.kb.conditions import MARKER_FIELD, MARKER_VALUE, UNKNOWN, multi_field
from explainer.kb.models import Factor


class Profile(BaseModel):
    """The factors that shape which treatment categories are discussed.

    Every factor may be unknown: an omitted factor *is* unknown. The core factors are fields;
    further factors the knowledge base defines (for example ``brca_mutation`` or
    ``side_effect_concerns``) are accepted as extra fields. Values are checked against the
    knowledge base by :func:`explainer.explain`, which raises :class:`explainer.ProfileError`
    naming the field and the allowed values; build profiles with :func:`explainer.parse_profile`
    (or pass a plain dict to :func:`explainer.explain`) to get that check up front.
    """

    model_config = ConfigDict(frozen=True, extra="allow", defer_build=True)

    stage: str = "unknown"
    menopausal_status: str = "unknown"
    hr_status: str = "unknown"
    her2_status: str = "unknown"
    general_health: str = "unknown"
    age: int | None = None

    def value(self, factor_id: str) -> Any:
        """The value of ``factor_id``: a field or an extra; None when it was not given."""
        if factor_id in type(self).model_fields:
            return getattr(self, factor_id)
        return (self.model_extra or {}).get(factor_id)


MAX_FIELDS = 40
MAX_TEXT = 100
MAX_ITEMS = 20

# Ways people say "I don't know"; compared after normalising case, spaces and punctuation.
_UNKNOWN_WORDS = {"unknown", "dontknow", "idontknow", "notsure", "unsure", "na", "?", ""}


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-'’.]+", "", text.strip().lower())


def _shown(text: str) -> str:
    """Text a person typed, quoted for a one-line message (control characters escaped)."""
    text = text[:MAX_TEXT]
    if text.isprintable():
        return f"'{text}'"
    return repr(text)


def _suggest(word: str, options: Iterable[str]) -> str:
    import difflib  # only for a mistake: most profiles have none

    options = list(options)
    lowered = {option.lower(): option for option in options}
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return f" (did you mean '{lowered[match[0]]}'?)" if match else ""


def allowed_values(factor: Factor) -> list[str]:
    """The values a person may enter for ``factor``, as shown in messages."""
    if factor.kind == "number":
        return [f"a whole number from {factor.min} to {factor.max}", UNKNOWN]
    values = [value.id for value in factor.values]
    if factor.kind == "multi" and UNKNOWN not in values:
        values.append(UNKNOWN)
    return values


def kind_of(value: Any) -> str:
    """What ``value`` is, in the words of a person writing YAML or JSON (never a class name
    such as LineDict)."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (bytes, bytearray)):
        return "bytes (decode them to text first)"
    if isinstance(value, Mapping):
        return "a mapping (factor: value pairs)"
    if isinstance(value, (list, tuple, set, frozenset)):
        return "a list"
    return "an object of another kind"


def _choice(factor: Factor, raw: Any) -> str:
    """The canonical value id for ``raw``, or raise ValueError with the reason."""
    if raw is None:
        return UNKNOWN
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise ValueError(f"expected text, got {kind_of(raw)}")
    text = str(raw)
    if len(text) > MAX_TEXT:
        raise ValueError(f"the value is longer than {MAX_TEXT} characters")
    wanted = _norm(text)
    if not wanted:
        # Only punctuation or nothing: "-" and "+" are aliases as typed, but "", " " or "'"
        # must not match them (normalised, "-" is empty too): they mean "I don't know".
        stripped = text.strip()
        for value in factor.values:
            if stripped and stripped in value.aliases:
                return value.id
        if any(value.id == UNKNOWN for value in factor.values):
            return UNKNOWN
        raise ValueError(f"{_shown(text)} is not allowed")
    for value in factor.values:
        if wanted == _norm(value.id) or any(wanted == _norm(alias) for alias in value.aliases):
            return value.id
    if wanted in _UNKNOWN_WORDS and any(value.id == UNKNOWN for value in factor.values):
        return UNKNOWN
    ids = [value.id for value in factor.values]
    raise ValueError(f"{_shown(text)} is not allowed{_suggest(text, ids)}")


def _number(factor: Factor, raw: Any) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        if _norm(raw) in _UNKNOWN_WORDS:
            return None
        if not re.fullmatch(r"\s*\d{1,4}\s*", raw):
            raise ValueError(f"{_shown(raw)} is not a whole number")
        raw = int(raw)
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ValueError(f"expected a whole number, got {kind_of(raw)}")
    assert factor.min is not None and factor.max is not None
    if not factor.min <= raw <= factor.max:
        raise ValueError(f"{raw} is out of range")
    return raw


def _multi(factor: Factor, raw: Any) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        items: list[Any] = [part for part in re.split(r"[,;]", raw) if part.strip()]
    elif isinstance(raw, (list, tuple)):
        items = list(raw)
    else:
        raise ValueError(f"expected a list, got {kind_of(raw)}")
    if len(items) > MAX_ITEMS:
        raise ValueError(f"more than {MAX_ITEMS} items")
    chosen: list[str] = []
    for item in items:
        # An unknown item (null, "unknown", "I don't know") adds nothing to the list.
        if item is None or (isinstance(item, str) and _norm(item) in _UNKNOWN_WORDS):
            continue
        value = _choice(factor, item)
        if value != UNKNOWN and value not in chosen:
            chosen.append(value)
    exclusive = {value.id for value in factor.values if value.exclusive}
    if len(chosen) > 1 and exclusive & set(chosen):
        only = sorted(exclusive & set(chosen))[0]
        raise ValueError(f"'{only}' cannot be combined with other answers")
    order = [value.id for value in factor.values]
    return tuple(sorted(chosen, key=order.index))


def parse_profile(data: Any, factors: Mapping[str, Factor]) -> Profile:
    """Check ``data`` (a mapping of factor id to value) and return a canonical :class:`Profile`.

    Omitted factors become unknown. Values are matched without regard to case, and each value's
    aliases are accepted (``--stage 4`` means ``IV``). Raises :class:`ProfileError` listing
    every problem.
    """
    if isinstance(data, Profile):
        data = data.model_dump()
    if not isinstance(data, Mapping):
        raise ProfileError([FieldProblem(
            "profile", f"expected a mapping of factor: value, got {kind_of(data)}; known "
                       "factors: "
                       f"{', '.join(factors)}")])
    problems: list[FieldProblem] = []
    if len(data) > MAX_FIELDS:
        raise ProfileError([FieldProblem("profile", f"has {len(data)} fields; at most "
                                                    f"{MAX_FIELDS} are accepted")])
    flags = {factor.cli_flag: factor.id for factor in factors.values()}
    for key in data:
        if not isinstance(key, str) or key not in factors:
            name = str(key)[:MAX_TEXT]
            hint = f" (did you mean '{flags[name]}'?)" if name in flags else _suggest(
                name, factors)
            # An empty or unprintable field name is shown quoted, so the message stays clear.
            shown = name if name.isprintable() and name.strip() == name and name else repr(name)
            problems.append(FieldProblem(
                shown, f"unknown field{hint}; known fields: {', '.join(factors)}"))
    values: dict[str, Any] = {}
    for factor in factors.values():
        raw = data.get(factor.id)
        try:
            if factor.kind == "number":
                values[factor.id] = _number(factor, raw)
            elif factor.kind == "multi":
                values[factor.id] = _multi(factor, raw)
            else:
                values[factor.id] = _choice(factor, raw)
        except ValueError as error:
            allowed = ", ".join(allowed_values(factor))
            problems.append(FieldProblem(factor.id, f"{error}; allowed: {allowed}"))
    if problems:
        raise ProfileError(problems)
    # Every value is checked above, and the loader checks that each of the profile's own
    # fields is a factor of the kind it holds: validating again would only build the
    # profile's schema, a few milliseconds of every command's start.
    return Profile.model_construct(set(values), **values)


def band_of(factor: Factor, number: int | None) -> str:
    """The id of the band ``number`` falls in, or ``unknown``."""
    if number is None:
        return UNKNOWN
    for band in factor.bands:
        if band.min <= number <= band.max:
            return band.id
    return UNKNOWN


def to_fact(profile: Profile, factors: Mapping[str, Factor]) -> dict[str, str]:
    """Flatten a checked profile into the all-strings fact the rules match on."""
    fact = {MARKER_FIELD: MARKER_VALUE}
    for factor in factors.values():
        value = profile.value(factor.id)
        if factor.kind == "number":
            fact[factor.id] = band_of(factor, value)
        elif factor.kind == "multi":
            chosen = set(value or ())
            for option in factor.values:
                fact[multi_field(factor.id, option.id)] = "yes" if option.id in chosen else "no"
            fact[multi_field(factor.id, UNKNOWN)] = "no" if chosen else "yes"
        else:
            fact[factor.id] = value if value is not None else UNKNOWN
    return fact


def profile_json_schema(factors: Mapping[str, Factor]) -> dict[str, Any]:
    """The JSON Schema of a profile for these factors (what `explainer schema` prints)."""
    properties: dict[str, Any] = {}
    for factor in factors.values():
        if factor.kind == "number":
            properties[factor.id] = {"type": ["integer", "null"], "minimum": factor.min,
                                     "maximum": factor.max, "description": factor.question}
        elif factor.kind == "multi":
            # Exactly what parse_profile accepts: a repeated item counts once; null and
            # "unknown" add nothing; an exclusive answer ("none") goes with nothing else.
            ids = [value.id for value in factor.values]
            if UNKNOWN not in ids:
                ids.append(UNKNOWN)
            spec: dict[str, Any] = {"type": ["array", "null"], "maxItems": MAX_ITEMS,
                                    "items": {"enum": [*ids, None]},
                                    "description": factor.question}
            exclusive = [value.id for value in factor.values if value.exclusive]
            if exclusive:
                spec["allOf"] = [{"anyOf": [
                    {"not": {"contains": {"const": only}}},
                    {"items": {"enum": [only, UNKNOWN, None]}}]} for only in exclusive]
            properties[factor.id] = spec
        else:
            # null means unknown, as an omitted factor does.
            properties[factor.id] = {"enum": [*(value.id for value in factor.values), None],
                                     "default": "unknown", "description": factor.question}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "Profile", "type": "object", "additionalProperties": False,
            "description": "The factors a person entered. Any factor left out is unknown.",
            "properties": properties}


def describe_profile(values: Mapping[str, Any], *, skip_unknown: bool = True) -> str:
    """A profile in short words, for checks and error messages: ``stage=IV, hr_status=positive``
    (the unknowns left out, unless ``skip_unknown`` is False)."""
    shown = [f"{key}={value}" for key, value in values.items()
             if not skip_unknown or value not in (UNKNOWN, None, [])]
    return ", ".join(shown) or "everything unknown"
