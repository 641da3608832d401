"""The interface's fixed phrases (``knowledge/interface.yaml``): every word the program adds
around the knowledge base's own texts, grouped by screen.

They are loaded and validated with the knowledge base (a missing or unknown phrase is a load
error with ``file:line``, see :func:`check_phrases`), checked by ``explainer lint`` like the
content, and listed in the clinician review packet. Code reads them through
:func:`explainer.kb.phrases.phrases`, a mapping per screen that follows the most recently loaded
knowledge base (a process serves one knowledge base: the bundled one, or the copy named with
``--knowledge``).

The keys each screen must have are listed in :data:`PHRASE_KEYS`, one per line: to add a phrase,
add its key here and its text to the YAML file. (They are plain tuples rather than one pydantic
field per phrase: some 170 fields would cost every command tens of milliseconds at import.)
"""

# No `from __future__ import annotations`: pydantic would then evaluate each field's
# annotation from its text when a class is made, a few ms of every start (docs/performance.md).

import contextlib
import contextvars
from collections.abc import Iterator, Mapping
from typing import Any, Literal

from explainer.kb.base import Frozen, Text

Screen = Literal["document", "brief", "handout", "web", "compare", "demo", "interview",
                 "api_docs"]
SCREENS: tuple[Screen, ...] = ("document", "brief", "handout", "web", "compare", "demo",
                               "interview", "api_docs")
DEVELOPER_SCREENS: tuple[Screen, ...] = ("api_docs",)
"""Screens read by programmers, not patients: their wording is linted, not their reading level
or terms of art."""

PHRASE_KEYS: dict[Screen, tuple[str, ...]] = {
    # The explanation itself, in every format (text, Markdown, rich, the handout).
    "document": (
        "title",
        "often_discussed",
        "may_be_discussed",
        "needs_more_information",
        "less_likely",
        "entered",
        "entered_intro",
        "factor",
        "value",
        "glance",
        "glance_intro",
        "glance_relevance",
        "glance_treatments",
        "no_kind_likely",
        "kinds_often_discussed",
        "kinds_may_be_discussed",
        "kinds_needs_more_information",
        "unknown",
        "unknown_intro",
        "could_change",
        "you_could_ask",
        "stage_meaning",
        "stage_meaning_intro",
        "support",
        "notes",
        "note",
        "questions",
        "care_team",
        "glossary",
        "sources",
        "based_on",
        "source_date",
        "guides",
        "version",
        "not_reviewed",
        "reviewed_some",
        "review_states",
        "drafts_title",
        "drafts_top",
        "drafts_listed",
        "individual",
        "local",
        "systemic",
        "supportive",
        "research",
        "from_report",
        "from_report_intro",
        "cite_section",
        "cite_refs",
        "list_and",
        "list_or",
    ),
    # The short view: In short, Start here, the brief handout.
    "brief": (
        "in_short",
        "start_here",
        "stage_unknown",
        "first_questions",
        "one",
        "two",
        "three",
        "time_to_decide",
        "entered",
        "entered_line",
        "from_report_line",
        "entered_none",
        "not_entered",
        "why",
        "why_kind",
        "unknown",
        "could_change",
        "ask",
        "questions",
        "more",
        "more_text",
        "waiting",
        "sometimes",
        "many",
        "sources",
        "source_note",
        "source_publisher",
        "version",
        "supportive",
    ),
    # What the printable HTML handout adds around the explanation.
    "handout": (
        "important",
        "why",
        "note",
        "source",
        "trace",
        "subtitle",
        "questions_intro",
        "from",
        "topic_unknown",
        "topic_concern",
        "topic_treatment",
        "topic_general",
        "sources_list",
        "my_notes",
        "footer",
        "page",
        "of",
    ),
    # The local web page: the form, the result page, the what-if page, the API docs.
    "web": (
        "site",
        "skip",
        "other_language",
        "language_nav",
        "important",
        "start_title",
        "start_intro",
        "privacy",
        "dont_know",
        "age_known",
        "number_label",
        "number_help",
        "pick_any",
        "submit",
        "errors_title",
        "errors_intro",
        "result_intro",
        "print",
        "print_hint",
        "change",
        "what_if_title",
        "what_if_intro",
        "reader_title",
        "reader_self",
        "reader_caregiver",
        "reader_hint",
        "what_if_label",
        "what_if_choose",
        "what_if_submit",
        "what_if_again",
        "what_if_full",
        "what_if_back",
        "term_link",
        "back_to_text",
        "error_home",
        "report_title",
        "report_intro",
        "report_label",
        "report_submit",
        "report_empty",
        "report_unavailable",
        "report_filled",
        "report_none",
        "report_words",
    ),
    # A comparison of two sets of factors (explainer compare, --what-if).
    "compare": (
        "unchanged_names",
        "unchanged_kinds",
        "unchanged_only_kinds",
        "nothing_unchanged",
        "what_if",
        "as_entered",
        "and",
        "title",
        "what_if_title",
        "factors",
        "factors_intro",
        "factors_same",
        "factor",
        "sides",
        "follows_kinds",
        "changes",
        "changes_intro",
        "no_changes",
        "kind_of",
        "reasons_changed",
        "reasons_changed_intro",
        "unchanged",
        "questions_added",
        "questions_removed",
        "sources",
        "version",
        "individual",
        "side",
        "trace",
    ),
    # The teaching scenarios and the guided walkthrough (explainer demo).
    "demo": (
        "list_title",
        "list_intro",
        "scenario",
        "teaching_point",
        "ask_the_room",
        "tour_title",
        "tour_intro",
        "labels",
        "keys_pause",
        "keys_no_pause",
        "step",
        "entered",
        "glance",
        "changed_from",
        "no_change",
        "same_but",
        "why_now",
        "new_question",
        "more_changes",
        "more",
        "end_title",
        "end_text",
        "pause",
        "stopped",
        "ended",
        "walkthrough_formats",
    ),
    # The question-by-question interview (explainer interview).
    "interview": (
        "title",
        "intro",
        "keys",
        "question",
        "why_we_ask",
        "dont_know",
        "back",
        "multi_hint",
        "number_hint",
        "prompt",
        "keep",
        "first",
        "not_understood",
        "not_understood_number",
        "summary",
        "summary_hint",
        "summary_bad",
        "more",
        "handout",
        "saved",
        "stopped",
        "ended",
        "report_ask",
        "report_intro",
        "report_her2",
        "report_her2_help",
        "report_her2_0",
        "report_her2_0plus",
        "report_ish",
        "report_ish_help",
        "report_ish_amplified",
        "report_ish_not_amplified",
        "report_er",
        "report_pr",
        "report_receptor_help",
        "report_tnm",
        "report_tnm_help",
        "report_read",
        "report_not_understood",
        "report_conflict",
        "report_filled",
        "report_none",
        "from_report",
        "reader_ask",
        "reader_self",
        "reader_caregiver",
        "reader_bad",
        "listing_core",
        "listing_number",
    ),
    # The API's documentation page (/docs), for programmers.
    "api_docs": (
        "title",
        "intro",
        "request_body",
        "responses",
        "example",
    ),
}


class InterfaceFile(Frozen):
    """``knowledge/interface.yaml``: the phrases of every screen, by key (the keys are checked
    against :data:`PHRASE_KEYS` by :func:`check_phrases` when the knowledge base is built)."""

    document: dict[str, Text]
    brief: dict[str, Text]
    handout: dict[str, Text]
    web: dict[str, Text]
    compare: dict[str, Text]
    demo: dict[str, Text]
    interview: dict[str, Text]
    api_docs: dict[str, Text]
    language: Literal["en", "es"] = "en"
    """The language of the phrases: set by a translation layer (see
    :mod:`explainer.kb.translation`), never written in interface.yaml."""

    def texts(self, screen: Screen) -> dict[str, str]:
        """The phrases of ``screen`` by their key in the YAML file."""
        found: dict[str, str] = getattr(self, screen)
        return found


def check_phrases(raw: Any) -> Iterator[tuple[tuple[Any, ...], str, str]]:
    """Problems with the keys of a parsed interface.yaml: (location in the file, message, fix)
    for every unknown key (with the likely one meant) and every missing one."""
    if not isinstance(raw, Mapping):
        return
    for screen in SCREENS:
        table = raw.get(screen)
        if not isinstance(table, Mapping):
            continue
        expected = PHRASE_KEYS[screen]
        for key in table:
            if key not in expected:
                import difflib  # only for a mistake, when the knowledge base is built

                near = difflib.get_close_matches(str(key), expected, n=1)
                yield ((screen, key), f"{screen}: unknown phrase '{key}'",
                       f"did you mean '{near[0]}'?" if near else
                       "remove it, or add its key to PHRASE_KEYS in explainer/kb/interface.py")
        for key in expected:
            if key not in table:
                yield ((screen,), f"{screen}: the phrase '{key}' is missing",
                       f"add '{key}:' with its text under '{screen}:'")


_active: InterfaceFile | None = None
_scoped: contextvars.ContextVar[InterfaceFile | None] = contextvars.ContextVar(
    "explainer_phrases", default=None)


def use(interface: InterfaceFile) -> None:
    """Make ``interface`` the one :func:`explainer.kb.phrases.phrases` reads (every
    knowledge-base load does)."""
    global _active
    _active = interface


@contextlib.contextmanager
def using(interface: InterfaceFile) -> Iterator[None]:
    """Within the block, and only in this thread or task, read the phrases of ``interface``
    (for example one language's): a server answering in several languages at once wraps each
    request in it, so that one request's language never leaks into another's."""
    token = _scoped.set(interface)
    try:
        yield
    finally:
        _scoped.reset(token)


def current() -> InterfaceFile | None:
    """The phrases of the innermost :func:`using` block, else those set by the last
    :func:`use` (None before any knowledge base is loaded)."""
    scoped = _scoped.get()
    return scoped if scoped is not None else _active
