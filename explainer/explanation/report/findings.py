"""Reading the report's other items: Ki-67, grade, histology, margins, lymphovascular invasion
(LVI) and gene results (BRCA1/2 and other genes, germline or somatic)."""

from __future__ import annotations

import re

from explainer.explanation.report.state import Evidence, StateBase
from explainer.explanation.report.wording import NUMBER, short_quote


def _words(*words: str, also: str = "") -> re.Pattern[str]:
    """Any of ``words`` as a whole word, or the pattern ``also``, in any case."""
    return re.compile(r"\b(?:" + "|".join(words) + r")\b" + (f"|{also}" if also else ""),
                      re.IGNORECASE)


_KI67 = re.compile(rf"(?P<cmp><|>|\u2264|\u2265)?\s*(?<![\w.])(?P<a>{NUMBER})\s*(?:(?:-|to)\s*"
                   rf"(?P<b>{NUMBER})\s*)?%")
_GRADE = re.compile(r"^\s*(?:\([^)]{0,30}\)\s*)?(?:[:=]|is|of)?\s*(?:G)?"
                    r"(?P<v>III|II|I|[123])(?!\d|\.\d|[A-Za-z])", re.IGNORECASE)
_GRADE_BEFORE = re.compile(r"(?P<v>high|intermediate|low)[\s-]*(?:nuclear\s+)?$", re.IGNORECASE)
_MARGIN_POSITIVE = _words("positive", "involved", "transected", also=r"tumou?r\s+(?:is\s+)?"
                          r"(?:present\s+)?at\s+(?:the\s+)?(?:inked\s+)?margin")
_MARGIN_NEGATIVE = _words("negative", "clear", "free", "uninvolved",
                          also=r"not\s+involved|no\s+tumou?r\s+at")
_MARGIN_CLOSE = _words("close")
_LVI_ABSENT = _words("absent", "negative", "none",
                     also=r"not\s+(?:identified|seen|present|detected)|^\s*[:=]?\s*no\b|"
                          r"^\s*[:=]?\s*-(?!\d)")
_LVI_PRESENT = _words("present", "identified", "seen", "positive", "detected",
                      also=r"^\s*[:=]?\s*yes\b|^\s*[:=]?\s*\+")
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


def _origin(text: str) -> str | None:
    """germline / somatic when ``text`` says which kind of test it was (None: not said, or
    both)."""
    germline, somatic = _GERMLINE.search(text), _SOMATIC.search(text)
    if germline and not somatic:
        return "germline"
    if somatic and not germline:
        return "somatic"
    return None


class FindingRules(StateBase):
    """The part of the reader's state for the other items."""

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
                shown = short_quote(word.group() + shown)
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
            self.find("lvi", "absent", short_quote(f"{line_start} {shown}"))
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
            self.genes.setdefault(gene, {}).setdefault(f"{origin}:{result}", Evidence()).add(
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
