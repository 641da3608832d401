"""The Python API: load a knowledge base once, then explain profiles."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from explainer.engine.host import RulesEngine
from explainer.explanation.compose import Composer
from explainer.explanation.models import Explanation
from explainer.kb import cache
from explainer.kb.files import bundled_root
from explainer.kb.knowledge import KnowledgeBase
from explainer.kb.loader import load_knowledge
from explainer.kb.paths import resolve_root
from explainer.kb.profiles import Profile, allowed_values, parse_profile, to_fact

if TYPE_CHECKING:
    from explainer.explanation.report.model import ReportReading


class Explainer:
    """One knowledge base with its rules registered on the engine, ready to explain profiles.

    Building one registers the rules on durable-rules, which never frees them, so build one per
    knowledge base and reuse it (:func:`get_explainer` does this for you). Thread-safe.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.engine = RulesEngine(kb)
        self.composer = Composer(kb)

    def parse(self, data: Mapping[str, Any] | Profile | None) -> Profile:
        """Check ``data`` against this knowledge base (see :func:`explainer.parse_profile`)."""
        return parse_profile({} if data is None else data, self.kb.factors)

    def fired(self, profile: Profile) -> list[str]:
        """Ids of the rules that fire for a checked profile, in rule order."""
        return self.engine.fired(to_fact(profile, self.kb.factors))

    def explain(self, data: Mapping[str, Any] | Profile | None) -> Explanation:
        """Check ``data`` and explain it."""
        profile = self.parse(data)
        return self.composer.compose(profile, self.fired(profile))

    def explain_json(self, data: Mapping[str, Any] | Profile | None) -> bytes:
        """``explain(data).model_dump_json()`` as bytes, faster (for APIs and benchmarks)."""
        profile = self.parse(data)
        return self.composer.compose_json(profile, self.fired(profile))

    def read_report(self, text: str) -> ReportReading:
        """Read pathology-report wording with this knowledge base's report knowledge: each
        item found, what it means, the factors it settles, what was not understood."""
        from explainer.explanation.report.parse import read_report

        return read_report(text, self.kb.report)

    def report_factors(self, reading: ReportReading) -> dict[str, str]:
        """The factors of ``reading`` this knowledge base can take (a value it does not list,
        say ``nodes`` in a knowledge base without that factor, is left out: unknown)."""
        usable: dict[str, str] = {}
        for factor_id, value in reading.profile.items():
            factor = self.kb.factors.get(factor_id)
            if factor is not None and value in allowed_values(factor):
                usable[factor_id] = value
        return usable

    def with_report(self, reading: ReportReading, data: Mapping[str, Any] | None = None
                    ) -> tuple[dict[str, Any], tuple[str, ...]]:
        """The raw profile ``data`` (what the person entered) filled in with the factors the
        report settles, each entered value winning over the report's; and which factors came
        from the report."""
        entered = dict(data or {})
        from_report = {factor: value for factor, value in self.report_factors(reading).items()
                       if entered.get(factor) is None}
        return {**entered, **from_report}, tuple(from_report)

    def explain_report(self, reading: ReportReading,
                       data: Mapping[str, Any] | None = None) -> Explanation:
        """Explain the factors a report settles, with ``data`` overriding them factor by
        factor (see :meth:`with_report`). ``from_report`` lists the factors taken from the
        report, so every output can say which ones they are."""
        merged, from_report = self.with_report(reading, data)
        return self.explain(merged).model_copy(update={"from_report": from_report})


_CACHE: dict[tuple[Path, str], Explainer] = {}
_CACHE_LOCK = threading.Lock()

# The bundled knowledge base's explainer, kept for the process: hashing every file to find it
# in the cache costs about 6 ms, 37 times an explanation. Its files are stat-ed again at most
# once a second, so an edit to the bundled knowledge base is still picked up.
_RECHECK_SECONDS = 1.0
_default: list[Any] = [None, None, 0.0]  # explainer, file signature, when last checked


def _default_explainer() -> Explainer:
    explainer, signature, checked = _default
    now = time.monotonic()
    if explainer is not None and now - checked < _RECHECK_SECONDS:
        return explainer  # type: ignore[no-any-return]
    root = bundled_root()
    current = cache.stat_signature(root)
    if explainer is None or current != signature:
        explainer = _shared(load_knowledge(root))
    _default[:] = [explainer, current, now]
    return explainer  # type: ignore[no-any-return]


def _shared(kb: KnowledgeBase) -> Explainer:
    key = (kb.root, kb.fingerprint)
    with _CACHE_LOCK:
        explainer = _CACHE.get(key)
        if explainer is None:
            explainer = _CACHE[key] = Explainer(kb)
    return explainer


def get_explainer(knowledge: KnowledgeBase | str | Path | None = None) -> Explainer:
    """The shared :class:`Explainer` for a knowledge base (loaded and built on first use).

    ``knowledge`` is a loaded :class:`KnowledgeBase`, a folder (see :func:`load_knowledge`), or
    None for the bundled one. Explainers are cached by folder and content, so asking twice for
    the same knowledge base does not register its rules twice.
    """
    if knowledge is None:
        return _default_explainer()
    if isinstance(knowledge, KnowledgeBase):
        return _shared(knowledge)
    return _shared(load_knowledge(resolve_root(knowledge)))


def explain(
    profile: Mapping[str, Any] | Profile | None = None,
    /,
    *,
    knowledge: KnowledgeBase | str | Path | None = None,
    **factors: Any,
) -> Explanation:
    """Explain which treatment categories are often discussed for a profile, and why.

    ``profile`` maps factor ids to values (``{"stage": "IV", "hr_status": "positive"}``);
    keyword arguments add or override factors. Omitted factors are unknown. Raises
    :class:`~explainer.errors.ProfileError` (a ``ValueError``) naming each bad field and its
    allowed values, and :class:`~explainer.errors.KnowledgeBaseError` if ``knowledge`` is broken.
    """
    explainer = get_explainer(knowledge)
    data: dict[str, Any] = {}
    if isinstance(profile, Profile):
        data.update(profile.model_dump())
    elif isinstance(profile, Mapping):
        data.update(profile)
    elif profile is not None:
        explainer.parse(profile)  # not a mapping (a number, text, a list): a ProfileError
    data.update(factors)
    return explainer.explain(data)
