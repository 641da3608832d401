"""The output formats and audiences, listed once.

Every command and the web page pick formats from the lists here (the writers are chosen in
:mod:`explainer.render.dispatch`). This module imports nothing (not even typing, until an alias
is asked for), so the command line can read the lists without loading a renderer.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a fast --help)
if TYPE_CHECKING:
    from typing import Literal, TypeAlias

    Audience: TypeAlias = Literal["patient", "clinician"]
    Detail: TypeAlias = Literal["brief", "full"]
    Handout: TypeAlias = Literal["brief", "full"]

# The same aliases at run time, made on first use (see __getattr__): the command line reads the
# lists below before anything imports typing.
_ALIASES = {"Audience": ("patient", "clinician"), "Detail": ("brief", "full"),
            "Handout": ("brief", "full")}


def __getattr__(name: str) -> object:
    values = _ALIASES.get(name)
    if values is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from typing import Literal

    alias = Literal[values]  # type: ignore[valid-type]  # the values are data here
    globals()[name] = alias
    return alias


AUDIENCES: tuple[Audience, ...] = ("patient", "clinician")

DETAILS: tuple[Detail, ...] = ("brief", "full")
"""How much an explanation shows: the short answer first (brief), or everything (full)."""
BRIEF_FORMATS: tuple[str, ...] = ("rich", "text", "markdown")
"""The formats a patient reads on a screen: they show the brief view unless asked for more."""


def default_detail(fmt: str, audience: Audience) -> Detail:
    """The detail a format shows when none is asked for: brief for a patient reading rich,
    text or Markdown; full for clinicians, JSON (always the whole Explanation) and HTML."""
    return "brief" if audience == "patient" and fmt in BRIEF_FORMATS else "full"

HANDOUTS: tuple[Handout, ...] = ("brief", "full")
"""The printable handout (``--format html``): at most two pages (brief), or everything (full)."""


def default_handout(audience: Audience) -> Handout:
    """The handout printed when none is asked for: brief for a patient, full for clinicians."""
    return "brief" if audience == "patient" else "full"


FORMATS: tuple[str, ...] = ("rich", "text", "markdown", "json", "html")
"""The formats of an explanation, a comparison and a teaching scenario."""
SCREEN_FORMATS: tuple[str, ...] = ("rich", "text", "markdown")
"""The formats of the demo walkthrough (screens to show, not a page or data)."""
PACKET_FORMATS: tuple[str, ...] = ("markdown", "html", "csv")
"""The formats of the clinician review packet (to read and sign, or a spreadsheet)."""
WHY_FORMATS: tuple[str, ...] = ("text", "json")
"""The formats of ``explainer why``: plain text to read, or the answer as data."""
LIST_FORMATS: tuple[str, ...] = ("text", "json")
"""The formats of the listings (``explainer factors``, ``explainer lint``'s report)."""
REPORT_FORMATS: tuple[str, ...] = ("rich", "text", "markdown", "json")
"""The formats of ``explainer report`` (the web page draws a reading in its own template)."""
