"""Warm time per explanation (engine, engine + compose, + JSON render), with the oracle floor.

Run: python bench/bench_explain.py [--repeat N]. Prints a table; times are medians over every
profile of the core factor space, measured after one warm-up pass. Never used in tests.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from explainer import get_explainer
from explainer.checks import factor_space
from explainer.engine import oracle_fired
from explainer.profiles import to_fact


def _time(action: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    explainer = get_explainer()
    kb = explainer.kb
    profiles = [explainer.parse(raw) for raw in factor_space(kb)]
    facts = [to_fact(profile, kb.factors) for profile in profiles]
    fired = [explainer.fired(profile) for profile in profiles]
    for profile, ids in zip(profiles, fired, strict=True):  # warm-up (fills compose caches)
        explainer.composer.compose(profile, ids).model_dump_json()
    count = len(profiles)
    rows = {
        "oracle (plain Python)": lambda: [oracle_fired(kb, fact) for fact in facts],
        "engine (durable-rules)": lambda: [explainer.engine.fired(fact) for fact in facts],
        "engine + compose": lambda: [explainer.composer.compose(p, explainer.fired(p))
                                     for p in profiles],
        "engine + compose + JSON": lambda: [explainer.composer.compose(
            p, explainer.fired(p)).model_dump_json() for p in profiles],
    }
    print(f"{count} profiles (every combination of the core factors), median of "
          f"{args.repeat} passes")
    print(f"{'stage':<26}{'per profile (us)':>18}{'profiles/s':>12}")
    for name, action in rows.items():
        seconds = _time(action, args.repeat) / count
        print(f"{name:<26}{seconds * 1e6:>18.1f}{1 / seconds:>12.0f}")


if __name__ == "__main__":
    main()
