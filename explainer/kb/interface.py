"""The interface's fixed phrases (``knowledge/interface.yaml``): every word the program adds
around the knowledge base's own texts, grouped by screen.

They are loaded and validated with the knowledge base (a missing or unknown phrase is a load
error with ``file:line``), checked by ``explainer lint`` like the content, and listed in the
clinician review packet. Code reads them through :func:`explainer.kb.phrases.phrases`, a
mapping per screen that follows the most recently loaded knowledge base (a process serves one
knowledge base: the bundled one, or the copy named with ``--knowledge``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from explainer.kb.models import Frozen, Text

Screen = Literal["document", "handout", "web", "compare", "demo", "interview", "api_docs"]
SCREENS: tuple[Screen, ...] = ("document", "handout", "web", "compare", "demo", "interview",
                               "api_docs")
DEVELOPER_SCREENS: tuple[Screen, ...] = ("api_docs",)
"""Screens read by programmers, not patients: their wording is linted, not their reading level
or terms of art."""


class Phrases(Frozen):
    """The phrases of one screen: one field per phrase, every one required."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True,
                              populate_by_name=True)


class DocumentPhrases(Phrases):
    """The explanation itself, in every format (text, Markdown, rich, the handout)."""

    title: Text
    often_discussed: Text
    may_be_discussed: Text
    needs_more_information: Text
    less_likely: Text
    entered: Text
    entered_intro: Text
    factor: Text
    value: Text
    glance: Text
    glance_intro: Text
    glance_relevance: Text
    glance_treatments: Text
    no_kind_likely: Text
    kinds_often_discussed: Text
    kinds_may_be_discussed: Text
    kinds_needs_more_information: Text
    unknown: Text
    unknown_intro: Text
    could_change: Text
    you_could_ask: Text
    notes: Text
    note: Text
    questions: Text
    care_team: Text
    glossary: Text
    sources: Text
    based_on: Text
    reviewed_by: Text
    last_reviewed: Text
    guides: Text
    version: Text
    drafts: Text
    drafts_listed: Text
    individual: Text
    local: Text
    systemic: Text
    supportive: Text
    research: Text


class HandoutPhrases(Phrases):
    """What the printable HTML handout adds around the explanation."""

    important: Text
    why: Text
    note: Text
    source: Text
    trace: Text
    subtitle: Text
    questions_intro: Text
    from_: Text = Field(alias="from")
    topic_unknown: Text
    topic_concern: Text
    topic_treatment: Text
    topic_general: Text
    sources_list: Text
    reviewed: Text
    last_reviewed: Text
    my_notes: Text
    footer: Text
    page: Text
    of: Text


class WebPhrases(Phrases):
    """The local web page: the form, the result page, the what-if page, the API docs."""

    site: Text
    skip: Text
    important: Text
    start_title: Text
    start_intro: Text
    privacy: Text
    dont_know: Text
    age_known: Text
    number_label: Text
    number_help: Text
    pick_any: Text
    submit: Text
    errors_title: Text
    errors_intro: Text
    result_intro: Text
    print: Text
    print_hint: Text
    change: Text
    what_if_title: Text
    what_if_intro: Text
    what_if_label: Text
    what_if_submit: Text
    what_if_again: Text
    what_if_full: Text
    what_if_back: Text
    term_link: Text
    back_to_text: Text
    error_home: Text


class ComparePhrases(Phrases):
    """A comparison of two sets of factors (explainer compare, --what-if)."""

    unchanged_names: Text
    unchanged_kinds: Text
    unchanged_only_kinds: Text
    nothing_unchanged: Text
    what_if: Text
    as_entered: Text
    and_: Text = Field(alias="and")
    title: Text
    what_if_title: Text
    factors: Text
    factors_intro: Text
    factors_same: Text
    factor: Text
    sides: Text
    follows_kinds: Text
    changes: Text
    changes_intro: Text
    no_changes: Text
    kind_of: Text
    reasons_changed: Text
    reasons_changed_intro: Text
    unchanged: Text
    questions_added: Text
    questions_removed: Text
    sources: Text
    version: Text
    individual: Text
    side: Text
    trace: Text


class DemoPhrases(Phrases):
    """The teaching scenarios and the guided walkthrough (explainer demo)."""

    list_title: Text
    list_intro: Text
    scenario: Text
    teaching_point: Text
    ask_the_room: Text
    tour_title: Text
    tour_intro: Text
    labels: Text
    keys_pause: Text
    keys_no_pause: Text
    step: Text
    entered: Text
    glance: Text
    changed_from: Text
    no_change: Text
    same_but: Text
    why_now: Text
    new_question: Text
    more: Text
    end_title: Text
    end_text: Text
    pause: Text
    stopped: Text
    ended: Text
    walkthrough_formats: Text


class InterviewPhrases(Phrases):
    """The question-by-question interview (explainer interview)."""

    title: Text
    intro: Text
    keys: Text
    question: Text
    why_we_ask: Text
    dont_know: Text
    back: Text
    multi_hint: Text
    number_hint: Text
    prompt: Text
    keep: Text
    first: Text
    not_understood: Text
    not_understood_number: Text
    summary: Text
    summary_hint: Text
    summary_bad: Text
    handout: Text
    saved: Text
    stopped: Text
    ended: Text


class ApiDocsPhrases(Phrases):
    """The API's documentation page (/docs), for programmers."""

    title: Text
    intro: Text
    request_body: Text
    responses: Text
    example: Text


class InterfaceFile(Frozen):
    """``knowledge/interface.yaml``: the phrases of every screen."""

    document: DocumentPhrases
    handout: HandoutPhrases
    web: WebPhrases
    compare: ComparePhrases
    demo: DemoPhrases
    interview: InterviewPhrases
    api_docs: ApiDocsPhrases

    def texts(self, screen: Screen) -> dict[str, str]:
        """The phrases of ``screen`` by their key in the YAML file."""
        phrases: Phrases = getattr(self, screen)
        return phrases.model_dump(by_alias=True)


_active: InterfaceFile | None = None


def use(interface: InterfaceFile) -> None:
    """Make ``interface`` the one :func:`explainer.kb.phrases.phrases` reads (every
    knowledge-base load does)."""
    global _active
    _active = interface


def current() -> InterfaceFile | None:
    """The phrases set by the last :func:`use` (None before any knowledge base is loaded)."""
    return _active
