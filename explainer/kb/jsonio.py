"""Strict JSON reading for profiles (a profile file, a body of the web API).

Python's ``json`` module accepts two things a profile must not hold: a key given twice (the
last one silently wins, where the YAML reader refuses it) and an integer of thousands of digits
(over 4,300 digits Python refuses to convert it, with a ValueError that is not a JSON error).
Both are refused here with a :class:`JsonReadError`, like any other syntax error.
"""

from __future__ import annotations

import json
from typing import Any

MAX_NUMBER_DIGITS = 100
"""The longest number accepted; a profile's numbers (an age) have at most three digits."""


class JsonReadError(Exception):
    """JSON that cannot be read. ``line`` and ``column`` are 1-based, or None if unknown."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None
                 ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class _Refused(Exception):
    pass


def _number(kind: type[int] | type[float]) -> Any:
    def convert(text: str) -> int | float:
        if len(text) > MAX_NUMBER_DIGITS:
            raise _Refused(f"a number has {len(text)} digits (at most {MAX_NUMBER_DIGITS} "
                           "are allowed)")
        return kind(text)

    return convert


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _Refused(f"duplicate key '{key[:40]}'")
        result[key] = value
    return result


def parse_json(text: str) -> Any:
    """Parse ``text``, refusing duplicate keys and overlong numbers (:class:`JsonReadError`)."""
    try:
        return json.loads(text, object_pairs_hook=_object, parse_int=_number(int),
                          parse_float=_number(float))
    except json.JSONDecodeError as error:
        raise JsonReadError(error.msg, error.lineno, error.colno) from None
    except _Refused as error:
        raise JsonReadError(str(error)) from None
    except RecursionError:
        raise JsonReadError("it is nested too deeply") from None
    except ValueError as error:  # anything else the decoder refuses
        raise JsonReadError(str(error).split("\n")[0][:120]) from None
