"""A cache bounded by the bytes it holds, for the composer's parts of explanations.

A long-lived process (a server worker, a program using the API) explains many different
profiles; the parts kept for reuse, each with its serialised JSON (43-65 KB, mostly citations
repeated under every reason), grew a worker from 32 MB to over 200 MB. The cache keeps the
parts used most recently and drops the oldest once it holds more than its budget:
``EXPLAINER_MEMORY_CACHE_MB`` megabytes per knowledge base (default
:data:`DEFAULT_MEMORY_CACHE_MB`; 0 keeps nothing). Sizes are estimates: the length of the
serialised JSON kept, plus a fixed amount for the objects themselves (which mostly share
their parts with other entries).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from typing import Generic, TypeVar

from explainer.errors import InputError

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
