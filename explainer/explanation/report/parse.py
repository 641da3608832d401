"""Reading pathology-report wording: find each item, read its value, add up the factors.

How it reads, in three steps:

1. **Mentions.** Every spelling of knowledge/report.yaml (ER, HER2, FISH, grade ...), every
   TNM run (``pT2N1aM0`` or ``pT2 pN1a M0``; codes from knowledge/report_stage.yaml) and every
   stage line (``Anatomic stage IIB``) is found, longest spelling first, without overlaps.
2. **Clauses.** The words after a mention, up to the next mention, the end of the sentence, a
   new "Field:" line or 200 characters, are its clause: "ER positive (95%), PR 0%" gives ER the
   clause "positive (95%)". Markers joined only by "/", "," or "and" (ER/PR positive) share one.
3. **Values and factors.** Each clause is read for the values its item can take; the values are
   combined under the guideline rules (ASCO/CAP, AJCC). Anything that disagrees becomes a
   conflict and leaves the factor unknown; anything partial (HER2 2+ without ISH, an Allred
   score of 3-5 without the percent, T and N without M) is reported as such.

Nothing is ever guessed from words the reader does not know: lines with no item are quoted
back as not understood.

This module is the reader (steps 1 and 2, and the state that joins step 3's parts); finding
mentions is helped by :mod:`.mentions`, and step 3's rules are one module per family of items:
:mod:`.receptors` (ER, PR, HR), :mod:`.her2` (IHC, ISH), :mod:`.staging` (TNM, nodes, stage)
and :mod:`.findings` (the rest), on the shared :mod:`.state` and :mod:`.wording`.
"""

from __future__ import annotations

import re

from explainer.explanation.report.findings import FindingRules
from explainer.explanation.report.her2 import Her2Rules
from explainer.explanation.report.mentions import (
    Mask,
    Mention,
    alternation,
    merged,
    sentence_around,
    without_overlaps,
)
from explainer.explanation.report.model import ReportReading
from explainer.explanation.report.receptors import ReceptorRules
from explainer.explanation.report.staging import StageLine, StagingRules, TnmToken
from explainer.explanation.report.wording import short_quote
from explainer.kb.report import ReportKnowledge

MAX_CLAUSE = 200
MAX_NOT_UNDERSTOOD = 30

# One-to-one character replacements, so positions in the normalised text are positions in the
# original: typographic dashes, non-breaking and odd spaces, full-width signs.
_NORMALISE = str.maketrans({
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\t": " ", "\r": "\n", "\uff0b": "+",
    "\uff05": "%", "\u2264": "\u2264", "\u2265": "\u2265", "\uff1a": ":"})

_HER2_KINDS = ("her2", "her2_ihc", "ish")
_GROUPABLE = {"er", "pr", "hr", "her2", "her2_ihc"}
_CONNECTOR = re.compile(r"^\s*(?:/|,|&|\+|and|or)?\s*$", re.IGNORECASE)
# A line that starts a new field ("Tumor size: 2 cm") ends a clause, unless its label says it
# continues the item before (the CAP template puts the percent and intensity on own lines).
_FIELD_LINE = re.compile(r"(?:\n|[,;]\s)[ \t]*([A-Za-z][^:\n,]{0,60}):")
_CONTINUATION = re.compile(
    r"percent|proportion|cells|intensity|staining|score|allred|ratio|cop(?:y|ies)|signals|"
    r"clone|result|interpretation|status|average|mean|group|method|test|type|origin|variant",
    re.IGNORECASE)
_SENTENCE_END = re.compile(r"\.\s+(?=[A-Z])|\n\s*\n")

_SLASH_VALUE = r"(?:[+-]|pos(?:itive)?|neg(?:ative)?|[<>]?\s*\d{1,3}(?:\.\d+)?\s*%)"
_SLASH_VALUES = re.compile(
    rf"^\s*[:=]?\s*(?P<all>{_SLASH_VALUE}(?:\s*/\s*{_SLASH_VALUE})+)", re.IGNORECASE)

_STAGE = re.compile(
    r"(?P<label>(?:\b(?:AJCC|8th|edition|anatomic(?:al)?|prognostic|pathologic(?:al)?|"
    r"clinical|post[\s-]*(?:therapy|treatment|neoadjuvant)|yp|yc|overall|final|group)\b"
    r"[\s,:()-]*){0,5})\bstage\b(?:\s+group)?(?P<paren>\s*\([^)\n]{0,40}\))?\s*[:=]?\s*"
    r"(?:is\s+)?(?P<value>IV|III[ABC]?|II[AB]?|I[AB]?|0|[1-4][ABCabc]?)"
    r"(?![A-Za-z0-9\-/])(?P<after>\s*\([^)\n]{0,30}\))?", re.IGNORECASE)
_TRIPLE_NEGATIVE = re.compile(r"triple[\s-]*negative", re.IGNORECASE)

ITEM_ORDER = ("er", "pr", "hr_status", "her2_ihc", "ish", "her2_status", "t", "n", "m", "nodes",
              "stage", "grade", "ki67", "histology", "margins", "lvi", "brca", "other_gene")
"""The order findings are shown in: each factor after the items it is read from."""

_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV", "0": "0"}


class ReportReader:
    """Reads report text with one knowledge base (build once, read many texts)."""

    def __init__(self, kb: ReportKnowledge) -> None:
        self.kb = kb
        notations = kb.notations
        kinds: dict[str, tuple[str, ...]] = {
            "er": notations.er, "pr": notations.pr, "hr": notations.hr,
            "her2": notations.her2, "her2_ihc": notations.her2_ihc, "ish": notations.ish,
            "ki67": notations.ki67, "grade": notations.grade, "margins": notations.margins,
            "lvi": notations.lvi, "brca": notations.brca, "gene": notations.other_genes}
        for histology, spellings in notations.histology.items():
            kinds[f"histology:{histology}"] = spellings
        self._markers = [
            (kind, re.compile(rf"(?<![A-Za-z0-9])(?:{alternation(spellings)})"
                              r"(?![A-Za-z0-9])", re.IGNORECASE))
            for kind, spellings in kinds.items()]
        self._ignorable = re.compile(
            rf"(?<![A-Za-z0-9])(?:{alternation(notations.ignorable)})(?![A-Za-z0-9])",
            re.IGNORECASE)
        self._tnm = self._tnm_pattern()

    # --- TNM ------------------------------------------------------------------------------

    def _codes(self, letter: str) -> list[str]:
        codes = [member for members in getattr(self.kb.stage.classes, letter).values()
                 for member in members]
        if letter != "m":
            codes.append(f"{letter.upper()}X")
        return codes

    def _tnm_pattern(self) -> re.Pattern[str]:
        def token(letter: str) -> str:
            suffixes = sorted({code[1:] for code in self._codes(letter)},
                              key=lambda text: (-len(text), text))
            alternatives = "|".join(re.escape(suffix).replace(r"\(", r"\s?\(")
                                    for suffix in suffixes)
            return (rf"(?P<{letter}p>yp|yc|p|c)?(?P<{letter}L>{letter.upper()})"
                    rf"(?P<{letter}c>{alternatives})"
                    r"(?:\s?\((?:sn|f|m|\d{1,2}|dcis|paget'?s?)\))?")
        return re.compile(rf"(?<![A-Za-z0-9])(?:{token('t')})?(?:{token('n')})?(?:{token('m')})?"
                          r"(?![A-Za-z0-9])", re.IGNORECASE)

    def _canonical(self, letter: str, code: str) -> str | None:
        wanted = re.sub(r"\s", "", code).lower()
        for member in self._codes(letter):
            if member[1:].lower() == wanted:
                return member
        return None

    # --- reading --------------------------------------------------------------------------

    def read(self, raw_text: str) -> ReportReading:
        """Read ``raw_text`` (any string) into a :class:`ReportReading`. Never raises on
        text: anything it cannot read is quoted back or ignored."""
        text = raw_text.translate(_NORMALISE)
        self._covered: list[tuple[int, int]] = []
        state = _State(self.kb)
        mentions = self._mentions(text)
        tnm_tokens = self._tnm_tokens(text, mentions)
        stage_lines = self._stage_lines(text, mentions)
        mentions = sorted(mentions, key=lambda mention: mention.start)
        self._read_markers(text, mentions, state)
        state.tnm(tnm_tokens, stage_lines)
        state.not_understood = self._not_understood(text, mentions)
        return state.result()

    def _mentions(self, text: str) -> list[Mention]:
        found: list[Mention] = []
        for kind, pattern in self._markers:
            for match in pattern.finditer(text):
                detail = ""
                named = kind
                if kind.startswith("histology:"):
                    named, detail = "histology", kind.split(":", 1)[1]
                elif kind in ("brca", "gene"):
                    detail = re.sub(r"\s", "", match.group()).upper()
                found.append(Mention(named, match.start(), match.end(), detail))
        for match in _TRIPLE_NEGATIVE.finditer(text):
            found.append(Mention("triple_negative", match.start(), match.end()))
        return merged(text, without_overlaps(found))

    def _tnm_tokens(self, text: str, mentions: list[Mention]) -> list[TnmToken]:
        tokens: list[TnmToken] = []
        last_end = -10
        taken = Mask(len(text))
        for mention in mentions:
            if mention.kind != "histology":
                taken.mark(mention.start, mention.end)
        for match in self._tnm.finditer(text):
            if not match.group():
                continue
            parts = []
            for letter in "tnm":
                if match.group(f"{letter}L") is None:
                    continue
                parts.append((letter, (match.group(f"{letter}p") or "").lower(),
                              match.group(f"{letter}L"), match.group(f"{letter}c")))
            # A bare single lower-case token ("t2", "m1") is too easily something else, unless
            # it follows another TNM token ("pt2 pn1a m0").
            if (len(parts) == 1 and not parts[0][1] and parts[0][2].islower()
                    and not re.fullmatch(r"[\s,;]{1,3}", text[last_end:match.start()])):
                continue
            last_end = match.end()
            # "pTis (DCIS)": a histology word inside a TNM run does not hide the run.
            if taken.hits(match.start(), match.end()):
                continue
            mentions.append(Mention("tnm", match.start(), match.end()))
            for letter, prefix, _, code in parts:
                canonical = self._canonical(letter, code)
                if canonical is not None:
                    tokens.append(TnmToken(letter, prefix, canonical, match.group().strip()))
        return tokens

    def _stage_lines(self, text: str, mentions: list[Mention]) -> list[StageLine]:
        lines: list[StageLine] = []
        taken = Mask(len(text))
        for mention in mentions:
            taken.mark(mention.start, mention.end)
        for match in _STAGE.finditer(text):
            if taken.hits(match.start(), match.end()):
                continue
            label = " ".join(part or "" for part in (match.group("label"), match.group("paren"),
                                                     match.group("after"))).lower()
            if re.search(r"\byp\b|\byc\b|post", label):
                kind = "post_treatment"
            elif "prognostic" in label:
                kind = "prognostic"
            elif "anatomic" in label:
                kind = "anatomic"
            else:
                kind = "unlabelled"
            value = match.group("value").upper()
            group = _ROMAN.get(value[0], value[0]) + value[1:] if value[0].isdigit() else value
            lines.append(StageLine(kind, group, short_quote(match.group())))
            mentions.append(Mention("stage", match.start(), match.end()))
        return lines

    # --- markers --------------------------------------------------------------------------

    def _clause(self, text: str, start: int, limit: int) -> str:
        end = min(limit, start + MAX_CLAUSE, len(text))
        clause = text[start:end]
        cut = len(clause)
        sentence = _SENTENCE_END.search(clause)
        if sentence:
            cut = min(cut, sentence.start())
        for field_line in _FIELD_LINE.finditer(clause):
            if field_line.start() >= cut:
                break
            if not _CONTINUATION.search(field_line.group(1)):
                cut = field_line.start()
                break
        # A new line that is neither indented (the CAP template indents an item's details)
        # nor a labelled detail starts something else ("ER: positive" / "5% of the core
        # involved"), unless the item has no words yet ("ER:" / "Positive").
        for newline in re.finditer(r"\n(?=\S)", clause[:cut]):
            line = clause[newline.end():].split("\n", 1)[0]
            label = line.split(":", 1)[0] if ":" in line else ""
            before = re.sub(r"\([^)]*\)|\b(?:status|results?|by|ihc|immunohistochemistry)\b",
                            " ", clause[:newline.start()], flags=re.IGNORECASE)
            has_words = re.search(r"[A-Za-z0-9+\-]", before)
            if has_words and not (label and _CONTINUATION.search(label)):
                cut = newline.start()
                break
        return clause[:cut]

    def _read_markers(self, text: str, mentions: list[Mention], state: _State) -> None:
        index = 0
        while index < len(mentions):
            mention = mentions[index]
            if mention.kind in ("tnm", "stage"):
                index += 1
                continue
            group = [mention]
            # ER/PR positive, ER and PR negative: markers joined only by connectors share the
            # clause after the last of them.
            while (group[-1].kind in _GROUPABLE and index + 1 < len(mentions) and len(group) < 4
                   and mentions[index + 1].kind in _GROUPABLE
                   and _CONNECTOR.match(text[group[-1].end:mentions[index + 1].start])):
                index += 1
                group.append(mentions[index])
            limit = mentions[index + 1].start if index + 1 < len(mentions) else len(text)
            clause = self._clause(text, group[-1].end, limit)
            self._covered.append((group[0].start, group[-1].end + len(clause)))
            clauses = [clause] * len(group)
            if len(group) > 1:
                slash = _SLASH_VALUES.match(clause)
                if slash:
                    values = [part.strip() for part in slash.group("all").split("/")]
                    if len(values) == len(group):
                        clauses = values
            for member, member_clause in zip(group, clauses, strict=False):
                shown = short_quote(text[group[0].start:group[-1].end] + clause)
                self._read_one(text, member, member_clause, shown, state)
            index += 1

    def _read_one(self, text: str, mention: Mention, clause: str, shown: str,
                  state: _State) -> None:
        kind = mention.kind
        if kind in ("er", "pr"):
            state.receptor(kind, clause, shown)
        elif kind == "hr":
            state.hr_word(clause, shown)
        elif kind in _HER2_KINDS:
            state.her2(kind, text[mention.start:mention.end], clause, shown)
        elif kind == "triple_negative":
            state.triple_negative(shown)
        elif kind == "ki67":
            state.ki67(clause, shown)
        elif kind == "grade":
            before = text[max(0, mention.start - 30):mention.start]
            state.grade(clause, before, shown)
        elif kind == "histology":
            state.histology(mention.detail, short_quote(text[mention.start:mention.end]))
        elif kind == "margins":
            state.margins(clause, shown)
        elif kind == "lvi":
            before = text[max(0, mention.start - 30):mention.start]
            state.lvi(clause, before, shown)
        elif kind in ("brca", "gene"):
            sentence = sentence_around(text, mention.start, mention.end)
            # The kind of test is often named once, before the results ("Germline testing:").
            context = text[max(0, mention.start - 150):mention.end]
            state.gene(mention.detail, clause, sentence, context, short_quote(sentence))

    # --- not understood ---------------------------------------------------------------------

    def _not_understood(self, text: str, mentions: list[Mention]) -> list[str]:
        quoted: list[str] = []
        position = 0
        covered = Mask(len(text))
        for left, right in self._covered + [(m.start, m.end) for m in mentions]:
            covered.mark(left, right)
        for piece in re.split(r"(\n|;|,\s|\.\s+(?=[A-Z]))", text):
            start, end = position, position + len(piece)
            position = end
            if not re.search(r"[A-Za-z0-9]", piece):
                continue
            if covered.hits(start, end):
                continue
            rest = self._ignorable.sub(" ", piece)
            # Field labels and numbering alone ("Page 1 of 2", "Case: S24-1234") say nothing.
            if not re.search(r"[A-Za-z]{3,}", re.sub(r"\b(?:of|page)\b", " ", rest,
                                                     flags=re.IGNORECASE)):
                continue
            quote = short_quote(piece)
            if quote not in quoted:
                quoted.append(quote)
            if len(quoted) >= MAX_NOT_UNDERSTOOD:
                break
        return quoted


class _State(ReceptorRules, Her2Rules, FindingRules, StagingRules):
    """Everything read so far, and the rules that add it up (one part per module)."""

    def result(self) -> ReportReading:
        self._hr()
        self._her2()
        self._genes()
        for conflict in self.conflicts:
            factor = {"er": "hr_status", "pr": "hr_status", "hr_status": "hr_status",
                      "ish": "her2_status", "her2_status": "her2_status", "t": "stage",
                      "n": "nodes", "m": "stage", "stage": "stage",
                      "brca_mutation": "brca_mutation"}.get(conflict.item)
            if factor is not None:
                self.profile.pop(factor, None)
                if conflict.item in ("t", "m"):
                    self.profile.pop("stage", None)
                if conflict.item == "n":
                    self.profile.pop("stage", None)
        findings = tuple(finding for _, finding in sorted(
            self.findings, key=lambda f: (ITEM_ORDER.index(f[1].item), f[0])))
        cited = dict.fromkeys(finding.source for finding in findings)
        sources = tuple((source.short, f"{source.title}. {source.publisher}, {source.year}. "
                                       f"{source.url}")
                        for source in self.kb.sources.values() if source.short in cited)
        ordered = {key: self.profile[key] for key in ("stage", "hr_status", "her2_status",
                                                      "nodes", "brca_mutation")
                   if key in self.profile}
        return ReportReading(profile=ordered, findings=findings,
                             not_understood=tuple(self.not_understood),
                             conflicts=tuple(self.conflicts),
                             disclaimer=" ".join(self.kb.report.disclaimer.split()),
                             sources=sources)


def read_report(text: str, kb: ReportKnowledge | None = None) -> ReportReading:
    """Read pathology-report ``text`` with ``kb`` (default: the bundled knowledge)."""
    from explainer.kb.loader import load_report_knowledge

    return _reader(kb or load_report_knowledge()).read(text)


_READERS: dict[int, ReportReader] = {}


def _reader(kb: ReportKnowledge) -> ReportReader:
    reader = _READERS.get(id(kb))
    if reader is None or reader.kb is not kb:
        reader = _READERS[id(kb)] = ReportReader(kb)
    return reader
