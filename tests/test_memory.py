"""A long-lived process stays bounded in memory (issue 13, "memory per worker").

The composer's cache is bounded by bytes (EXPLAINER_MEMORY_CACHE_MB); these tests check the
bound itself (deterministic) and, with a generous margin, the process's resident memory after
every combination of the core factors at nine ages. Throughput is measured in
bench/bench_memory.py, never asserted here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT

from explainer.errors import InputError
from explainer.explanation.memo import SizedCache, memory_cache_bytes

SWEEP = """
import json, os, sys
from pathlib import Path
from explainer.explanation.api import get_explainer
from explainer.lint.factor_space import factor_space

def rss():
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")

explainer = get_explainer()
explainer.explain_json({})
core = list(factor_space(explainer.kb))
loaded = rss()
for age in (None, 25, 35, 45, 55, 65, 75, 85, 95):
    for profile in core:
        explainer.explain_json({**profile, "age": age})
cache = explainer.composer._parts_cache
print(json.dumps({"loaded": loaded, "after": rss(), "cache_bytes": cache.bytes,
                  "entries": len(cache), "budget": cache.max_bytes}))
"""


def test_the_cache_drops_the_least_recently_used_over_its_budget() -> None:
    cache: SizedCache[str, int] = SizedCache(100)
    cache.put("a", 1, 40)
    cache.put("b", 2, 40)
    assert cache.get("a") == 1  # a is now the most recent
    cache.put("c", 3, 40)  # over budget: b, the least recently used, goes
    assert (cache.get("b"), cache.get("a"), cache.get("c")) == (None, 1, 3)
    # Now c is the most recent. c gains a part: over budget again, and a (older) goes.
    cache.grow("c", 50)
    assert (cache.get("a"), cache.get("c"), cache.bytes) == (None, 3, 90)
    cache.put("huge", 4, 101)  # larger than the whole budget: never kept
    assert cache.get("huge") is None and cache.bytes <= 100


@pytest.mark.parametrize(("value", "expected"), [("", 16_000_000), ("0", 0), ("40", 40_000_000)])
def test_the_budget_setting(monkeypatch: pytest.MonkeyPatch, value: str, expected: int) -> None:
    monkeypatch.setenv("EXPLAINER_MEMORY_CACHE_MB", value)
    assert memory_cache_bytes() == expected


@pytest.mark.parametrize("value", ["-1", "x", "1.5", "999999"])
def test_a_bad_budget_is_one_clear_error(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("EXPLAINER_MEMORY_CACHE_MB", value)
    with pytest.raises(InputError, match="EXPLAINER_MEMORY_CACHE_MB must be a whole number"):
        memory_cache_bytes()


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="reads RSS from /proc")
def test_explaining_every_core_combination_at_nine_ages_stays_bounded() -> None:
    # A small budget makes the bound visible: unbounded, this sweep grew the process by about
    # 80 MB (bench/bench_memory.py); bounded to 4 MB it grows by far less than 40 MB.
    done = subprocess.run([sys.executable, "-c", SWEEP], capture_output=True, text=True,
                          cwd=ROOT, timeout=900, check=True,
                          env={**os.environ, "EXPLAINER_MEMORY_CACHE_MB": "4"})
    figures = json.loads(done.stdout)
    assert figures["budget"] == 4_000_000
    assert figures["cache_bytes"] <= figures["budget"]
    assert figures["entries"] > 50  # it still caches
    assert figures["after"] - figures["loaded"] < 40_000_000, figures
