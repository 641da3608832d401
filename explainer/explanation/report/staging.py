"""Adding up TNM categories and stage lines: the T, N and M findings, the lymph-node status and
the anatomic stage group from the AJCC table in the knowledge base, or a stage line the report
states, in order of trust."""

from __future__ import annotations

from dataclasses import dataclass

from explainer.explanation.report.state import StateBase


@dataclass(frozen=True)
class TnmToken:
    """One TNM category as written ("pT2", with its prefix)."""

    letter: str
    prefix: str
    code: str
    text: str


@dataclass(frozen=True)
class StageLine:
    """One stage line of the report ("Anatomic stage IIB")."""

    kind: str
    group: str
    text: str


class StagingRules(StateBase):
    """The TNM and stage part of the reader's state."""

    def tnm(self, tokens: list[TnmToken], lines: list[StageLine]) -> None:
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

    def _tnm_finding(self, token: TnmToken) -> None:
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

    def _pick(self, tokens: list[TnmToken], letter: str) -> str | None:
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

    def _pick_m(self, tokens: list[TnmToken]) -> str | None:
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

    def _nodes(self, n_value: str | None, yn_value: str | None, initial: list[TnmToken],
               after: list[TnmToken]) -> None:
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

    # Over 60 lines on purpose: the order of trust between the full TNM group and each kind of
    # stage line is one sequence of decisions, best read top to bottom.
    def _stage(self, group: str | None, y_group: str | None, lines: list[StageLine],
               tnm_texts: list[str]) -> None:
        kb = self.kb
        by_kind: dict[str, list[StageLine]] = {}
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
