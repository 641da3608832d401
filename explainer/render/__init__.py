"""Stage 4, rendering: every output format reads only the result it draws (an Explanation, a
Comparison, a scenario, the review packet) through one shared layout per kind of result.

* :mod:`~explainer.render.formats` -- the format lists; :mod:`~explainer.render.dispatch` --
  the one dispatch from a format to its writer;
* :mod:`~explainer.render.document` -- the layout of an explanation (sections, entries, lines);
* :mod:`~explainer.render.text`, :mod:`~explainer.render.markdown`,
  :mod:`~explainer.render.rich`, :mod:`~explainer.render.html` -- the writers;
* :mod:`~explainer.render.compare`, :mod:`~explainer.render.walkthrough`,
  :mod:`~explainer.render.packet` -- the layouts of comparisons, demo screens, review packets.
"""

from __future__ import annotations

from explainer.render.dispatch import dispatch, document_writers
from explainer.render.formats import AUDIENCES, DETAILS, FORMATS, default_detail

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a fast --help)
if TYPE_CHECKING:
    from explainer.explanation.models import Explanation
    from explainer.render.document import Document
    from explainer.render.formats import Audience, Detail, Handout


def __getattr__(name: str) -> object:
    # Audience and Detail (typing.Literal aliases) are made on first use: see formats.py.
    if name in ("Audience", "Detail", "Handout"):
        from explainer.render import formats

        return getattr(formats, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def build_document(explanation: Explanation, audience: Audience = "patient",
                   detail: Detail = "full") -> Document:
    """The shared layout of ``explanation`` (:func:`explainer.render.layout.build_document`)."""
    from explainer.render.layout import build_document as build

    return build(explanation, audience, detail)


def render(explanation: Explanation, fmt: str = "text", audience: Audience = "patient",
           *, width: int = 88, color: bool = False, detail: Detail | None = None,
           handout: Handout | None = None) -> str:
    """Render ``explanation`` as ``fmt`` (one of :data:`FORMATS`) for ``audience``.

    The JSON carries everything (rule ids and conditions included) for both audiences; the
    HTML is a page for printing, so a terminal's width and colour do not apply to it.
    ``detail`` picks the brief or the full view; by default a patient reading rich, text or
    Markdown gets the brief one, everyone else the full one (see
    :func:`~explainer.render.formats.default_detail`). JSON is always the whole Explanation.
    ``handout`` picks the HTML handout: brief (two pages, a patient's default) or full.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}")
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience '{audience}'; use one of {', '.join(AUDIENCES)}")

    chosen = detail or default_detail(fmt, audience)
    if chosen not in DETAILS:
        raise ValueError(f"unknown detail '{chosen}'; use one of {', '.join(DETAILS)}")
    from explainer.explanation.models import explanation_json

    def page() -> str:
        from explainer.render.html import render_html

        return render_html(explanation, audience, handout=handout)

    return dispatch(fmt, document_writers(
        lambda: build_document(explanation, audience, chosen),
        json=lambda: explanation_json(explanation), html=page,
        width=width, color=color))


__all__ = ["AUDIENCES", "DETAILS", "FORMATS", "Audience", "Detail", "build_document", "render"]
