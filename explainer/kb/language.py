"""The languages the tool speaks, and which one a command was asked for.

Kept apart from :mod:`explainer.kb.translation` (the layer's models and files) so that reading
``--lang`` imports nothing else: a listing command answered from the cache stays light.
"""

from __future__ import annotations

import os

from explainer.errors import InputError

LANGUAGES: tuple[str, ...] = ("en", "es")
"""The languages the tool speaks: English (the source) and the layers under knowledge/."""
SOURCE_LANGUAGE = "en"
LANG_ENV = "EXPLAINER_LANG"
"""The environment variable that sets the default of ``--lang``."""


def choose_language(value: str | None) -> str:
    """The language asked for: ``value`` (from ``--lang``), else ``$EXPLAINER_LANG``, else
    English. Raises :class:`InputError` (one line, exit 2) for a language the tool lacks."""
    chosen = value if value is not None else os.environ.get(LANG_ENV) or SOURCE_LANGUAGE
    wanted = chosen.strip().lower()
    if wanted not in LANGUAGES:
        where = "--lang" if value is not None else LANG_ENV
        raise InputError(f"{where}: '{chosen[:40]}' is not a language this tool speaks; "
                         f"use one of: {', '.join(LANGUAGES)}")
    return wanted
