"""Directive or diagnostic wording in patient-facing text, with a non-directive rewording.

The tool explains; it never tells a person what to do, promises a result, names a dose or a
schedule, or says what someone has. Each pattern below names what is wrong and offers wording
in the project's voice ("is often discussed", "your doctor can tell you").

Care is taken not to flag what is fine: "your doctor can tell you", a question in the reader's
own voice ("Could I talk with ...?", "Should I ...?"), "daily life", and negated phrases such as
"does not say which treatment is right for you".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from explainer.lint.base import LintContext, LintIssue, Severity, Validator

_NUMBER = (r"(?:\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
           r"a few|several)")
_NEGATION = re.compile(r"\b(?:not|never|no|cannot|can't|don't|doesn't|won't|nor|without)\b"
                       r"[^.;:!?]*$", re.IGNORECASE)


@dataclass(frozen=True)
class WordingRule:
    """A phrase to avoid, why, and what to say instead."""

    id: str
    pattern: re.Pattern[str]
    problem: str
    instead: str
    negatable: bool = False
    """A negation before it in the same clause makes it fine ("does not guarantee")."""
    severity: Severity = Severity.ERROR


def _rule(rule_id: str, pattern: str, problem: str, instead: str, *, negatable: bool = False,
          severity: Severity = Severity.ERROR) -> WordingRule:
    return WordingRule(rule_id, re.compile(pattern, re.IGNORECASE), problem, instead, negatable,
                       severity)


WORDING_RULES: tuple[WordingRule, ...] = (
    _rule("you-should", r"\byou\s+(?:really\s+)?(?:should|ought to)\b",
          "tells the reader what to do", "'you could ask your doctor whether ...' or 'it may "
          "help to ...'"),
    _rule("you-must", r"\byou\s+(?:must|have to|need to|will need to|are required to)\b",
          "tells the reader what they must do",
          "'your care team can tell you whether ...' or '... is often part of care'"),
    _rule("you-need", r"\byou\s+(?:will\s+)?need\s+(?:a|an|the|some|more|surgery|chemo\w*|"
                      r"radiation|treatment|therapy)\b",
          "says what the reader needs", "'... is often discussed' or 'ask whether ... could "
          "fit'"),
    _rule("best", r"\b(?:the\s+)?best\s+(?:treatment|option|choice|therapy|course|plan|"
                  r"approach|drug|medicine)s?\b|\bis\s+(?:the\s+)?best\b",
          "ranks a treatment for the reader", "'an option that is often discussed' or 'one of "
          "the options'", negatable=True),
    _rule("recommended", r"\b(?:recommended|advised)\s+for\s+you\b|\bwe\s+(?:recommend|advise|"
                         r"suggest)\b|\bis\s+(?:recommended|advised)\b|\bI\s+recommend\b",
          "recommends a treatment", "'is often discussed' or 'may be an option to ask about'",
          negatable=True),
    _rule("right-for-you", r"\b(?:is|are)\s+(?:the\s+)?right\s+(?:treatment\s+|choice\s+|"
                           r"option\s+)?for\s+you\b",
          "says what is right for the reader", "'could fit your situation; your doctor can "
          "tell you'", negatable=True),
    _rule("cure", r"\b(?:will|can|to|that|which)\s+cure\b|\bcures?\b(?!\s+rate)|\bcured\b|"
                  r"\bcure\s+rate",
          "promises a cure", "'treat', 'control' or 'lower the chance that cancer comes back'",
          negatable=True),
    _rule("guarantee", r"\bguarantee[sd]?\b|\bcertain(?:ly)?\s+to\s+(?:work|help)\b|"
                       r"\b100\s?%\s+(?:effective|safe)\b",
          "promises a result", "'may', 'can' or 'for some people'", negatable=True),
    _rule("will-work", r"\b(?:will|is\s+going\s+to)\s+(?:work|shrink|stop|kill|remove|get\s+rid"
                       r"|eliminate|prevent|save)\b",
          "states a result as certain", "'can' or 'may' ('it can shrink tumors')"),
    _rule("diagnosis", r"\byou\s+(?:have|are\s+suffering\s+from|are\s+diagnosed\s+with)\s+"
                       r"(?:stage|cancer|breast\s+cancer|DCIS|metasta\w*|a\s+tumou?r|"
                       r"HR-|HER2|triple)|\byour\s+cancer\s+is\s+(?:stage|HR-|HER2|triple|"
                       r"metasta\w*|curable|incurable|terminal|aggressive)",
          "states a diagnosis about the reader", "'the cancer was entered as ...' or 'if the "
          "cancer is ...'"),
    _rule("prognosis", r"\bprognosis\b|\bsurvival\s+(?:rate|chance|odds)s?\b|\blife\s+"
                       r"expectancy\b|\b(?:chance|odds)\s+of\s+(?:survival|surviving|dying)\b|"
                       r"\bmonths?\s+to\s+live\b|\bterminal\b",
          "speaks of an outcome or prognosis", "leave outcomes to the care team: 'your doctor "
          "can talk with you about what to expect'"),
    _rule("percent", r"\b\d+(?:\.\d+)?\s?(?:%|percent\b)",
          "gives a statistic the tool cannot tailor", "describe it in words ('some people', "
          "'many people') and leave figures to the care team"),
    _rule("dose", rf"\b{_NUMBER}\s?(?:mg|mcg|µg|milligrams?|micrograms?|grams?|g|ml|mL|"
                  r"millilit(?:er|re)s?|units?|IU|Gy|cGy|grays?|mg/m2|mg/kg)\b",
          "names a dose", "name the kind of treatment only; the care team decides amounts"),
    _rule("dose-word", r"\bdos(?:e|es|age|ages|ing)\b",
          "talks about doses", "leave amounts out ('how much' is for the care team), or say "
          "'how strong the treatment is'", severity=Severity.WARNING),
    _rule("schedule", rf"\b(?:once|twice|{_NUMBER}\s+times)\s+(?:a|per|each|every)\s+"
                      r"(?:day|week|month|year)\b|\bevery\s+(?:other\s+)?(?:"
                      rf"{_NUMBER}\s+)?(?:hours?|days?|weeks?|months?)\b|\b(?:for|over)\s+"
                      rf"{_NUMBER}\s+(?:days?|weeks?|months?|years?)\b|\b(?:taken|given)\s+"
                      r"(?:daily|weekly|monthly)\b|\bin\s+cycles\s+of\b",
          "gives a schedule or a length of treatment",
          "say that it is given over time, and that the care team can explain the plan"),
    _rule("drug-name", r"\b(?:tamoxifen|letrozole|anastrozole|exemestane|fulvestrant|"
                       r"elacestrant|goserelin|leuprolide|trastuzumab|pertuzumab|"
                       r"palbociclib|ribociclib|abemaciclib|olaparib|talazoparib|everolimus|"
                       r"alpelisib|capivasertib|pembrolizumab|atezolizumab|sacituzumab|"
                       r"deruxtecan|doxorubicin|cyclophosphamide|paclitaxel|docetaxel|"
                       r"capecitabine|carboplatin|herceptin|kadcyla|enhertu|trodelvy|"
                       r"keytruda|ibrance|kisqali|verzenio|lynparza)\b"
                       r"|\b[a-z]{3,}(?:mab|ciclib|parib|tinib|lisib|rozole)\b",
          "names a specific drug", "name the kind of treatment (for example 'CDK4/6 "
          "inhibitors'); the care team names drugs", severity=Severity.WARNING),
)


def wording_problems(text: str) -> list[tuple[WordingRule, str]]:
    """(rule, matched phrase) for each directive or diagnostic phrase in ``text``."""
    found = []
    for rule in WORDING_RULES:
        for match in rule.pattern.finditer(text):
            clause_start = max(text.rfind(mark, 0, match.start()) for mark in ".;:!?")
            before = text[clause_start + 1:match.start()]
            if rule.negatable and _NEGATION.search(before):
                continue
            found.append((rule, match.group()))
    return found


class WordingValidator(
        Validator, name="wording",
        concern="directive or diagnostic wording, doses, schedules (with a suggested rewording)"):
    """Directive, promising or diagnostic phrases, doses, schedules and drug names."""

    def check(self, context: LintContext) -> Iterator[LintIssue]:
        for item in context.texts:
            for rule, phrase in wording_problems(item.text):
                yield self.issue(rule.severity, item.path, item.line,
                                 f"{item.where}: '{phrase}' {rule.problem}",
                                 f"reword without it, e.g. {rule.instead}")
