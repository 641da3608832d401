"""The output formats and audiences, listed once.

Every command and the web page pick formats from the lists here (the writers are chosen in
:mod:`explainer.render.dispatch`). This module imports nothing, so the command line can read
the lists without loading a renderer.
"""

from __future__ import annotations

from typing import Literal

Audience = Literal["patient", "clinician"]
AUDIENCES: tuple[Audience, ...] = ("patient", "clinician")

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
