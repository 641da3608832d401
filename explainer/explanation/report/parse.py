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
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from explainer.explanation.report.model import Conflict, Finding, ReportReading
from explainer.kb.report import ReportKnowledge

MAX_CLAUSE = 200
MAX_QUOTE = 160
MAX_NOT_UNDERSTOOD = 30

# One-to-one character replacements, so positions in the normalised text are positions in the
# original: typographic dashes, non-breaking and odd spaces, full-width signs.
_NORMALISE = str.maketrans({
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\t": " ", "\r": "\n", "\uff0b": "+",
    "\uff05": "%", "\u2264": "\u2264", "\u2265": "\u2265", "\uff1a": ":"})

_RECEPTOR_KINDS = ("er", "pr", "hr")
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

_NUMBER = r"\d{1,3}(?:\.\d+)?"
_PERCENT = re.compile(
    r"(?P<cmp>\u2264|\u2265|<=|>=|=<|=>|<|>|less than or equal to|greater than or equal to|"
    r"less than|fewer than|greater than|more than|under|over|up to|at least|at most)?\s*"
    rf"(?<![\w.])(?P<a>{_NUMBER})\s*(?:%|percent)?\s*(?:(?:-|to)\s*(?P<b>{_NUMBER})\s*)?(?:%|percent)"
    r"(?!\s*(?:or\s+(?:fewer|less|more)))", re.IGNORECASE)
_PERCENT_OR_LESS = re.compile(rf"(?P<a>{_NUMBER})\s*%\s*or\s*(?P<dir>fewer|less|more)",
                              re.IGNORECASE)
_ALLRED = re.compile(r"allred(?:\s+score)?\s*(?:[:=]|of|is)?\s*\(?\s*(?P<score>[0-8])"
                     r"(?:\s*/\s*8)?(?!\d|\.\d)", re.IGNORECASE)
_LOW_POSITIVE = re.compile(r"low[\s-]*positive|\b(?:er|pr)[\s-]*low\b|^\s*[:=-]?\s*low\b",
                           re.IGNORECASE)
_POSITIVE = re.compile(r"\bpositive\b|\bpos\b|\breactive\b|\bpresent\b|\bdetected\b",
                       re.IGNORECASE)
_NEGATIVE = re.compile(
    r"\bnegative\b|\bneg\b|\bnot\s+detected\b|\bno\s+(?:nuclear\s+)?staining\b|\babsent\b|"
    r"\bnon[\s-]?reactive\b", re.IGNORECASE)
# A sign after a marker: "ER+", "ER (+)", "HER2- metastatic", "ER: -". A hyphen before a word
# ("ER-positive") or a dash between words ("ER - 95%") is not a sign.
_SIGN = re.compile(r"^(?:\s*[:=]?\s*\(\s*(?P<a>[+-])\s*\)|(?P<b>[+-])(?![A-Za-z\d.%])|"
                   r"\s*[:=]?\s*(?P<c>[+-])\s*(?=$|[/,;)\n]))")
_SLASH_VALUE = r"(?:[+-]|pos(?:itive)?|neg(?:ative)?|[<>]?\s*\d{1,3}(?:\.\d+)?\s*%)"
_SLASH_VALUES = re.compile(
    rf"^\s*[:=]?\s*(?P<all>{_SLASH_VALUE}(?:\s*/\s*{_SLASH_VALUE})+)", re.IGNORECASE)
_PENDING = re.compile(r"pending|to follow|see (?:comment|note|addendum|below)|will be reported|"
                      r"in progress|not performed|sent out|sent to|ordered|to be reported|"
                      r"not done|not available|insufficient", re.IGNORECASE)

# HER2
_ULTRALOW = re.compile(
    r"ultra[\s-]*low|(?<![\d.])0\s*\+|>\s*0\s*(?:but\s*)?(?:and\s*)?<\s*1\s*\+?|"
    r"0\s*\(\s*(?:with\s+)?(?:faint|weak)", re.IGNORECASE)
_NULL = re.compile(r"\bnull\b|no\s+(?:membrane\s+)?staining|absent\s+staining|"
                   r"no\s+(?:membranous\s+)?reactivity", re.IGNORECASE)
_FAINT = re.compile(r"faint|barely\s+perceptible|weak", re.IGNORECASE)
_INCOMPLETE = re.compile(r"incomplete|partial", re.IGNORECASE)
_UPTO10 = re.compile(r"(?:\u2264|<=|=<|<|up\s+to|at\s+most|no\s+more\s+than|not\s+more\s+than|"
                     r"less\s+than(?:\s+or\s+equal\s+to)?|fewer\s+than)\s*10\s*%|"
                     r"10\s*%\s*or\s*(?:fewer|less)", re.IGNORECASE)
_OVER10 = re.compile(r"(?:>|more\s+than|greater\s+than|over)\s*10\s*%", re.IGNORECASE)
_SCORE_RANGE = re.compile(r"(?<![\d.])([0-3])\s*\+?\s*(?:-|to)\s*([0-3])\s*\+", re.IGNORECASE)
_SCORE_PLUS = re.compile(r"(?<![\d.])([1-3])\s*\+(?!\s*[\d])")
_SCORE_WORD = re.compile(r"(?:score|ihc)\s*(?:of\s*)?[:=]?\s*\(?\s*([0-3])\s*(\+)?(?!\d|\.\d|%)",
                         re.IGNORECASE)
_SCORE_LEAD = re.compile(r"^\s*(?:\([^)]{0,12}\)\s*)?[:=]?\s*\(?\s*([0-3])\s*(\+)?(?!\d|\.\d|%)")
_EQUIVOCAL = re.compile(r"equivocal|borderline", re.IGNORECASE)
_HER2_LOW_WORD = re.compile(r"^\s*[:=-]?\s*low\b|her2[\s-]*low", re.IGNORECASE)
_ZERO_WORD = re.compile(r"her2[\s-]*zero|^\s*[:=-]?\s*zero\b", re.IGNORECASE)
_NOT_AMPLIFIED = re.compile(
    r"(?:not\s+amplified|non[\s-]*amplified|unamplified|no\s+(?:evidence\s+of\s+)?"
    r"(?:gene\s+)?amplification|negative\s+for\s+(?:her2\s+)?(?:gene\s+)?amplification|"
    r"without\s+amplification|amplification\s+(?:is\s+)?(?:not\s+(?:seen|detected|present)|"
    r"absent))(?:\s+(?:is\s+|was\s+)?(?:detected|seen|identified|present|found))?",
    re.IGNORECASE)
_AMPLIFIED = re.compile(
    r"\bamplified\b|amplification\s+(?:is\s+)?(?:present|detected|seen|identified)|"
    r"positive\s+for\s+(?:her2\s+)?(?:gene\s+)?amplification|\bamplification\s*[:=]\s*"
    r"(?:yes|present)", re.IGNORECASE)
_RATIO = re.compile(rf"ratio\s*(?:of|[:=]|is|was)?\s*(?P<v>{_NUMBER})(?!\d|\.\d|%)",
                    re.IGNORECASE)
_LEADING_NUMBER = re.compile(rf"^\s*(?:[:=]|of|is|was)?\s*(?P<v>{_NUMBER})(?!\d|\.\d|%)",
                             re.IGNORECASE)
_COPIES = re.compile(
    rf"(?:copy\s*number|copies|signals)(?:\s*(?:per|/)\s*(?:cell|nucleus|nuclei))?\s*"
    rf"(?:of|[:=]|is|was)?\s*(?P<v>{_NUMBER})(?!\d|\.\d|%)|"
    rf"(?<![\w.])(?P<w>{_NUMBER})\s*(?:her2\s*)?(?:copies|signals)\s*(?:per|/)\s*(?:cell|nucleus)",
    re.IGNORECASE)
_ISH_GROUP = re.compile(r"group\s*([1-5])(?!\d)", re.IGNORECASE)

# Other items
_KI67 = re.compile(rf"(?P<cmp><|>|\u2264|\u2265)?\s*(?<![\w.])(?P<a>{_NUMBER})\s*(?:(?:-|to)\s*"
                   rf"(?P<b>{_NUMBER})\s*)?%")
_GRADE = re.compile(r"^\s*(?:\([^)]{0,30}\)\s*)?(?:[:=]|is|of)?\s*(?:G)?"
                    r"(?P<v>III|II|I|[123])(?!\d|\.\d|[A-Za-z])", re.IGNORECASE)
_GRADE_BEFORE = re.compile(r"(?P<v>high|intermediate|low)[\s-]*(?:nuclear\s+)?$", re.IGNORECASE)
_G_TOKEN = re.compile(r"(?<![A-Za-z0-9])G(?P<v>[123])(?![A-Za-z0-9])")
_MARGIN_POSITIVE = re.compile(r"\bpositive\b|\binvolved\b|\btransected\b|tumou?r\s+(?:is\s+)?"
                              r"(?:present\s+)?at\s+(?:the\s+)?(?:inked\s+)?margin",
                              re.IGNORECASE)
_MARGIN_NEGATIVE = re.compile(r"\bnegative\b|\bclear\b|\bfree\b|\buninvolved\b|"
                              r"not\s+involved|no\s+tumou?r\s+at", re.IGNORECASE)
_MARGIN_CLOSE = re.compile(r"\bclose\b", re.IGNORECASE)
_LVI_ABSENT = re.compile(r"not\s+(?:identified|seen|present|detected)|\babsent\b|"
                         r"\bnegative\b|\bnone\b|^\s*[:=]?\s*no\b|^\s*[:=]?\s*-(?!\d)",
                         re.IGNORECASE)
_LVI_PRESENT = re.compile(r"\bpresent\b|\bidentified\b|\bseen\b|\bpositive\b|\bdetected\b|"
                          r"^\s*[:=]?\s*yes\b|^\s*[:=]?\s*\+", re.IGNORECASE)
_NEGATED_BEFORE = re.compile(r"\b(?:no|without)\s+(?:evidence\s+of\s+)?$", re.IGNORECASE)

# Genes
_VUS = re.compile(r"uncertain\s+significance|\bVUS\b|unknown\s+significance", re.IGNORECASE)
_PATHOGENIC = re.compile(
    r"(?<!non-)(?<!non )\b(?:likely\s+)?pathogenic\b|deleterious|\bharmful\b|"
    r"mutation\s+(?:was\s+)?(?:detected|identified|present|found)|\bcarrier\b|\bmutated\b|"
    r"\bpositive\b", re.IGNORECASE)
_GENE_NEGATIVE = re.compile(
    r"\bno\s+(?:pathogenic|deleterious|harmful|clinically\s+significant)?\s*"
    r"(?:or\s+likely\s+pathogenic\s+)?(?:variants?|mutations?|alterations?)|"
    r"\bnegative\b|not\s+detected|wild[\s-]*type|no\s+mutation", re.IGNORECASE)
_GERMLINE = re.compile(r"germ[\s-]*line|inherited|hereditary|constitutional|\bblood\b|"
                       r"\bsaliva\b|\bcarrier\b", re.IGNORECASE)
_SOMATIC = re.compile(r"somatic|tumou?r|tissue|\bNGS\b", re.IGNORECASE)

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


@dataclass(frozen=True)
class Mention:
    """One recognised spelling in the text."""

    kind: str
    start: int
    end: int
    detail: str = ""


@dataclass
class _Mask:
    """Which characters of the text are taken, to test overlaps in linear time."""

    def __init__(self, size: int) -> None:
        self.bits = bytearray(size)

    def mark(self, start: int, end: int) -> None:
        self.bits[start:end] = b"\x01" * (end - start)

    def hits(self, start: int, end: int) -> bool:
        return 1 in self.bits[start:end]


@dataclass
class _Evidence:
    """What the clauses of one item said, with the words each value came from."""

    values: dict[str, dict[str, None]] = field(default_factory=dict)
    """value -> the words it came from (a dict as an ordered set)."""

    def add(self, value: str, text: str) -> None:
        self.values.setdefault(value, {})[text] = None

    def texts(self) -> list[str]:
        return list(dict.fromkeys(text for texts in self.values.values() for text in texts))


def _spelling_pattern(spelling: str) -> str:
    body = "".join(r"[\s\-]*" if char in " -" else re.escape(char) for char in spelling)
    # A short all-capital acronym matches in capitals only: "FISH" is a test, "fish" is not.
    if spelling.isalpha() and spelling.isupper() and len(spelling) <= 4:
        return f"(?-i:{body})"
    return body


def _alternation(spellings: Iterable[str]) -> str:
    ordered = sorted(set(spellings), key=lambda text: (-len(text), text))
    return "|".join(_spelling_pattern(spelling) for spelling in ordered)


def _quote(text: str) -> str:
    text = " ".join(text.split()).strip(" ,;:(")
    return text if len(text) <= MAX_QUOTE else text[:MAX_QUOTE - 1].rstrip() + "…"


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
            (kind, re.compile(rf"(?<![A-Za-z0-9])(?:{_alternation(spellings)})"
                              r"(?![A-Za-z0-9])", re.IGNORECASE))
            for kind, spellings in kinds.items()]
        self._ignorable = re.compile(
            rf"(?<![A-Za-z0-9])(?:{_alternation(notations.ignorable)})(?![A-Za-z0-9])",
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
        return _merged(text, _without_overlaps(found))

    def _tnm_tokens(self, text: str, mentions: list[Mention]) -> list[_TnmToken]:
        tokens: list[_TnmToken] = []
        last_end = -10
        taken = _Mask(len(text))
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
                    tokens.append(_TnmToken(letter, prefix, canonical, match.group().strip()))
        return tokens

    def _stage_lines(self, text: str, mentions: list[Mention]) -> list[_StageLine]:
        lines: list[_StageLine] = []
        taken = _Mask(len(text))
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
            lines.append(_StageLine(kind, group, _quote(match.group())))
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
                shown = _quote(text[group[0].start:group[-1].end] + clause)
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
            state.histology(mention.detail, _quote(text[mention.start:mention.end]))
        elif kind == "margins":
            state.margins(clause, shown)
        elif kind == "lvi":
            before = text[max(0, mention.start - 30):mention.start]
            state.lvi(clause, before, shown)
        elif kind in ("brca", "gene"):
            sentence = _sentence_around(text, mention.start, mention.end)
            # The kind of test is often named once, before the results ("Germline testing:").
            context = text[max(0, mention.start - 150):mention.end]
            state.gene(mention.detail, clause, sentence, context, _quote(sentence))

    # --- not understood ---------------------------------------------------------------------

    def _not_understood(self, text: str, mentions: list[Mention]) -> list[str]:
        quoted: list[str] = []
        position = 0
        covered = _Mask(len(text))
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
            quote = _quote(piece)
            if quote not in quoted:
                quoted.append(quote)
            if len(quoted) >= MAX_NOT_UNDERSTOOD:
                break
        return quoted


def _merged(text: str, mentions: list[Mention]) -> list[Mention]:
    """"Estrogen Receptor (ER)" is one mention, not two."""
    merged: list[Mention] = []
    for mention in mentions:
        previous = merged[-1] if merged else None
        if (previous is not None and previous.kind == mention.kind
                and re.fullmatch(r"\s*\(\s*", text[previous.end:mention.start])
                and re.match(r"\s*\)", text[mention.end:])):
            closing = text.index(")", mention.end) + 1
            merged[-1] = Mention(previous.kind, previous.start, closing, previous.detail)
            continue
        # "ER by IHC: positive": the method named after a receptor belongs to it; it is not
        # a HER2 stain.
        if (previous is not None and previous.kind in ("er", "pr", "hr")
                and mention.kind == "her2_ihc" and text[mention.start:mention.end].upper() ==
                "IHC" and re.fullmatch(r"\s*(?:by|via|\(|,)?\s*", text[previous.end:mention.start],
                                       re.IGNORECASE)):
            after = re.match(r"\s*\)", text[mention.end:])
            end = mention.end + (after.end() if after else 0)
            merged[-1] = Mention(previous.kind, previous.start, end, previous.detail)
            continue
        merged.append(mention)
    return merged


def _without_overlaps(found: list[Mention]) -> list[Mention]:
    kept: list[Mention] = []
    for mention in sorted(found, key=lambda m: (m.start, -(m.end - m.start))):
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def _origin(text: str) -> str | None:
    """germline / somatic when ``text`` says which kind of test it was (None: not said, or
    both)."""
    germline, somatic = _GERMLINE.search(text), _SOMATIC.search(text)
    if germline and not somatic:
        return "germline"
    if somatic and not germline:
        return "somatic"
    return None


def _sentence_around(text: str, start: int, end: int, reach: int = 300) -> str:
    """The sentence holding text[start:end] (at most ``reach`` characters either side)."""
    low, high = max(0, start - reach), min(len(text), end + reach)
    left = max(text.rfind(stop, low, start) for stop in (".", ";", "\n"))
    left = low - 1 if left == -1 else left
    rights = [index for index in (text.find(stop, end, high) for stop in (". ", ";", "\n"))
              if index != -1]
    right = min(rights) if rights else high
    return text[left + 1:right].strip()


@dataclass(frozen=True)
class _TnmToken:
    letter: str
    prefix: str
    code: str
    text: str


@dataclass(frozen=True)
class _StageLine:
    kind: str
    group: str
    text: str


def _sign_of(clause: str) -> str | None:
    """"+" or "-" when the clause starts with a sign (see _SIGN), else None."""
    match = _SIGN.match(clause)
    if match is None:
        return None
    return match.group("a") or match.group("b") or match.group("c")


def _interval(match: re.Match[str]) -> tuple[float, float, bool, bool]:
    """The percent interval (low, high, low included, high included) of a percent match."""
    a = float(match.group("a"))
    b = match.group("b")
    comparator = (match.group("cmp") or "").lower()
    if b is not None:
        return a, float(b), True, True
    if comparator in ("<", "less than", "fewer than", "under"):
        return 0.0, a, True, False
    if comparator in ("\u2264", "<=", "=<", "less than or equal to", "up to", "at most"):
        return 0.0, a, True, True
    if comparator in (">", "greater than", "more than", "over"):
        return a, 100.0, False, True
    if comparator in ("\u2265", ">=", "=>", "greater than or equal to", "at least"):
        return a, 100.0, True, True
    return a, a, True, True


class _State:
    """Everything read so far, and the rules that add it up."""

    def __init__(self, kb: ReportKnowledge) -> None:
        self.kb = kb
        self.findings: list[tuple[int, Finding]] = []
        self.conflicts: list[Conflict] = []
        self.profile: dict[str, str] = {}
        self.not_understood: list[str] = []
        self.receptors: dict[str, _Evidence] = {"er": _Evidence(), "pr": _Evidence()}
        self.receptor_percent: dict[str, bool] = {"er": False, "pr": False}
        self.receptor_allred_mid: dict[str, list[str]] = {"er": [], "pr": []}
        self.hr_words = _Evidence()
        self.her2_scores = _Evidence()
        self.her2_words = _Evidence()
        self.ish_words = _Evidence()
        self.ish_ratio: list[tuple[float, str]] = []
        self.ish_copies: list[tuple[float, str]] = []
        self.ish_groups = _Evidence()
        self.her2_faint_unclear: list[str] = []
        self.genes: dict[str, dict[str, _Evidence]] = {}
        self.order = 0
        self.seen: set[tuple[str, str, str, str]] = set()

    # findings ---------------------------------------------------------------------------

    def find(self, item: str, value: str, text: str, meaning_item: str | None = None,
             meaning_value: str | None = None, label: str | None = None,
             extra: str = "") -> None:
        key = (item, value, text, label or "")
        if key in self.seen:
            return
        self.seen.add(key)
        meaning = self.kb.meaning(meaning_item or item, meaning_value or value)
        means = meaning.means if not extra else f"{meaning.means} {extra}"
        self.order += 1
        self.findings.append((self.order, Finding(
            item=item, text=text, value=value, label=label or meaning.label, means=means,
            source=self.kb.source_label(meaning.source))))

    def conflict(self, item: str, texts: Iterable[str], extra: str = "") -> None:
        shown = tuple(dict.fromkeys(texts))
        means = self.kb.phrase("conflict") + (f" {extra}" if extra else "")
        if not any(c.item == item and c.texts == shown for c in self.conflicts):
            self.conflicts.append(Conflict(item=item, texts=shown, means=means))

    # ER, PR, HR -------------------------------------------------------------------------

    def receptor(self, kind: str, clause: str, shown: str) -> None:
        evidence = self.receptors[kind]
        thresholds = self.kb.thresholds
        positive_min = thresholds.receptor_positive_min_percent
        low_max = thresholds.er_low_max_percent
        rest = clause
        low_word = _LOW_POSITIVE.search(rest)
        if low_word:
            evidence.add("word:low", shown)
            rest = rest[:low_word.start()] + " " + rest[low_word.end():]
        for match in _PERCENT.finditer(clause):
            low, high, low_in, high_in = _interval(match)
            if high > 100 or low > high:
                continue
            categories = set()
            if low < positive_min:
                categories.add("negative")
            reaches_one = high > positive_min or (high == positive_min and high_in)
            if reaches_one and (low < low_max or (low == low_max and low_in)):
                categories.add("low")
            if high > low_max:
                categories.add("positive")
            self.receptor_percent[kind] = True
            evidence.add("pct:" + ",".join(sorted(categories)), shown)
        for match in _PERCENT_OR_LESS.finditer(clause):
            value = float(match.group("a"))
            if match.group("dir").lower() in ("fewer", "less"):
                categories = {"negative"} | ({"low"} if value >= positive_min else set())
                if value > low_max:
                    categories.add("positive")
            else:
                categories = {"positive"} | ({"low"} if value <= low_max else set())
            self.receptor_percent[kind] = True
            evidence.add("pct:" + ",".join(sorted(categories)), shown)
        for match in _ALLRED.finditer(clause):
            score = int(match.group("score"))
            if score <= thresholds.allred_negative_max:
                evidence.add("pct:negative", shown)
            elif score >= thresholds.allred_positive_min:
                evidence.add("pct:positive", shown)
            else:
                self.receptor_allred_mid[kind].append(shown)
                evidence.add("pct:low,negative,positive", shown)
        sign = _sign_of(clause)
        if sign:
            evidence.add("word:positive" if sign == "+" else "word:negative", shown)
        if _NEGATIVE.search(rest):
            evidence.add("word:negative", shown)
        if _POSITIVE.search(rest):
            evidence.add("word:positive", shown)
        if not evidence.values and _PENDING.search(clause):
            evidence.add("pending", shown)

    def hr_word(self, clause: str, shown: str) -> None:
        sign = _sign_of(clause)
        if sign == "+" or _POSITIVE.search(clause):
            self.hr_words.add("positive", shown)
        if sign == "-" or _NEGATIVE.search(clause):
            self.hr_words.add("negative", shown)

    def triple_negative(self, shown: str) -> None:
        self.receptors["er"].add("word:negative", shown)
        self.receptors["pr"].add("word:negative", shown)
        self.her2_words.add("negative", shown)

    def _receptor_value(self, kind: str) -> str | None:
        evidence = self.receptors[kind]
        sets = []
        for key in evidence.values:
            if key.startswith("pct:"):
                sets.append(set(key[4:].split(",")) - {""})
            elif key == "word:positive":
                sets.append({"low", "positive"})
            elif key == "word:low":
                sets.append({"low"})
            elif key == "word:negative":
                sets.append({"negative"})
        texts = evidence.texts()
        if not sets:
            return None
        possible = set.intersection(*sets)
        if kind == "pr":
            possible = {"positive" if value == "low" else value for value in possible}
        if not possible:
            self.conflict(kind, texts)
            return None
        if len(possible) == 1:
            value = possible.pop()
        elif (possible == {"low", "positive"} and not self.receptor_percent[kind]
              and not self.receptor_allred_mid[kind]):
            # "ER positive" with no percent: since 2020 labs report 1-10% as "low positive",
            # so a plain "positive" is the lab's own category.
            value = "positive"
        else:
            value = "needs_percent"
        self.find(kind, value, "; ".join(texts))
        return None if value == "needs_percent" else value

    def _hr(self) -> None:
        er = self._receptor_value("er")
        pr = self._receptor_value("pr")
        texts = self.receptors["er"].texts() + self.receptors["pr"].texts()
        value: str | None = None
        if er == "positive" or pr == "positive":
            value = "positive"
        elif er == "low" and pr == "negative":
            value = "low"
        elif er == "negative" and pr == "negative":
            value = "negative"
        words = set(self.hr_words.values)
        if words:
            texts += self.hr_words.texts()
            if len(words) > 1 or (value is not None and value != "low"
                                  and value not in words):
                self.conflict("hr_status", texts)
                return
            if value is None:
                value = next(iter(words))
        if value is not None:
            self.profile["hr_status"] = value
            self.find("hr_status", value, "; ".join(dict.fromkeys(texts)))
        elif texts:
            self.find("hr_status", "unknown", "; ".join(dict.fromkeys(texts)))

    # HER2 -------------------------------------------------------------------------------

    def her2(self, kind: str, named: str, clause: str, shown: str) -> None:
        rest = clause
        not_amplified = _NOT_AMPLIFIED.search(rest)
        if not_amplified:
            self.ish_words.add("not_amplified", shown)
            rest = rest[:not_amplified.start()] + " " + rest[not_amplified.end():]
        elif _AMPLIFIED.search(rest):
            self.ish_words.add("amplified", shown)
            rest = _AMPLIFIED.sub(" ", rest)
        if kind == "ish":
            self._ish(named, clause, shown)
            self._ish_words(clause, rest, shown)
            return
        self._ihc(clause, rest, shown)

    def _ish(self, named: str, clause: str, shown: str) -> None:
        # The numbers' names are often in the mention itself ("HER2/CEP17 ratio: 2.3").
        whole = f"{named} {clause}"
        for match in _ISH_GROUP.finditer(whole):
            self.ish_groups.add(f"group_{match.group(1)}", shown)
        ratio = _RATIO.search(whole)
        lead = _LEADING_NUMBER.match(clause)
        if ratio is None and lead is not None and "cep17" in named.lower():
            self.ish_ratio.append((float(lead.group("v")), shown))
        elif ratio is not None:
            self.ish_ratio.append((float(ratio.group("v")), shown))
        copies = _COPIES.search(whole)
        if copies is not None:
            self.ish_copies.append((float(copies.group("v") or copies.group("w")), shown))

    def _ish_words(self, clause: str, rest: str, shown: str) -> None:
        if rest != clause:
            pass  # the clause said amplified or not in so many words
        elif _EQUIVOCAL.search(rest):
            self.ish_words.add("equivocal", shown)
        elif _NEGATIVE.search(rest) or _sign_of(rest) == "-":
            self.ish_words.add("not_amplified", shown)
        elif _POSITIVE.search(rest) or _sign_of(rest) == "+":
            self.ish_words.add("amplified", shown)
        elif _PENDING.search(clause) and not self.ish_words.values:
            self.ish_words.add("pending", shown)

    def _ihc(self, clause: str, rest: str, shown: str) -> None:
        found_score = False
        faint = _FAINT.search(clause) and _INCOMPLETE.search(clause)
        if faint and _NULL.search(clause):
            # The pre-2023 wording of score 0, "no staining or faint incomplete staining in
            # 10% or fewer": a plain 0, not the ultralow kind.
            self.her2_scores.add("0", shown)
            found_score = True
        elif faint and _UPTO10.search(clause):
            self.her2_scores.add("0+", shown)
            found_score = True
        elif faint and _OVER10.search(clause):
            self.her2_scores.add("1+", shown)
            found_score = True
        elif faint:
            self.her2_faint_unclear.append(shown)
        if _ULTRALOW.search(clause) and not _NULL.search(clause):
            self.her2_scores.add("0+", shown)
            found_score = True
        for match in _SCORE_RANGE.finditer(clause):
            self.her2_scores.add(f"{match.group(1)}+".replace("0+", "0"), shown)
            self.her2_scores.add(f"{match.group(2)}+", shown)
            found_score = True
        scrubbed = _SCORE_RANGE.sub(" ", _ULTRALOW.sub(" ", clause))
        scrubbed = _UPTO10.sub(" ", _OVER10.sub(" ", scrubbed))
        for match in _SCORE_PLUS.finditer(scrubbed):
            self.her2_scores.add(f"{match.group(1)}+", shown)
            found_score = True
        for pattern in (_SCORE_WORD, _SCORE_LEAD):
            for match in pattern.finditer(scrubbed):
                score = match.group(1)
                self.her2_scores.add("0" if score == "0" else f"{score}+", shown)
                found_score = True
        if _NULL.search(clause):
            self.her2_scores.add("0", shown)
            found_score = True
        sign = _sign_of(rest)
        if _EQUIVOCAL.search(rest):
            self.her2_scores.add("2+", shown)
        elif _HER2_LOW_WORD.search(rest):
            self.her2_words.add("low", shown)
        elif _ZERO_WORD.search(rest):
            self.her2_scores.add("0", shown)
        if re.search(r"\bpositive\b|\bpos\b", rest, re.IGNORECASE) or sign == "+":
            self.her2_words.add("positive", shown)
        if re.search(r"\bnegative\b|\bneg\b", rest, re.IGNORECASE) or sign == "-":
            self.her2_words.add("negative", shown)
        if not found_score and not self.her2_words.values and _PENDING.search(clause):
            self.her2_words.add("pending", shown)

    def _ish_result(self) -> str | None:
        """amplified / not_amplified / None (not known), reporting what the numbers say."""
        thresholds = self.kb.thresholds
        words = {value for value in self.ish_words.values if value in
                 ("amplified", "not_amplified")}
        texts = self.ish_words.texts()
        if "equivocal" in self.ish_words.values:
            self.find("ish", "equivocal", "; ".join(self.ish_words.values["equivocal"]))
        groups = set(self.ish_groups.values)
        ratios = {value for value, _ in self.ish_ratio}
        copies = {value for value, _ in self.ish_copies}
        number_texts = [text for _, text in self.ish_ratio + self.ish_copies]
        if len(ratios) == 1 and len(copies) == 1:
            ratio, count = next(iter(ratios)), next(iter(copies))
            group: int
            if ratio >= thresholds.ish_ratio_min:
                group = 1 if count >= thresholds.ish_copies_low else 2
            elif count >= thresholds.ish_copies_high:
                group = 3
            elif count >= thresholds.ish_copies_low:
                group = 4
            else:
                group = 5
            groups.add(f"group_{group}")
        elif ratios or copies:
            if len(ratios) > 1 or len(copies) > 1:
                self.conflict("ish", number_texts)
            elif not words and not groups:
                self.find("ish", "numbers_only", "; ".join(number_texts))
        group_texts = self.ish_groups.texts() + number_texts
        for group_name in sorted(groups):
            self.find("ish", group_name, "; ".join(dict.fromkeys(group_texts)))
        from_groups = set()
        if groups & {"group_1"}:
            from_groups.add("amplified")
        if groups & {"group_5"}:
            from_groups.add("not_amplified")
        if len(words) > 1 or len(from_groups) > 1 or (
                words and from_groups and words != from_groups):
            self.conflict("ish", texts + group_texts)
            return "conflict"
        result = next(iter(words or from_groups), None)
        if result is not None:
            self.find("ish", result, "; ".join(dict.fromkeys(texts + group_texts)))
        return result

    def _her2(self) -> None:
        ish = self._ish_result()
        scores = set(self.her2_scores.values)
        if scores == {"0", "0+"}:
            scores = {"0+"}  # "0 with faint incomplete staining in <=10%" is the 0+ kind of 0
        score_texts = self.her2_scores.texts()
        words = set(self.her2_words.values)
        texts = list(dict.fromkeys(score_texts + self.her2_words.texts()
                                   + self.ish_words.texts()))
        for shown_score in sorted(scores):
            self.find("her2_ihc", shown_score, "; ".join(self.her2_scores.values[shown_score]))
        if not (scores or words or ish or self.ish_words.values or self.ish_groups.values):
            if self.her2_faint_unclear:
                self.find("her2_status", "needs_score", "; ".join(self.her2_faint_unclear))
            return
        if len(scores) > 1:
            self.conflict("her2_status", score_texts)
            return
        if ish == "conflict":
            return
        score = next(iter(scores), None)
        value: str | None
        if ish == "amplified":
            value = "positive"
        elif score == "3+":
            value = "positive" if ish != "not_amplified" else None
            if value is None:
                self.conflict("her2_status", texts, self.kb.phrase("her2_discordant"))
                return
        elif score == "2+":
            value = "low" if ish == "not_amplified" or words & {"low", "negative"} else \
                "needs_ish"
        elif score == "1+":
            value = "low"
        elif score == "0+":
            value = "ultralow"
        elif score == "0":
            value = "negative"
        elif "positive" in words:
            value = "positive"
        elif "low" in words:
            value = "low"
        elif words & {"negative"} or ish == "not_amplified":
            value = "needs_score"
        else:
            value = "pending"
        # The lab's own word must agree with the score and the gene test.
        agrees = {"positive": {"positive"}, "negative": {"low", "ultralow", "negative",
                                                         "needs_score", "needs_ish"},
                  "low": {"low", "needs_ish"}, "pending": {"pending"}}
        for word in words:
            if value not in agrees.get(word, {value}) and not (
                    word == "pending" and value != "pending"):
                self.conflict("her2_status", texts)
                return
        if value in ("positive", "low", "ultralow", "negative"):
            self.profile["her2_status"] = value
        self.find("her2_status", value, "; ".join(texts))

    # other items -----------------------------------------------------------------------

    def ki67(self, clause: str, shown: str) -> None:
        match = _KI67.search(clause)
        if match is not None:
            value = match.group().replace(" ", "")
            self.find("ki67", value, shown, "ki67", "value", label=f"Ki-67 {value}")

    def grade(self, clause: str, before: str, shown: str) -> None:
        match = _GRADE.match(clause)
        value = None
        if match is not None:
            raw = match.group("v").upper()
            value = {"I": "1", "II": "2", "III": "3"}.get(raw, raw)
        else:
            word = _GRADE_BEFORE.search(before)
            if word is not None:
                value = {"low": "1", "intermediate": "2", "high": "3"}[word.group("v").lower()]
                shown = _quote(word.group() + shown)
        if value is not None:
            self.find("grade", value, shown)

    def histology(self, kind: str, shown: str) -> None:
        self.find("histology", kind, shown)

    def margins(self, clause: str, shown: str) -> None:
        rest = re.sub(r"not\s+involved|uninvolved", " free ", clause, flags=re.IGNORECASE)
        found = [value for value, pattern in (("positive", _MARGIN_POSITIVE),
                                             ("close", _MARGIN_CLOSE),
                                             ("negative", _MARGIN_NEGATIVE))
                 if pattern.search(rest)]
        if "positive" in found and "negative" in found:
            return  # a list of margins, some involved and some not: quoted, not summed up
        if found:
            self.find("margins", found[0], shown)

    def lvi(self, clause: str, before: str, shown: str) -> None:
        if _NEGATED_BEFORE.search(before):
            line_start = before.rsplit("\n", maxsplit=1)[-1].strip()
            self.find("lvi", "absent", _quote(f"{line_start} {shown}"))
            return
        absent = _LVI_ABSENT.search(clause)
        present = _LVI_PRESENT.search(_LVI_ABSENT.sub(" ", clause))
        if absent and not present:
            self.find("lvi", "absent", shown)
        elif present and not absent:
            self.find("lvi", "present", shown)

    def gene(self, name: str, clause: str, sentence: str, context: str, shown: str) -> None:
        genes = ["BRCA1", "BRCA2"] if name in ("BRCA", "BRCA1/2", "BRCA1/BRCA2",
                                               "BRCA1ANDBRCA2") else [name]
        after = clause
        if _VUS.search(after) or (_VUS.search(sentence) and not (
                _PATHOGENIC.search(after) or _GENE_NEGATIVE.search(after))):
            result = "vus"
        elif _GENE_NEGATIVE.search(after):
            result = "negative"
        elif _PATHOGENIC.search(after):
            result = "positive"
        elif _GENE_NEGATIVE.search(sentence):
            result = "negative"
        elif _PATHOGENIC.search(sentence):
            result = "positive"
        else:
            return
        origin = _origin(sentence) or _origin(context) or "unknown"
        for gene in genes:
            self.genes.setdefault(gene, {}).setdefault(f"{origin}:{result}", _Evidence()).add(
                result, shown)

    def _genes(self) -> None:
        brca_values: dict[str, set[str]] = {}
        brca_texts: list[str] = []
        for gene, results in self.genes.items():
            for key, evidence in results.items():
                origin, result = key.split(":")
                text = "; ".join(evidence.texts())
                if gene not in ("BRCA1", "BRCA2"):
                    self.find("other_gene", f"{gene}: {result}", text, "other_gene", "value",
                              label=f"{gene}")
                    continue
                if result == "vus":
                    self.find("brca", f"{gene}: vus", text, "brca", "vus")
                    continue
                if origin != "germline":
                    self.find("brca", f"{gene}: {result}", text, "brca", "origin_unknown")
                    continue
                brca_values.setdefault(gene, set()).add(result)
                brca_texts.append(text)
        if not brca_values:
            return
        if any(len(values) > 1 for values in brca_values.values()):
            self.conflict("brca_mutation", brca_texts)
            return
        texts = "; ".join(dict.fromkeys(brca_texts))
        if any("positive" in values for values in brca_values.values()):
            self.profile["brca_mutation"] = "positive"
            self.find("brca", "positive", texts)
        elif all(brca_values.get(gene) == {"negative"} for gene in ("BRCA1", "BRCA2")):
            self.profile["brca_mutation"] = "negative"
            self.find("brca", "negative", texts)
        else:
            self.find("brca", "partial", texts)

    # TNM and stage ----------------------------------------------------------------------

    def tnm(self, tokens: list[_TnmToken], lines: list[_StageLine]) -> None:
        for token in tokens:
            self._tnm_finding(token)
        initial = [token for token in tokens if not token.prefix.startswith("y")]
        after = [token for token in tokens if token.prefix.startswith("y")]
        m_tokens = [token for token in tokens if token.letter == "m"]
        m_value = self._pick_m(m_tokens)
        t_value = self._pick(initial, "t")
        n_value = self._pick(initial, "n")
        yt_value = self._pick(after, "t")
        yn_value = self._pick(after, "n")
        tnm_texts = [token.text for token in initial]
        group = self._group(t_value, n_value, m_value, tnm_texts)
        y_group = None
        if yt_value and yn_value and (yt_value, yn_value) != ("conflict", "conflict"):
            y_texts = [token.text for token in after]
            if (self.kb.class_of["t"].get(yt_value) == "T0"
                    and self.kb.class_of["n"].get(yn_value) == "N0"):
                self.find("stage", "no_group", "; ".join(dict.fromkeys(y_texts)), "stage",
                          "no_group")
            else:
                y_group = self._group(yt_value, yn_value, m_value, y_texts, post=True)
        self._nodes(n_value, yn_value, initial, after)
        self._stage(group, y_group, lines, tnm_texts)

    def _tnm_finding(self, token: _TnmToken) -> None:
        item = token.letter
        code = token.code
        letter_class = self.kb.class_of[item].get(code)
        meanings = self.kb.report.meanings[item]
        key = code if code in meanings else (
            "N0(i+)" if code.startswith("N0(") and "+" in code else letter_class or code)
        if key not in meanings:
            return
        prefix_note = ""
        if token.prefix:
            prefix_note = self.kb.meaning("prefix", token.prefix).means
        self.find(item, token.prefix + code, token.text, item, key,
                  label=f"{token.prefix}{code}", extra=prefix_note)

    def _pick(self, tokens: list[_TnmToken], letter: str) -> str | None:
        """The category of ``letter``: pathologic over unprefixed over clinical; two different
        ones of the same kind are a conflict ("conflict")."""
        for prefixes in (("p", "yp"), ("",), ("c", "yc")):
            values = {token.code for token in tokens
                      if token.letter == letter and token.prefix in prefixes}
            if len(values) > 1:
                self.conflict(letter, [token.text for token in tokens if token.letter == letter])
                return "conflict"
            if values:
                return values.pop()
        return None

    def _pick_m(self, tokens: list[_TnmToken]) -> str | None:
        classes = {self.kb.class_of["m"].get(token.code) for token in tokens}
        if len(classes) > 1:
            self.conflict("m", [token.text for token in tokens])
            return "conflict"
        if not tokens:
            return None
        codes = {token.code for token in tokens}
        return "M0" if len(codes) > 1 else codes.pop()

    def _group(self, t: str | None, n: str | None, m: str | None, texts: list[str],
               post: bool = False) -> str | None:
        if "conflict" in (t, n, m):
            return None
        shown = "; ".join(dict.fromkeys(texts))
        if m is not None and self.kb.class_of["m"].get(m) == "M1":
            return self.kb.group_for(t, n, m)
        if t is None or n is None or t.endswith("X") or n.endswith("X"):
            return None
        if m is None:
            if_m0 = self.kb.group_for(t, n, "M0")
            if if_m0 is not None and not post:
                self.find("stage", "needs_m", shown, "stage", "needs_m",
                          extra=self.kb.phrase("stage_if_m0", group=if_m0))
            return None
        group = self.kb.group_for(t, n, m)
        if group is None:
            self.find("stage", "not_in_table", shown, "stage", "not_in_table")
        return group

    def _nodes(self, n_value: str | None, yn_value: str | None, initial: list[_TnmToken],
               after: list[_TnmToken]) -> None:
        def status(code: str | None) -> str | None:
            if code is None or code == "conflict" or code.endswith("X"):
                return None
            return "negative" if self.kb.class_of["n"].get(code) == "N0" else "positive"

        texts = [token.text for token in initial if token.letter == "n"]
        value = status(n_value)
        if value is None and n_value is None:
            y_status = status(yn_value)
            texts = [token.text for token in after if token.letter == "n"]
            if y_status == "negative":
                self.find("nodes", "unknown", "; ".join(dict.fromkeys(texts)), "nodes",
                          "negative", label="Lymph nodes not known before treatment",
                          extra=self.kb.phrase("nodes_post_treatment"))
                return
            value = y_status
        if value is not None:
            self.profile["nodes"] = value
            self.find("nodes", value, "; ".join(dict.fromkeys(texts)))

    def _stage(self, group: str | None, y_group: str | None, lines: list[_StageLine],
               tnm_texts: list[str]) -> None:
        kb = self.kb
        by_kind: dict[str, list[_StageLine]] = {}
        for line in lines:
            by_kind.setdefault(line.kind, []).append(line)
        tnm_shown = "; ".join(dict.fromkeys(tnm_texts))

        def matches(line_group: str, tnm_group: str) -> bool:
            return line_group == tnm_group or (
                line_group in ("I", "II", "III") and kb.explainer_stage(tnm_group) == line_group)

        def stage_of(line_group: str) -> str | None:
            return line_group if line_group in ("I", "II", "III") else kb.explainer_stage(
                line_group)

        chosen: str | None = None
        conflict = False
        if group is not None:
            self.find("stage", group, tnm_shown, "stage", "anatomic",
                      label=f"Anatomic stage {group}",
                      extra=kb.phrase("stage_from_tnm", group=group,
                                      stage=kb.explainer_stage(group) or group))
            chosen = kb.explainer_stage(group)
            for line in by_kind.get("anatomic", []):
                if not matches(line.group, group):
                    self.conflict("stage", [line.text, tnm_shown])
                    conflict = True
        anatomic_groups = {line.group for line in by_kind.get("anatomic", [])}
        for line in by_kind.get("anatomic", []):
            self.find("stage", line.group, line.text, "stage", "anatomic",
                      label=f"Anatomic stage {line.group}")
        for kind in ("unlabelled", "prognostic", "post_treatment"):
            for line in by_kind.get(kind, []):
                extra = ""
                if kind == "unlabelled" and group is not None and not matches(line.group,
                                                                               group):
                    extra = kb.phrase("stage_differs", tnm=group, line=line.group)
                self.find("stage", line.group, line.text, "stage", kind,
                          label=f"{kb.meaning('stage', kind).label}: {line.group}",
                          extra=extra)
        if conflict:
            return
        if chosen is None:
            # No full TNM: a stage line, in order of trust. Two different ones conflict.
            for kind, note in (("anatomic", "stage_from_line"), ("unlabelled", "stage_from_line"),
                               ("prognostic", "stage_prognostic_only"),
                               ("post_treatment", "stage_post_treatment_used")):
                kind_lines = by_kind.get(kind, [])
                stages = {stage_of(line.group) for line in kind_lines}
                if len(anatomic_groups) > 1 and kind == "anatomic":
                    self.conflict("stage", [line.text for line in kind_lines])
                    return
                if len(stages) > 1:
                    self.conflict("stage", [line.text for line in kind_lines])
                    return
                if stages and None not in stages:
                    chosen = stages.pop()
                    self.find("stage", chosen or "", kind_lines[0].text, "stage", kind,
                              label=f"Stage {chosen} (used)", extra=kb.phrase(note))
                    break
            if chosen is None and y_group is not None:
                chosen = kb.explainer_stage(y_group)
                self.find("stage", y_group, "post-treatment TNM", "stage", "post_treatment",
                          label=f"Stage after treatment {y_group}",
                          extra=kb.phrase("stage_post_treatment_used"))
        if chosen is not None:
            self.profile["stage"] = chosen

    # result ---------------------------------------------------------------------------

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
