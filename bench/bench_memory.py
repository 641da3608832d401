"""Memory and throughput of a long-lived process that explains many different profiles.

A server worker (or any program using the API) keeps parts of the explanations it has made
for reuse. This measures, in a fresh process per setting:

* RSS after loading (the knowledge base, the engine, one explanation to warm up);
* RSS after explaining every combination of the core factors at nine ages (12,960 profiles),
  then the same again with the side-effect concerns and BRCA status varied (12,960 more);
* the throughput of ``explain_json()`` (what the web API sends) over both passes.

``EXPLAINER_MEMORY_CACHE_MB`` bounds the composer's cache; the settings compared are the
default, a large budget (as good as unbounded here) and 0 (no cache).

    python bench/bench_memory.py              # about 4 minutes on 2 shared cores
    python bench/bench_memory.py --as-worker  # with the web application loaded
    python bench/bench_memory.py --tree ../before --only default   # an earlier commit
    python bench/bench_memory.py --json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
AGES = (None, 25, 35, 45, 55, 65, 75, 85, 95)
CONCERNS: tuple[list[str], ...] = (
    [], ["fatigue"], ["hair_loss", "nausea"], ["fertility", "body_image"],
            ["none"], ["daily_life", "nerve_damage", "menopause_symptoms"])
BRCA = ("unknown", "positive", "negative")
SETTINGS = {"default": None, "large (1000 MB)": "1000", "none (0 MB)": "0"}


def rss_mb() -> float:
    """The resident set size of this process now, in MB (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1_000_000


def profiles() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The two passes: core factors x ages, then the same with concerns and BRCA varied."""
    from explainer.explanation.api import get_explainer
    from explainer.lint.factor_space import factor_space

    core = list(factor_space(get_explainer().kb))
    first = [{**profile, "age": age} for age in AGES for profile in core]
    second = [{**profile, "side_effect_concerns": CONCERNS[index % len(CONCERNS)],
               "brca_mutation": BRCA[(index // len(CONCERNS)) % len(BRCA)]}
              for index, profile in enumerate(first)]
    return first, second


def child(as_worker: bool) -> dict[str, Any]:
    """Run in the measured process: load, warm up, explain both passes, report.

    ``as_worker`` loads what a server worker loads (the web application) and answers through
    its ``explain_json``, the work of ``POST /api/explain``."""
    from explainer.explanation.api import get_explainer

    explainer: Any = get_explainer()
    if as_worker:
        from explainer.web.app import create_app

        explainer = create_app().state.site
    explainer.explain_json({})
    first, second = profiles()
    loaded = rss_mb()
    result: dict[str, Any] = {"loaded_mb": round(loaded, 1)}
    for name, batch in (("core_x_ages", first), ("concerns_varied", second)):
        started, cpu = time.perf_counter(), time.process_time()
        for profile in batch:
            explainer.explain_json(profile)
        took, cpu_took = time.perf_counter() - started, time.process_time() - cpu
        # Per CPU second as well: on a shared machine wall-clock rates vary with the load.
        result[name] = {"profiles": len(batch), "per_second": round(len(batch) / took),
                        "per_cpu_second": round(len(batch) / cpu_took),
                        "rss_mb": round(rss_mb(), 1)}
    return result


def measure(setting: str | None, tree: str | None, as_worker: bool) -> dict[str, Any]:
    env = {**os.environ}
    env.pop("EXPLAINER_MEMORY_CACHE_MB", None)
    if setting is not None:
        env["EXPLAINER_MEMORY_CACHE_MB"] = setting
    if tree is not None:  # another checkout's code comes first on the path
        env["PYTHONPATH"] = tree
    done = subprocess.run([sys.executable, __file__, "--child",
                           *(["--as-worker"] if as_worker else [])], capture_output=True,
                          text=True, env=env, cwd=tree or ROOT, check=True, timeout=1800)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--only", choices=list(SETTINGS), help="measure one setting")
    parser.add_argument("--as-worker", action="store_true",
                        help="load the web application too, as a server worker does")
    parser.add_argument("--tree", metavar="DIR",
                        help="measure the code of another checkout (for example an earlier "
                             "commit made with `git worktree add DIR COMMIT`): before/after")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.as_worker)))
        return
    results = {name: measure(value, args.tree, args.as_worker) for name, value in
               SETTINGS.items() if args.only in (None, name)}
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'cache budget':<18} {'loaded':>8} {'after pass 1':>13} {'after pass 2':>13} "
          f"{'pass 1/s':>9} {'pass 2/s':>9} {'1/cpu-s':>8} {'2/cpu-s':>8}")
    for name, result in results.items():
        one, two = result["core_x_ages"], result["concerns_varied"]
        print(f"{name:<18} {result['loaded_mb']:>6.1f}MB {one['rss_mb']:>11.1f}MB "
              f"{two['rss_mb']:>11.1f}MB {one['per_second']:>9} {two['per_second']:>9} "
              f"{one['per_cpu_second']:>8} {two['per_cpu_second']:>8}")


if __name__ == "__main__":
    main()
