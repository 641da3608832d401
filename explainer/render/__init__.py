"""Renderers: every output format reads only the Explanation (through one shared layout)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from explainer.render.document import AUDIENCES, Audience, Document, build_document

if TYPE_CHECKING:
    from explainer.explanation.models import Explanation

# Each format imports its drawing module only when used: `--format json` never loads rich.


def _json(explanation: Explanation, audience: Audience, width: int, color: bool) -> str:
    # The JSON carries everything (rule ids and conditions included) for both audiences.
    del audience, width, color
    return explanation.model_dump_json(indent=2) + "\n"


def _html(explanation: Explanation, audience: Audience, width: int, color: bool) -> str:
    # A page for printing: the width of a terminal and colour codes do not apply.
    from explainer.render.html import render_html

    del width, color
    return render_html(explanation, audience)


def _rich(document: Document, width: int, color: bool) -> str:
    from explainer.render.rich import render_rich

    return render_rich(document, width, color)


def _text(document: Document, width: int, color: bool) -> str:
    from explainer.render.text import render_text

    del color
    return render_text(document, width)


def _markdown(document: Document, width: int, color: bool) -> str:
    from explainer.render.markdown import render_markdown

    del width, color
    return render_markdown(document)


def _from_document(
    draw: Callable[[Document, int, bool], str],
) -> Callable[[Explanation, Audience, int, bool], str]:
    def renderer(explanation: Explanation, audience: Audience, width: int, color: bool) -> str:
        return draw(build_document(explanation, audience), width, color)

    return renderer


RENDERERS: dict[str, Callable[[Explanation, Audience, int, bool], str]] = {
    "rich": _from_document(_rich),
    "text": _from_document(_text),
    "markdown": _from_document(_markdown),
    "json": _json,
    "html": _html,
}
"""Output formats by name. Each takes (explanation, audience, width, color) -> str."""

FORMATS: tuple[str, ...] = tuple(RENDERERS)


def render(explanation: Explanation, fmt: str = "text", audience: Audience = "patient",
           *, width: int = 88, color: bool = False) -> str:
    """Render ``explanation`` as ``fmt`` (one of :data:`FORMATS`) for ``audience``.

    The whole output is built before it is returned, so a failure never leaves half a result.
    """
    if fmt not in RENDERERS:
        raise ValueError(f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}")
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience '{audience}'; use one of {', '.join(AUDIENCES)}")
    return RENDERERS[fmt](explanation, audience, width, color)


__all__ = ["AUDIENCES", "FORMATS", "RENDERERS", "Audience", "build_document", "render"]
