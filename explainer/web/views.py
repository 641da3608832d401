"""The HTML pages, drawn with Jinja2 (autoescaped) from the layout every format shares.

What a result page says comes from :func:`explainer.render.document.build_document` (and a
what-if page from :func:`explainer.render.compare.build_comparison_document`), so the page says
exactly what the command line says; the templates only decide how it looks. The content uses the
printable handout's stylesheet (:data:`explainer.render.style.STYLE`, served as
``/static/handout.css``), so printing the page gives the handout.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from explainer.explanation.compare import Comparison
from explainer.explanation.models import QUESTION_TOPICS, Explanation
from explainer.explanation.report.model import ReportReading
from explainer.kb.knowledge import KnowledgeBase
from explainer.kb.profiles import Profile
from explainer.render import html as handout
from explainer.render.compare import build_comparison_document
from explainer.render.document import Document, Marks, TermMark, apply_marks
from explainer.render.layout import build_document
from explainer.web.forms import (
    KNOWN_SUFFIX,
    REPORT_FIELD_PREFIX,
    WHAT_IF_FIELD,
    FieldState,
    field_states,
    hidden_fields,
    what_if_options,
)

# Every fixed phrase the web page adds, in one place (like document.TEXT and html.TEXT), so
# that it can be checked for plain, non-directive wording.
TEXT = {
    "site": "Breast cancer treatment explainer",
    "skip": "Skip to the main content",
    "important": "Important",
    "start_title": "Explore breast cancer treatment options",
    "start_intro": "Answer what you know. For anything you are not sure about, choose \"I "
                   "don't know\": nothing is guessed. The page then shows which kinds of "
                   "treatment often come up for those answers, and why.",
    "privacy": "What you enter stays on this computer. It is not saved, and it is not sent "
               "anywhere else.",
    "dont_know": "I don't know",
    "age_known": "I know it:",
    "number_label": "{label}, a whole number from {min} to {max}",
    "number_help": "Type it in the box, or choose \"I don't know\".",
    "pick_any": "Pick any that apply.",
    "submit": "Show the explanation",
    "errors_title": "Please check your answers",
    "errors_intro": "The explanation was not shown, because:",
    "result_intro": "You can print this page and take it to your next visit. The printout "
                    "leaves out the buttons.",
    "print": "Print this page",
    "print_hint": "To print it, use your browser's Print command (Ctrl+P, or Command+P on a "
                  "Mac).",
    "change": "Change my answers",
    "what_if_title": "What if something were different?",
    "what_if_intro": "Pick one answer to change. The page then shows what would change, and "
                     "why.",
    "what_if_label": "Change one answer",
    "what_if_submit": "Show what changes",
    "what_if_again": "Try another change",
    "what_if_full": "Show the full explanation with this change",
    "what_if_back": "Back to the explanation as entered",
    "term_link": "Meaning of \"{term}\" (word {number} in the list of words used)",
    "back_to_text": "Back to the text",
    "docs_title": "The JSON API",
    "docs_intro": "Other programs can ask this server for explanations as JSON. Every answer "
                  "is education, not medical advice. The machine-readable description is at",
    "request_body": "Request body",
    "responses": "Responses",
    "example": "Example",
    "error_home": "Go to the start page",
    "report_title": "From my report",
    "report_intro": "Have your pathology report? Paste its words here, such as \"ER 95%, HER2 "
                    "IHC 2+, pT2 N1 M0\". The page reads them, fills in the answers it can, and "
                    "says what each item means. Nothing is saved or sent anywhere.",
    "report_label": "The words of your report",
    "report_submit": "Read my report",
    "report_empty": "Paste some words from your report first.",
    "report_filled": "Answers filled in from your report: {names}. Check them, change any, "
                     "then show the explanation.",
    "report_none": "No answers could be filled in from these words. What was read is shown "
                   "beside the form.",
    "report_words": "Words read",
}

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


def _question_groups(explanation: Explanation) -> list[tuple[str, list[str]]]:
    """The questions for the doctor by topic, as the handout groups them."""
    groups = []
    for topic in QUESTION_TOPICS:
        chosen = [question.text for question in explanation.questions if question.topic == topic]
        if chosen:
            groups.append((handout.TEXT[f"topic_{topic}"], chosen))
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
        self.env.filters["inline_code"] = inline_code
        self.env.globals.update(text=TEXT, handout=handout.TEXT, lang=handout.LANG,
                                known_suffix=KNOWN_SUFFIX, what_if_field=WHAT_IF_FIELD,
                                disclaimer=kb.disclaimer.disclaimer)

    def _render(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context)

    def start(self, data: Mapping[str, Any] | None = None,
              errors: Sequence[tuple[str, str]] = (), *, report: ReportReading | None = None,
              report_text: str = "", from_report: Mapping[str, str] | None = None) -> str:
        """The form, empty or filled with ``data``; ``errors`` are (factor id, message).

        With ``report`` (a reading of the words in ``report_text``), its findings are shown
        beside the form, and ``from_report`` (factor: value filled in from it) is carried to the
        result page, which marks those answers as read from the report."""
        states: dict[str, FieldState] = field_states(data, self.kb.factors)
        filled = dict(from_report or {})
        names = ", ".join(self.kb.factors[factor].label for factor in filled)
        return self._render("start.html", factors=list(self.kb.factors.values()),
                            states=states, errors=list(errors),
                            error_fields={field for field, _ in errors},
                            report=report, report_text=report_text, from_report=filled,
                            report_names=names, report_prefix=REPORT_FIELD_PREFIX,
                            phrase=self.kb.report.phrase)

    def _what_if(self, profile: Profile) -> dict[str, Any]:
        return {"hidden": hidden_fields(profile, self.kb.factors),
                "groups": what_if_options(profile, self.kb.factors, self.kb.not_known_label)}

    def result(self, explanation: Explanation, profile: Profile) -> str:
        """The explanation: the same content as the command line, and the handout in print."""
        document: Document = build_document(explanation, "patient")
        return self._render("result.html", document=document, explanation=explanation,
                            question_groups=_question_groups(explanation),
                            what_if=self._what_if(profile))

    def comparison(self, comparison: Comparison, before: Profile, after: Profile) -> str:
        """What changes with a what-if, with ways back to either full explanation."""
        document = build_comparison_document(comparison, "patient")
        return self._render("comparison.html", document=document, comparison=comparison,
                            what_if=self._what_if(before),
                            after_fields=hidden_fields(after, self.kb.factors))

    def error(self, title: str, message: str) -> str:
        """A short error page (404, 405, 413, ...)."""
        return self._render("error.html", title=title, message=message)

    def docs(self, openapi: Mapping[str, Any], examples: Mapping[str, str]) -> str:
        """The API's documentation, drawn from its OpenAPI description (no script, no CDN)."""
        return self._render("docs.html", openapi=openapi, examples=examples)
