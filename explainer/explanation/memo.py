"""The composer's cache of the parts of explanations: bounded by the bytes it holds, and
keeping each part's JSON once serialised.

A long-lived process (a server worker, a program using the API) explains many different
profiles; the parts kept for reuse, each with its serialised JSON (43-65 KB, mostly citations
repeated under every reason), grew a worker from 32 MB to over 200 MB. The cache keeps the
parts used most recently and drops the oldest once it holds more than its budget:
``EXPLAINER_MEMORY_CACHE_MB`` megabytes per knowledge base (default
:data:`DEFAULT_MEMORY_CACHE_MB`; 0 keeps nothing). Sizes are estimates: the length of the
serialised JSON kept, plus a fixed amount for the objects themselves (which mostly share
their parts with other entries).

:class:`PartsCache` also writes an explanation's JSON from its kept parts
(:meth:`~explainer.explanation.compose.Composer.compose_json`).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from typing import Any, Generic, TypeVar

from pydantic import TypeAdapter

from explainer.errors import InputError
from explainer.explanation.models import CategoryResult, Explanation

K = TypeVar("K")
V = TypeVar("V")

MEMORY_CACHE_ENV = "EXPLAINER_MEMORY_CACHE_MB"
DEFAULT_MEMORY_CACHE_MB = 16
"""Enough for every combination of the core factors at one age (bench/bench_memory.py)."""


def memory_cache_bytes() -> int:
    """The cache budget from ``EXPLAINER_MEMORY_CACHE_MB`` (a whole number of megabytes)."""
    text = os.environ.get(MEMORY_CACHE_ENV, "").strip()
    if not text:
        return DEFAULT_MEMORY_CACHE_MB * 1_000_000
    if not text.isdigit() or int(text) > 100_000:
        raise InputError(f"{MEMORY_CACHE_ENV} must be a whole number of megabytes from 0 to "
                         f"100000, got '{text[:20]}'")
    return int(text) * 1_000_000


class SizedCache(Generic[K, V]):
    """Least-recently-used entries, dropped once their estimated sizes exceed ``max_bytes``."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: K) -> V | None:
        """The value kept for ``key`` (now the most recently used), or None."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        return entry[0]

    def put(self, key: K, value: V, size: int) -> None:
        """Keep ``value`` for ``key``, counted as ``size`` bytes; drop the oldest over budget."""
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= old[1]
        if size > self.max_bytes:
            return
        self._entries[key] = (value, size)
        self.bytes += size
        self._trim()

    def grow(self, key: K, extra: int) -> None:
        """Count ``extra`` more bytes for ``key`` (its value gained a part)."""
        entry = self._entries.get(key)
        if entry is None:
            return
        self._entries[key] = (entry[0], entry[1] + extra)
        self.bytes += extra
        self._trim()

    def clear(self) -> None:
        """Drop everything."""
        self._entries.clear()
        self.bytes = 0

    def _trim(self) -> None:
        while self.bytes > self.max_bytes and self._entries:
            _, (_, size) = self._entries.popitem(last=False)
            self.bytes -= size


PartsKey = tuple[frozenset[str], tuple[str, ...], object]
"""What the kept parts depend on: the rules that fired, the unknown factors, and the stage and
question order."""
_PARTS_OVERHEAD = 3_000
"""Estimated bytes of one entry of the parts cache before its JSON is kept: the containers of
its parts (the parts themselves are shared between entries)."""
# Fields of an Explanation that come from the cached parts (the rest depend on the profile).
_PART_FIELDS = ("categories", "unknown_factors", "notes", "questions", "care_team", "knowledge",
                "in_short")
# The order model_dump_json() writes the fields in: the model's fields, then computed ones
# (from_report is excluded from the dump; see models.explanation_json).
_JSON_ORDER = tuple(name for name in (*Explanation.model_fields,
                                      *Explanation.model_computed_fields)
                    if name != "from_report")


class PartsCache(SizedCache[PartsKey, dict[str, Any]]):
    """The parts of explanations that depend only on what :data:`PartsKey` names, kept by it
    within ``EXPLAINER_MEMORY_CACHE_MB``, and an explanation (or its JSON) made from them."""

    def __init__(self) -> None:
        super().__init__(memory_cache_bytes())
        self._adapters: dict[str, TypeAdapter[Any]] | None = None
        self._category_json_cache: dict[int, tuple[CategoryResult, bytes]] = {}
        self._category_adapter: TypeAdapter[CategoryResult] | None = None

    def keep(self, key: PartsKey, parts: dict[str, Any]) -> None:
        """Keep freshly made ``parts`` for ``key``."""
        parts["key"] = key
        self.put(key, parts, _PARTS_OVERHEAD)

    @staticmethod
    def explanation(cached: dict[str, Any], fields: dict[str, Any]) -> Explanation:
        """The explanation of the kept parts ``cached`` and the profile's own ``fields``."""
        return Explanation.model_construct(
            **fields, **{name: cached[name] for name in _PART_FIELDS})

    def json(self, cached: dict[str, Any], fields: dict[str, Any]) -> bytes:
        """``explanation(cached, fields).model_dump_json()``: the kept parts are serialised
        once and kept with them; only the profile's own ``fields`` are serialised each time."""
        adapters = self._json_adapters()
        fragments = cached.get("json")
        if fragments is None:
            fragments = {name: adapters[name].dump_json(cached[name])
                         for name in _PART_FIELDS if name != "categories"}
            fragments["questions_for_doctor"] = adapters["questions_for_doctor"].dump_json(
                [question.text for question in cached["questions"]])
            cached["json"] = fragments
            self.grow(cached["key"], sum(map(len, fragments.values())))
        # The categories, most of every answer, are serialised once per distinct category
        # result and shared by every answer that has it, instead of once per cached entry.
        categories = b"[" + b",".join(self._category_json(category)
                                      for category in cached["categories"]) + b"]"
        fragments = {**fragments, "categories": categories,
                     **{name: adapters[name].dump_json(value) for name, value in fields.items()}}
        return b"{" + b",".join(b'"' + name.encode() + b'":' + fragments[name]
                                for name in _JSON_ORDER) + b"}"

    def _category_json(self, category: CategoryResult) -> bytes:
        # Keyed by identity: category results are shared objects of the category cache (which
        # holds one per category and combination of its own fired rules, about a hundred).
        kept = self._category_json_cache.get(id(category))
        if kept is None or kept[0] is not category:
            if self._category_adapter is None:
                self._category_adapter = TypeAdapter(CategoryResult)
            kept = (category, self._category_adapter.dump_json(category))
            self._category_json_cache[id(category)] = kept
        return kept[1]

    def _json_adapters(self) -> dict[str, TypeAdapter[Any]]:
        if self._adapters is None:
            adapters: dict[str, TypeAdapter[Any]] = {}
            for name, field in Explanation.model_fields.items():
                assert field.annotation is not None
                adapters[name] = TypeAdapter(field.annotation)
            adapters["questions_for_doctor"] = TypeAdapter(list[str])
            self._adapters = adapters
        return self._adapters
