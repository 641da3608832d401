"""The interface's phrases as code reads them: ``TEXT = phrases("document")``, then
``TEXT["title"]``. The phrases are those of the most recently loaded knowledge base (see
:mod:`explainer.kb.interface`); nothing is loaded until a phrase is first read, so importing a
renderer stays cheap.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from explainer.kb.interface import InterfaceFile, Screen, current
from explainer.kb.loader import load_knowledge


def active() -> InterfaceFile:
    """The phrases of the most recently loaded knowledge base (the bundled one if none was)."""
    found = current()
    if found is None:
        load_knowledge()  # the bundled knowledge base; it calls use()
        found = current()
    assert found is not None
    return found


def language() -> str:
    """The language of the active phrases (``en``, or a translation's, see
    :mod:`explainer.kb.translation`): an HTML page's ``lang``."""
    return active().language


class ScreenPhrases(Mapping[str, str]):
    """The phrases of one screen, read from :func:`active` when first used (so that importing a
    renderer loads nothing)."""

    def __init__(self, screen: Screen) -> None:
        self.screen = screen
        self._source: InterfaceFile | None = None
        self._texts: dict[str, str] = {}

    def _current(self) -> dict[str, str]:
        interface = active()
        if interface is not self._source:
            self._texts = interface.texts(self.screen)
            self._source = interface
        return self._texts

    def __getitem__(self, key: str) -> str:
        return self._current()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._current())

    def __len__(self) -> int:
        return len(self._current())


def phrases(screen: Screen) -> ScreenPhrases:
    """The phrases of ``screen`` (``TEXT[key]`` in the modules that draw it)."""
    return ScreenPhrases(screen)
