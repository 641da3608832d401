"""Checks of a translation layer (``knowledge/<lang>/*.yaml``, see :mod:`explainer.kb.translation`),
run by ``explainer lint --lang es``.

* **complete**: every English statement, phrase and label has its translation, and no
  translated id is an orphan (an id the English no longer has);
* **current**: a translation whose ``en_hash`` no longer matches the English is stale (shown,
  but counted as a draft until someone re-checks it);
* **faithful in form**: the same ``{placeholders}``; the glossary terms the English uses are
  used in the translation too (so the same words get explained); lists (the words a person may
  type for a value) are lists; no typed word names two values of one factor;
* **plain**: reading ease by Fernández-Huerta (textstat 0.7.8, offline, its Spanish syllable
  counts from Pyphen). It is a measure of passages, so it is applied to the five reference
  profiles' whole explanations in Spanish (70 or more, "bastante fácil", is required), and to
  long strings only as a warning below 60 (a single sentence of a few words swings too much
  to be judged alone);
* **non-directive**: Spanish directive wording is refused ("usted debe", "tiene que", "el mejor
  tratamiento", "le recomendamos", "cura garantizada", "debería"...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from explainer.errors import KnowledgeBaseError
from explainer.kb.overlay import translate
from explainer.kb.review_meta import slug
from explainer.kb.reviews import normalise
from explainer.kb.translation import (
    LAYER_IDS,
    NOTICE_ID,
    Layer,
    english_texts,
    is_stale,
    optional_ids,
    placeholders,
    read_layer,
)
from explainer.kb.yamlio import line_for
from explainer.lint.base import LintContext, LintIssue, Severity, Validator

MIN_PROFILE_EASE = 70.0
"""Fernández-Huerta reading ease required of each reference profile's explanation."""
MIN_STRING_EASE = 60.0
"""Below this, a long string is reported (a warning)."""
LONG_STRING_WORDS = 15
"""Strings shorter than this are not scored alone."""

DIRECTIVE_ES: tuple[tuple[str, str, str], ...] = (
    (r"\busted debe\b|\bdebe usted\b|\bdebe (?:hacer|tomar|elegir|pedir|empezar)\b",
     "tells the person what they must do", "use \"se suele hablar de\" or \"pregunte a su "
     "médico\""),
    (r"\btienen? que\b(?! ver\b)", "tells the person what they have to do",
     "say what is often discussed, and that their doctor can say more"),
    (r"\bdeber[ií]a(?:n|s)?\b", "tells the person what they should do",
     "use \"puede preguntar\" or \"a menudo se habla de\""),
    (r"\b(?:el|la|los|las) mejor(?:es)? (?:tratamiento|opci[oó]n|terapia)s?\b",
     "ranks a treatment as best", "say when a treatment is often discussed, not that it is best"),
    (r"\ble recomend(?:amos|amos|o)\b|\brecomendad[oa]s? para usted\b|\ble aconsejamos\b",
     "recommends a treatment to the person", "describe what is often discussed instead"),
    (r"\bcura garantizada\b|\bgarantiz\w*\b", "promises an outcome",
     "no treatment comes with a guarantee: say what it aims to do"),
    (r"\b(?:le )?curar[aá]n?\b", "promises a cure", "say what the treatment aims to do"),
    (r"\busted necesita\b|\bnecesita usted\b", "tells the person what they need",
     "say what is often discussed, and that their doctor can say more"),
)
"""(pattern, what is wrong, how to say it instead): Spanish wording a translation must not use."""
_DIRECTIVE = [(re.compile(pattern, re.IGNORECASE), problem, hint)
              for pattern, problem, hint in DIRECTIVE_ES]


def layer_texts(kb: Any) -> dict[str, str]:
    """Every id a translation must give, with its English: the knowledge base's statements,
    phrases and labels, and the teaching scenarios' texts."""
    from explainer.kb.scenarios import scenario_texts

    return {**english_texts(kb), **scenario_texts(kb)}


def fernandez_huerta(text: str, lang: str = "es") -> float:
    """Fernández-Huerta reading ease of ``text`` (textstat 0.7.8's formula and syllables).

    textstat's backend takes the language as an argument: the module-level
    ``textstat.set_lang("es")`` would switch the English grades of the other validators too."""
    from textstat.backend import metrics

    return round(float(metrics.fernandez_huerta(text, lang)), 1)


def _term_pattern(spellings: Any) -> re.Pattern[str]:
    ordered = sorted(spellings, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(item) for item in ordered)
                      + r")(?![\w-])", re.IGNORECASE)


class _Checker:
    """The checks of one layer against the English knowledge base."""

    def __init__(self, context: LintContext, layer: Layer) -> None:
        self.context = context
        self.layer = layer
        self.kb = context.knowledge
        self.english = layer_texts(self.kb)
        self.optional = optional_ids(self.kb)
        self.name = TranslationValidator.name
        # Each glossary term: its key, its English spellings, its translated spellings.
        self.terms = [
            (key, _term_pattern((term.term, *term.aliases)),
             _term_pattern((layer.text(f"glossary:{key}/term") or term.term,
                            *layer.words(f"glossary:{key}/aliases"))))
            for term in self.kb.glossary for key in [slug(term.term)]]

    def issue(self, severity: Severity, ident: str | None, message: str, hint: str,
              path: Path | None = None) -> LintIssue:
        path = path or (self.layer.files.get(ident) if ident else None)
        line = None
        if path is not None and ident is not None:
            line = line_for(self.layer.raw.get(path), ("strings", ident))
        where = path or self.context.root / "knowledge" / self.layer.lang
        return LintIssue(self.name, severity, where, line, message, hint)

    def check(self) -> Iterator[LintIssue]:
        lang = self.layer.lang
        strings = self.layer.strings
        missing = [ident for ident in self.english if ident not in strings]
        for ident in missing:
            yield self.issue(Severity.WARNING, None,
                             f"missing translation ({lang}): {ident}: "
                             f"\"{_short(self.english[ident])}\"",
                             f"add '{ident}' with its {lang} text, en_hash and state to a file "
                             f"of knowledge/{lang}/")
        if NOTICE_ID not in strings:
            yield self.issue(Severity.ERROR, None, f"the {lang} layer has no status line "
                             f"({NOTICE_ID})", "add it: it says the translation has not been "
                             "reviewed by a professional")
        for ident, item in strings.items():
            english = self.english.get(ident)
            if english is None and ident not in self.optional:
                yield self.issue(Severity.WARNING, ident, f"orphan translation: '{ident}' "
                                 "is not an id of the English knowledge base",
                                 "remove it, or correct the id (see the review packet's ids)")
                continue
            is_list = ident.endswith("/aliases")
            if is_list != isinstance(item.es, tuple):
                yield self.issue(Severity.ERROR, ident, f"'{ident}' should be "
                                 + ("a list of words" if is_list else "one text"),
                                 "write es: [word, word]" if is_list else "write es: >- text")
                continue
            if english is None or is_list or ident in LAYER_IDS:
                continue
            assert isinstance(item.es, str)
            yield from self._one(ident, item.es, english, is_stale(item, english))
        yield from self._aliases()

    def _one(self, ident: str, text: str, english: str, stale: bool) -> Iterator[LintIssue]:
        if stale:
            yield self.issue(Severity.WARNING, ident, f"stale translation: the English of "
                             f"'{ident}' changed since it was translated (now: "
                             f"\"{_short(english)}\")", "check the translation against the "
                             "new English, then set en_hash to the new hash "
                             "(explainer.kb.reviews.text_hash); it counts as a draft until then")
        if placeholders(text) != placeholders(english):
            yield self.issue(Severity.ERROR, ident, f"'{ident}': placeholders differ: "
                             f"{sorted(set(placeholders(english)))} in English, "
                             f"{sorted(set(placeholders(text)))} here (shown in English "
                             "until fixed)",
                             "keep every {name} of the English exactly as written")
        for pattern, problem, hint in _DIRECTIVE:
            found = pattern.search(text)
            if found:
                yield self.issue(Severity.ERROR, ident, f"'{ident}': directive wording "
                                 f"\"{found.group(0)}\" {problem}", hint)
        if ident.startswith("phrase:api_docs."):
            return
        words = len(normalise(text).split())
        if words >= LONG_STRING_WORDS:
            ease = fernandez_huerta(text, self.layer.lang)
            if ease < MIN_STRING_EASE:
                yield self.issue(Severity.WARNING, ident, f"'{ident}': hard to read "
                                 f"(Fernández-Huerta {ease:g}, below {MIN_STRING_EASE:g})",
                                 "use shorter sentences and shorter words")
        yield from self._terms(ident, text, english)

    def _terms(self, ident: str, text: str, english: str) -> Iterator[LintIssue]:
        """The glossary terms the English uses are used in the translation too."""
        if ident.startswith("glossary:"):
            return
        for key, in_english, in_translation in self.terms:
            if in_english.search(english) and not in_translation.search(text):
                term = self.layer.text(f"glossary:{key}/term") or key
                yield self.issue(Severity.WARNING, ident, f"'{ident}': the English uses the "
                                 f"glossary term '{key}', the translation does not use "
                                 f"'{term}' (or one of its spellings)",
                                 "use the term, so that its meaning is explained, or add the "
                                 f"word used to glossary:{key}/aliases")

    def _aliases(self) -> Iterator[LintIssue]:
        """No word typed for a value may name two values of one factor."""
        for factor in self.kb.factors.values():
            seen: dict[str, str] = {}
            for value in factor.values:
                ident = f"factor:{factor.id}/value.{value.id}/aliases"
                for word in (value.id, *value.aliases, *self.layer.words(ident)):
                    key = re.sub(r"[\s_\-'’.]+", "", word.strip().lower())
                    if key in seen and seen[key] != value.id:
                        yield self.issue(Severity.ERROR, ident, f"'{word}' names both "
                                         f"'{seen[key]}' and '{value.id}' of {factor.id}",
                                         "remove it from one of the two")
                    seen.setdefault(key, value.id)


def _short(text: str, limit: int = 70) -> str:
    text = normalise(text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def profile_ease(kb: Any, layer: Layer) -> dict[str, float]:
    """Fernández-Huerta reading ease of the five reference profiles' explanations in the
    layer's language (the running text a reader reads, as the English grades measure it)."""
    from explainer.engine.oracle import oracle_fired
    from explainer.explanation.compose import Composer
    from explainer.kb.interface import using
    from explainer.kb.profiles import parse_profile, to_fact
    from explainer.lint.reading import REPRESENTATIVE_PROFILES, explanation_prose
    from explainer.render.layout import build_document

    translated = translate(kb, layer)
    composer = Composer(translated)
    found = {}
    with using(translated.interface):
        for name, data in REPRESENTATIVE_PROFILES.items():
            profile = parse_profile(data, translated.factors)
            explanation = composer.compose(profile, oracle_fired(
                translated, to_fact(profile, translated.factors)))
            prose = explanation_prose(build_document(explanation))
            found[name] = fernandez_huerta(" ".join(prose), layer.lang)
    return found


class TranslationValidator(
        Validator, name="translation", needs_kb=True,
        concern="a translation (lint --lang es): missing, orphan or stale strings, "
                "placeholders, glossary terms, Fernández-Huerta reading ease, directive "
                "wording"):
    """Each translation asked for (``explainer lint --lang es``) is complete, current,
    faithful in form, plain and non-directive."""

    def check(self, context: LintContext) -> Iterator[LintIssue]:
        for lang in context.options.languages:
            try:
                layer = read_layer(context.root, lang)
            except KnowledgeBaseError as error:
                for problem in error.issues:
                    yield LintIssue(self.name, Severity.ERROR, problem.path, problem.line,
                                    problem.message, problem.hint)
                continue
            yield from _Checker(context, layer).check()
            for name, ease in profile_ease(context.knowledge, layer).items():
                if ease < MIN_PROFILE_EASE:
                    yield LintIssue(self.name, Severity.WARNING,
                                    context.root / "knowledge" / lang, None,
                                    f"the {lang} explanation of profile '{name}' is hard to "
                                    f"read: Fernández-Huerta {ease:g}, below "
                                    f"{MIN_PROFILE_EASE:g}",
                                    "shorten the longest sentences and words it shows")


def layer_summary(context: LintContext, lang: str) -> Mapping[str, Any]:
    """Numbers for a report: strings translated, of how many, stale, and profile ease."""
    kb = context.knowledge
    layer = read_layer(context.root, lang)
    english = layer_texts(kb)
    translated = [ident for ident in english if ident in layer.strings]
    stale = [ident for ident in translated if is_stale(layer.strings[ident], english[ident])]
    return {"language": lang, "strings": len(english), "translated": len(translated),
            "stale": len(stale), "profile_ease": profile_ease(kb, layer)}
