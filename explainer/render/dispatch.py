"""The one place where a format's name becomes its writer.

Every renderer (an explanation, a comparison, a teaching scenario, the walkthrough, the review
packet) goes through :func:`dispatch`; those drawn from a :class:`Document` get their writers
from :func:`document_writers`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from explainer.render.formats import FORMATS

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a fast --help)
if TYPE_CHECKING:
    from explainer.render.document import Document

Writer = Callable[[], str]


def dispatch(fmt: str, writers: Mapping[str, Writer]) -> str:
    """Call the writer of ``fmt``; a ValueError naming the choices for an unknown format.

    The whole output is built before it is returned, so a failure never leaves half a result.
    """
    writer = writers.get(fmt)
    if writer is None:
        raise ValueError(f"unknown format '{fmt}'; use one of {', '.join(writers)}")
    return writer()


def document_writers(layout: Callable[[], Document], *, json: Writer,
                     html: Writer | None = None, width: int = 88, color: bool = False
                     ) -> dict[str, Writer]:
    """Writers for every one of :data:`FORMATS`, for a result laid out by ``layout``.

    ``json`` writes the result's data; ``html`` its page, when it has one of its own (else the
    layout is drawn as a plain page). Each drawing module is imported only when its format is
    used: ``--format json`` never loads rich.
    """

    def rich() -> str:
        from explainer.render.rich import render_rich

        return render_rich(layout(), width, color)

    def text() -> str:
        from explainer.render.text import render_text

        return render_text(layout(), width)

    def markdown() -> str:
        from explainer.render.markdown import render_markdown

        return render_markdown(layout())

    def page() -> str:
        from explainer.render.html import render_document_html

        return render_document_html(layout(), notes_box=False)

    writers = {"rich": rich, "text": text, "markdown": markdown, "json": json,
               "html": html or page}
    return {fmt: writers[fmt] for fmt in FORMATS}
