"""The HTML pages, drawn with Jinja2 (autoescaped) from the layout every format shares.

What a result page says comes from :func:`explainer.render.document.build_document` (and a
what-if page from :func:`explainer.render.compare.build_comparison_document`), so the page says
exactly what the command line says; the templates only decide how it looks. The content uses the
printable handout's stylesheet (:data:`explainer.render.style.STYLE`, served as
``/static/handout.css``), so printing the page gives the handout.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from explainer.explanation.compare import Comparison
from explainer.explanation.models import Explanation, topics_in_order
from explainer.explanation.reader import READERS, Reader
from explainer.explanation.report.model import ReportReading
from explainer.kb.knowledge import KnowledgeBase
from explainer.kb.language import LANGUAGES
from explainer.kb.models import RELEVANCE_ORDER
from explainer.kb.phrases import language, phrases
from explainer.kb.profiles import Profile
from explainer.render import html as handout
from explainer.render.compare import build_comparison_document
from explainer.render.document import Document, Marks, TermMark, apply_marks
from explainer.render.layout import _FirstUses, build_document
from explainer.web.forms import (
    KNOWN_SUFFIX,
    LANG_FIELD,
    READER_FIELD,
    REPORT_FIELD_PREFIX,
    WHAT_IF_FIELD,
    FieldState,
    field_states,
    hidden_fields,
    what_if_options,
)

# The fixed phrases of this screen live in knowledge/interface.yaml (web:).
TEXT = phrases("web")

SELF = Reader()
"""The person with cancer reads (nothing reworded)."""

# The result page opens with the short answer: what was entered, "In short" and the table at a
# glance, so that the table is on the first screen; the other sections follow in the layout's
# order ("Start here" right after the table).
FIRST_ON_THE_PAGE = ("entered", "in_short", "glance")


def page_order(document: Document, explanation: Explanation) -> Document:
    """``document`` with the sections of :data:`FIRST_ON_THE_PAGE` first, its glossary terms
    numbered again in the new reading order (the same terms, marked where first read)."""
    first = [section for key in FIRST_ON_THE_PAGE for section in document.sections
             if section.key == key]
    rest = [section for section in document.sections if section.key not in FIRST_ON_THE_PAGE]
    first_uses = _FirstUses(explanation.glossary)
    sections = [section if section.key == "glossary" else first_uses.section(section)
                for section in first + rest]
    sections = [dataclasses.replace(section, entries=tuple(first_uses.glossary_entries()))
                if section.key == "glossary" else section for section in sections]
    return dataclasses.replace(document, sections=tuple(sections))


# The sections whose entries (the treatment categories) the result page shows collapsed.
COLLAPSED = frozenset(RELEVANCE_ORDER)

NOT_FOUND = ("Page not found", "There is no page at this address.")
METHOD_NOT_ALLOWED = ("This address does not accept that request",
                      "This page can only be reached from the form on the start page.")
TOO_LARGE = ("Too much data", "The form sent more data than this page ever needs.")


def _term(shown: str, mark: TermMark) -> str:
    """A term at its first use, marked as the handout marks it (its number links to "Words
    used here"), and its meaning shown in place when the term is pointed at or its number is
    focused (CSS only, no script)."""
    return str(Markup(
        '<span class="gloss"><span class="term">{shown}</span><sup class="mark">'
        '<a href="#term-{n}" aria-label="{label}" aria-describedby="tip-{n}">{n}</a></sup>'
        '<span class="tip" role="tooltip" id="tip-{n}"><strong>{term}:</strong> {meaning}'
        "</span></span>").format(
            shown=shown, n=mark.number, term=mark.term, meaning=mark.definition,
            label=TEXT["term_link"].format(term=mark.term, number=mark.number)))


def _plain_term(shown: str, mark: TermMark) -> str:
    """A term at its first use where no link may go (a <details> summary): its number only."""
    return str(Markup('<span class="term" title="{meaning}">{shown}</span>'
                      '<sup class="mark plain">{n}</sup>').format(
        shown=shown, n=mark.number, meaning=mark.definition))


def marked_plain(text: str, marks: Marks = ()) -> Markup:
    """``text`` escaped, its glossary terms numbered at their first use but not linked."""
    return Markup(apply_marks(text, marks, _plain_term, lambda part: str(escape(part))))


def marked(text: str, marks: Marks = ()) -> Markup:
    """``text`` escaped, with its glossary terms marked at their first use."""
    return Markup(apply_marks(text, marks, _term, lambda part: str(escape(part))))


def inline_code(text: str) -> Markup:
    """``text`` escaped, with `backquoted` spans (as the API's descriptions write commands and
    names) shown as code."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unpaired backquote: show the text as it is
        return Markup(escape(text))
    return Markup("".join(str(escape(part)) if index % 2 == 0 else f"<code>{escape(part)}</code>"
                          for index, part in enumerate(parts)))


def _question_groups(explanation: Explanation,
                     reader: Reader = SELF) -> list[tuple[str, list[str]]]:
    """The questions for the doctor by topic, as the handout groups them."""
    groups = []
    for topic in topics_in_order(explanation.questions):
        chosen = [question.text for question in explanation.questions if question.topic == topic]
        if chosen:
            groups.append((reader.say(handout.TEXT[f"topic_{topic}"]), chosen))
    return groups


class Views:
    """Renders every page of the site for one knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.env = Environment(
            loader=PackageLoader("explainer.web", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self.env.filters["marked"] = marked
        self.env.filters["marked_plain"] = marked_plain
        self.env.filters["inline_code"] = inline_code
        self.env.globals.update(text=TEXT, handout=handout.TEXT, api_docs=phrases("api_docs"),
                                say=SELF.say, reader="self",
                                known_suffix=KNOWN_SUFFIX, what_if_field=WHAT_IF_FIELD,
                                disclaimer=kb.disclaimer.disclaimer)

    def _render(self, name: str, **context: Any) -> str:
        # The page's language is the active phrases' (see explainer.web.site.Site.localized);
        # the language link points to the other one, and every form carries the language.
        lang = language()
        other = next(code for code in LANGUAGES if code != lang)
        return self.env.get_template(name).render(lang=lang, other_lang=other,
                                                  lang_field=LANG_FIELD, **context)

    def start(self, data: Mapping[str, Any] | None = None,
              errors: Sequence[tuple[str, str]] = (), reader: Reader = SELF, *,
              report: ReportReading | None = None, report_text: str = "",
              from_report: Mapping[str, str] | None = None) -> str:
        """The form, empty or filled with ``data``; ``errors`` are (factor id, message).
        ``reader`` words its questions (a caregiver reads "the person you care for").

        With ``report`` (a reading of the words in ``report_text``), its findings are shown
        beside the form, and ``from_report`` (factor: value filled in from it) is carried to the
        result page, which marks those answers as read from the report."""
        states: dict[str, FieldState] = field_states(data, self.kb.factors)
        filled = dict(from_report or {})
        names = ", ".join(self.kb.factors[factor].label for factor in filled)
        return self._render("start.html", factors=list(self.kb.factors.values()),
                            say=reader.say, reader=reader.kind, readers=READERS,
                            disclaimer=reader.say(self.kb.disclaimer.disclaimer),
                            states=states, errors=list(errors),
                            error_fields={field for field, _ in errors},
                            report=report, report_text=report_text, from_report=filled,
                            report_names=names, report_prefix=REPORT_FIELD_PREFIX,
                            phrase=self.kb.report.phrase)

    def _hidden(self, profile: Profile, reader: Reader) -> list[tuple[str, str]]:
        # The answers, and who is reading (when not the person with cancer).
        pairs = hidden_fields(profile, self.kb.factors)
        return pairs + ([(READER_FIELD, reader.kind)] if reader.kind != "self" else [])

    def _what_if(self, profile: Profile, reader: Reader = SELF) -> dict[str, Any]:
        return {"hidden": self._hidden(profile, reader),
                "groups": what_if_options(profile, self.kb.factors, self.kb.not_known_label)}

    def result(self, explanation: Explanation, profile: Profile,
               reader: Reader = SELF) -> str:
        """The explanation: the same content as the command line, and the handout in print.
        ``reader`` rewords its questions, labels and disclaimer for a caregiver."""
        explanation = reader.explanation(explanation)
        document: Document = page_order(build_document(explanation, "patient"), explanation)
        what_if = self._what_if(profile, reader)
        return self._render("result.html", document=document, explanation=explanation,
                            say=reader.say, disclaimer=explanation.disclaimer,
                            not_known=self.kb.not_known_label,
                            collapsed=COLLAPSED,
                            question_groups=_question_groups(explanation, reader),
                            what_if=what_if, answers=what_if["hidden"])

    def comparison(self, comparison: Comparison, before: Profile, after: Profile,
                   reader: Reader = SELF) -> str:
        """What changes with a what-if, with ways back to either full explanation."""
        document = build_comparison_document(comparison, "patient")
        what_if = self._what_if(before, reader)
        return self._render("comparison.html", document=document, comparison=comparison,
                            say=reader.say, disclaimer=reader.say(self.kb.disclaimer.disclaimer),
                            what_if=what_if, answers=what_if["hidden"],
                            after_fields=self._hidden(after, reader))

    def error(self, title: str, message: str) -> str:
        """A short error page (404, 405, 413, ...)."""
        return self._render("error.html", title=title, message=message)

    def docs(self, openapi: Mapping[str, Any], examples: Mapping[str, str]) -> str:
        """The API's documentation, drawn from its OpenAPI description (no script, no CDN)."""
        return self._render("docs.html", openapi=openapi, examples=examples)
