"""Every performance figure of the project, measured in one run.

    python bench/run.py [--quick] [--json PATH]

1. Warm time per explanation (median and p99) for the engine alone, engine + compose, and
   engine + compose + JSON (the compact JSON the web API sends, Explainer.explain_json), with
   the plain-Python oracle as the floor.
2. The whole factor space: every combination of the core factors explained and rendered to JSON
   in a fresh process (total time, profiles per second).
3. Cold start: the whole `explainer explain ... --format json` process against a bare
   `python -c "import rich, pydantic, yaml, durable.lang"`; and loading the knowledge base on its
   own (YAML parse + validation + compile), with and without the knowledge-base cache.
4. Start-up ratios (issue 11), each against its floor in the same run, runs interleaved so
   that a busy machine slows both sides alike: ``explainer.explain()`` against
   ``get_explainer().explain()``; ``explainer --help``, ``--version``, ``factors`` and
   ``lint --help`` against ``python -c "import argparse"``; ``explain --format json`` against
   the dependency floor (import durable.lang, build and dump one pydantic model).
5. Memory: resident set size before and after 100,000 explanations in one process (after one
   warm-up cycle of the same workload, so that bounded caches are already full).

Prints a table and writes the figures as JSON (default bench/results/latest.json). Figures are
for reading, never for asserting in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TARGETS = {
    "compose_over_engine": 3.0,
    "factor_space_seconds": 1.0,
    "cold_start_ratio": 1.5,
    "rss_growth_mb": 5.0,
    "api_explain_ratio": 1.1,
    "help_ratio_max": 2.0,
    "json_cold_ratio": 1.3,
}
FLOOR_JSON = ("import durable.lang\nfrom pydantic import BaseModel\n"
              "class Probe(BaseModel):\n    x: int\nProbe(x=1).model_dump_json()")


def _python(code: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter; it prints one JSON object as its last line."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, check=True, cwd=ROOT, env={**os.environ, **(env or {})})
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def warm_times(passes: int) -> dict[str, Any]:
    """Per-profile times over the core factor space, after a warm-up pass."""
    code = f"""
    import json, statistics, time
    from explainer import get_explainer
    from explainer.lint.factor_space import factor_space
    from explainer.engine.oracle import oracle_fired
    from explainer.kb.profiles import to_fact
    ex = get_explainer(); kb = ex.kb
    profiles = [ex.parse(raw) for raw in factor_space(kb)]
    facts = [to_fact(p, kb.factors) for p in profiles]
    for p in profiles:
        ex.composer.compose_json(p, ex.fired(p))
    stages = {{
        "oracle": lambda i: oracle_fired(kb, facts[i]),
        "engine": lambda i: ex.engine.fired(facts[i]),
        "engine_compose": lambda i: ex.composer.compose(profiles[i], ex.fired(profiles[i])),
        "engine_compose_json": lambda i: ex.composer.compose_json(
            profiles[i], ex.fired(profiles[i])),
    }}
    out = {{}}
    for name, action in stages.items():
        samples = []
        for _ in range({passes}):
            for i in range(len(profiles)):
                start = time.perf_counter(); action(i); samples.append(time.perf_counter() - start)
        samples.sort()
        out[name] = {{"median_us": statistics.median(samples) * 1e6,
                     "p99_us": samples[int(0.99 * len(samples))] * 1e6}}
    print(json.dumps(out))
    """
    return _python(code)


def factor_space_run() -> dict[str, Any]:
    """Every core combination explained and rendered to JSON, in a fresh process."""
    code = """
    import json, time
    from explainer import get_explainer
    from explainer.lint.factor_space import factor_space
    ex = get_explainer()
    raws = list(factor_space(ex.kb))
    passes = []
    for _ in range(2):
        start = time.perf_counter()
        size = sum(len(ex.explain_json(raw)) for raw in raws)
        passes.append(time.perf_counter() - start)
    print(json.dumps({"profiles": len(raws), "first_pass_s": passes[0],
                      "second_pass_s": passes[1], "json_bytes": size}))
    """
    return _python(code)


def _process_env(cache: str) -> dict[str, str]:
    """The environment of a timed process: the knowledge-base cache in ``cache``, and Python's
    bytecode cache on (as after ``pip install``, which compiles it), even where the shell sets
    PYTHONDONTWRITEBYTECODE: otherwise every run would compile the package from source."""
    env = {**os.environ, "EXPLAINER_CACHE_DIR": cache}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _median_process_seconds(command: list[str], runs: int, env: dict[str, str]) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
                       cwd=ROOT, env=env)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def cold_start(runs: int) -> dict[str, Any]:
    """The whole CLI process against a bare import of its main libraries."""
    with tempfile.TemporaryDirectory() as cache:
        env = _process_env(cache)
        bare = [sys.executable, "-c", "import rich, pydantic, yaml, durable.lang"]
        # `import pydantic` is lazy: it does not load what any model class needs. This second
        # baseline adds that, for a fairer view of what the explainer itself costs.
        with_models = [sys.executable, "-c", "import rich, pydantic, yaml, durable.lang\n"
                       "from pydantic import BaseModel\nclass Probe(BaseModel):\n    x: int\n"
                       "Probe(x=1).model_dump_json()"]
        cli = [sys.executable, "-m", "explainer", "explain", "--stage", "IV", "--hr", "positive",
               "--her2", "negative", "--format", "json"]
        subprocess.run(cli, stdout=subprocess.DEVNULL, check=True, cwd=ROOT, env=env)  # fill
        bare_s = _median_process_seconds(bare, runs, env)
        with_models_s = _median_process_seconds(with_models, runs, env)
        cli_s = _median_process_seconds(cli, runs, env)
        no_cache_s = _median_process_seconds(cli, max(3, runs // 3),
                                             {**env, "EXPLAINER_NO_CACHE": "1"})
        load_code = """
        import json, time
        start = time.perf_counter()
        from explainer.kb.loader import load_knowledge
        imported = time.perf_counter()
        kb = load_knowledge()
        loaded = time.perf_counter()
        from explainer.engine.host import RulesEngine
        RulesEngine(kb)
        compiled = time.perf_counter()
        print(json.dumps({"import_s": imported - start, "load_s": loaded - imported,
                          "compile_register_s": compiled - loaded}))
        """
        cached = _python(load_code, env)
        uncached = _python(load_code, {**env, "EXPLAINER_NO_CACHE": "1"})
    return {"bare_import_s": bare_s, "bare_import_one_model_s": with_models_s,
            "cli_json_s": cli_s, "cli_json_no_cache_s": no_cache_s,
            "ratio_to_one_model": cli_s / with_models_s,
            "ratio": cli_s / bare_s, "ratio_no_cache": no_cache_s / bare_s,
            "knowledge_load_cached": cached, "knowledge_load_uncached": uncached}


def api_ratio(passes: int) -> dict[str, Any]:
    """``explainer.explain()`` against ``get_explainer().explain()``, per call, interleaved."""
    code = f"""
    import json, statistics, time
    from explainer import explain, get_explainer
    from explainer.lint.factor_space import factor_space
    ex = get_explainer()
    raws = list(factor_space(ex.kb))
    for raw in raws:
        explain(raw); ex.explain(raw)
    api, direct = [], []
    for _ in range({passes}):
        for raw in raws:
            start = time.perf_counter(); explain(raw); api.append(time.perf_counter() - start)
            start = time.perf_counter(); ex.explain(raw); direct.append(time.perf_counter() - start)
    print(json.dumps({{"explain_us": statistics.median(api) * 1e6,
                      "get_explainer_explain_us": statistics.median(direct) * 1e6}}))
    """
    result = _python(code)
    result["ratio"] = result["explain_us"] / result["get_explainer_explain_us"]
    return result


def _interleaved(commands: dict[str, list[str]], runs: int, env: dict[str, str]
                 ) -> dict[str, float]:
    """Median seconds of each command, run in turn ``runs`` times (after one warm-up each)."""
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for index in range(runs + 1):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=True, cwd=ROOT, env=env)
            if index:
                samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in samples.items()}


def startup_ratios(runs: int) -> dict[str, Any]:
    """The short commands against a bare ``import argparse``, and the JSON command against the
    dependency floor (the knowledge-base cache filled first, as after any first run)."""
    python = sys.executable
    cli = [python, "-m", "explainer"]
    with tempfile.TemporaryDirectory() as cache:
        env = _process_env(cache)
        subprocess.run([*cli, "explain", "--format", "json"], stdout=subprocess.DEVNULL,
                       check=True, cwd=ROOT, env=env)
        times = _interleaved({
            "argparse": [python, "-c", "import argparse"],
            "help": [*cli, "--help"], "version": [*cli, "--version"],
            "factors": [*cli, "factors"], "lint_help": [*cli, "lint", "--help"],
            "floor_json": [python, "-c", FLOOR_JSON],
            "explain_json": [*cli, "explain", "--stage", "IV", "--hr", "positive", "--her2",
                             "negative", "--format", "json"],
        }, runs, env)
    ratios = {name: times[name] / times["argparse"]
              for name in ("help", "version", "factors", "lint_help")}
    return {"seconds": times, "ratios_to_argparse": ratios,
            "json_to_floor": times["explain_json"] / times["floor_json"]}


def memory(count: int) -> dict[str, Any]:
    """Resident set size before and after ``count`` explanations in one process."""
    code = f"""
    import json, itertools
    from explainer import get_explainer
    from explainer.lint.factor_space import factor_space

    def rss_mb():
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[1])
        import os
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20

    ex = get_explainer()
    start = rss_mb()
    # The workload: every core combination, each with four ages (three age bands and none).
    mix = [{{**raw, "age": age}} for raw in factor_space(ex.kb) for age in (None, 35, 52, 77)]
    for profile in mix:  # one full cycle first: caches fill, every path is taken once
        ex.explain(profile).model_dump_json()
    before = rss_mb()
    for _, profile in zip(range({count}), itertools.cycle(mix)):
        ex.explain(profile).model_dump_json()
    after = rss_mb()
    print(json.dumps({{"explanations": {count}, "rss_start_mb": start,
                      "rss_before_mb": before, "rss_after_mb": after,
                      "growth_mb": after - before,
                      "open_sessions": ex.engine.open_sessions}}))
    """
    return _python(code)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="fewer passes and 10,000 explanations for memory (a smoke run)")
    parser.add_argument("--startup-only", action="store_true",
                        help="only the start-up ratios of section 4 (a minute, not ten)")
    parser.add_argument("--json", type=Path, default=HERE / "results" / "latest.json",
                        help="where to write the figures (default: bench/results/latest.json)")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "python": platform.python_version(), "machine": platform.machine(),
        "cpus": os.cpu_count(), "when": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    print("measuring start-up ratios ...", file=sys.stderr)
    results["api"] = api_ratio(1 if args.quick or args.startup_only else 3)
    results["startup"] = startup_ratios(5 if args.quick else 15)
    if args.startup_only:
        _print_startup(results)
        _write(results, args.json)
        return
    print("measuring warm times ...", file=sys.stderr)
    results["warm"] = warm_times(1 if args.quick else 3)
    print("measuring the whole factor space ...", file=sys.stderr)
    results["factor_space"] = factor_space_run()
    print("measuring cold start ...", file=sys.stderr)
    results["cold_start"] = cold_start(5 if args.quick else 15)
    count = 10_000 if args.quick else 100_000
    print(f"measuring memory over {count:,} explanations ...", file=sys.stderr)
    results["memory"] = memory(count)

    warm = results["warm"]
    engine = warm["engine"]["median_us"]
    print(f"\n{'warm, per profile':<34}{'median':>10}{'p99':>10}{'x oracle':>10}{'x engine':>10}")
    for name, label in (("oracle", "plain-Python oracle (floor)"),
                        ("engine", "durable-rules engine"),
                        ("engine_compose", "engine + compose"),
                        ("engine_compose_json", "engine + compose + JSON")):
        row = warm[name]
        print(f"{label:<34}{row['median_us']:>8.0f}us{row['p99_us']:>8.0f}us"
              f"{row['median_us'] / warm['oracle']['median_us']:>10.2f}"
              f"{row['median_us'] / engine:>10.2f}")
    space = results["factor_space"]
    print(f"\nwhole factor space: {space['profiles']} profiles explained + JSON in "
          f"{space['first_pass_s']:.2f} s ({space['profiles'] / space['first_pass_s']:.0f}/s); "
          f"second pass {space['second_pass_s']:.2f} s")
    cold = results["cold_start"]
    print(f"\ncold start: CLI --format json {cold['cli_json_s'] * 1000:.0f} ms (cache filled), "
          f"{cold['cli_json_no_cache_s'] * 1000:.0f} ms (no cache); bare import "
          f"{cold['bare_import_s'] * 1000:.0f} ms; ratio {cold['ratio']:.2f} "
          f"({cold['ratio_no_cache']:.2f} without cache)")
    print(f"  bare import plus one pydantic model used: "
          f"{cold['bare_import_one_model_s'] * 1000:.0f} ms; ratio to it "
          f"{cold['ratio_to_one_model']:.2f}")
    for label, key in (("cached", "knowledge_load_cached"),
                       ("uncached", "knowledge_load_uncached")):
        load = cold[key]
        print(f"  knowledge base, {label}: import {load['import_s'] * 1000:.0f} ms, load "
              f"{load['load_s'] * 1000:.0f} ms, compile + register "
              f"{load['compile_register_s'] * 1000:.0f} ms")
    mem = results["memory"]
    print(f"\nmemory: RSS {mem['rss_start_mb']:.1f} MB at start, {mem['rss_before_mb']:.1f} MB "
          f"after one warm-up cycle of the workload, {mem['rss_after_mb']:.1f} MB after "
          f"{mem['explanations']:,} more explanations (growth {mem['growth_mb']:.2f} MB); open "
          f"durable-rules sessions after: {mem['open_sessions']}")

    _print_startup(results)
    startup = results["startup"]
    checks = {
        "api_explain_ratio": results["api"]["ratio"],
        "help_ratio_max": max(startup["ratios_to_argparse"].values()),
        "json_cold_ratio": startup["json_to_floor"],
        "compose_over_engine": warm["engine_compose"]["median_us"] / engine,
        "factor_space_seconds": space["first_pass_s"],
        "cold_start_ratio": cold["ratio"],
        "rss_growth_mb": mem["growth_mb"],
    }
    results["targets"] = {name: {"value": value, "target": TARGETS[name],
                                 "met": value <= TARGETS[name]} for name, value in checks.items()}
    print("\ntargets:")
    for name, row in results["targets"].items():
        print(f"  {name:<22} {row['value']:>8.2f}  (target <= {row['target']})  "
              f"{'met' if row['met'] else 'MISSED'}")
    _write(results, args.json)


def _print_startup(results: dict[str, Any]) -> None:
    api, startup = results["api"], results["startup"]
    seconds = startup["seconds"]
    print(f"\nexplainer.explain() {api['explain_us']:.0f} us against get_explainer().explain() "
          f"{api['get_explainer_explain_us']:.0f} us: ratio {api['ratio']:.2f}")
    print(f"python -c 'import argparse': {seconds['argparse'] * 1000:.0f} ms")
    for name, ratio in startup["ratios_to_argparse"].items():
        print(f"  explainer {name.replace('_', ' --'):<12} {seconds[name] * 1000:>6.0f} ms  "
              f"ratio {ratio:.2f}")
    print(f"explain --format json {seconds['explain_json'] * 1000:.0f} ms against the floor "
          f"(durable.lang + one pydantic model) {seconds['floor_json'] * 1000:.0f} ms: ratio "
          f"{startup['json_to_floor']:.2f}")


def _write(results: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
