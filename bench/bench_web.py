"""Requests per second and latency of ``POST /api/explain`` over loopback.

Measures, in one run:

* the ceiling: the in-process ``explain()`` rate over the same profiles (and with the JSON
  serialisation the API also does);
* ``explainer serve`` with one worker and with ``--workers 2`` (default settings, access log
  on, written to /dev/null), at 1, 8 and 32 concurrent clients.

The load generator runs as its own process (this script with ``--client``): one asyncio event
loop holding N keep-alive HTTP/1.1 connections, each sending its next request as soon as the
answer to the previous one has arrived (a closed loop). Every answer is checked for status 200.
On a 2-core machine the server's worker(s) and the load generator share the two cores, so
``--workers 2`` competes with the generator for CPU; the figures say what this machine does,
not what two free cores would.

    python bench/bench_web.py                 # about 1 minute
    python bench/bench_web.py --duration 10   # steadier figures
    python bench/bench_web.py --json          # machine-readable
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONCURRENCY = (1, 8, 32)
WORKERS = (1, 2)
TARGET_SHARE = 0.5
TARGET_P99_MS = 50.0


def make_profiles(count: int, seed: int = 11) -> list[dict[str, Any]]:
    """A fixed mix of profiles over the factor space (some unknowns, ages, worries)."""
    from explainer import get_explainer
    from explainer.lint.factor_space import factor_space

    kb = get_explainer().kb
    space = list(factor_space(kb, ["stage", "menopausal_status", "hr_status", "her2_status",
                                   "general_health", "brca_mutation"]))
    chooser = random.Random(seed)
    profiles = []
    for fact in chooser.sample(space, count):
        profile: dict[str, Any] = dict(fact)
        profile["age"] = chooser.choice([None, 34, 47, 62, 78])
        profile["side_effect_concerns"] = chooser.choice([[], ["fatigue"], ["fertility",
                                                                             "hair_loss"]])
        profiles.append(profile)
    return profiles


def in_process(profiles: list[dict[str, Any]], duration: float) -> dict[str, float]:
    """The in-process ceiling: explain() per second, and explain_json() (what the API sends)."""
    from explainer import get_explainer

    explainer = get_explainer()
    for profile in profiles:  # warm: the composer caches per profile shape
        explainer.explain_json(profile)
    rates = {}
    for name, action in (("explain", explainer.explain),
                         ("explain_json", explainer.explain_json)):
        done = 0
        started = time.perf_counter()
        while time.perf_counter() - started < duration:
            for profile in profiles:
                action(profile)
            done += len(profiles)
        rates[name] = done / (time.perf_counter() - started)
    return rates


# -- the load generator (a separate process) --------------------------------------------


def _requests(host: str, port: int, profiles: list[dict[str, Any]]) -> list[bytes]:
    out = []
    for profile in profiles:
        body = json.dumps(profile).encode()
        out.append(b"POST /api/explain HTTP/1.1\r\nHost: " + f"{host}:{port}".encode()
                   + b"\r\nContent-Type: application/json\r\nContent-Length: "
                   + str(len(body)).encode() + b"\r\n\r\n" + body)
    return out


async def _client(host: str, port: int, requests: list[bytes], offset: int, stop_at: float,
                  latencies: list[float], errors: list[str]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    index = offset
    try:
        while time.perf_counter() < stop_at:
            request = requests[index % len(requests)]
            index += 1
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            body = await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if status != 200 or not body.startswith(b'{"schema_version":1'):
                errors.append(f"{status}: {body[:80]!r}")
    finally:
        writer.close()


async def _load(url: str, concurrency: int, duration: float,
                profiles: list[dict[str, Any]]) -> dict[str, Any]:
    host, port = url.split("//", 1)[1].rstrip("/").rsplit(":", 1)
    requests = _requests(host, int(port), profiles)
    # Warm-up: every connection and every profile once, not counted.
    warm: list[float] = []
    await asyncio.gather(*(_client(host, int(port), requests, i * 7, time.perf_counter() + 0.5,
                                   warm, []) for i in range(concurrency)))
    latencies: list[float] = []
    errors: list[str] = []
    # The parent reads the server's CPU time when told the measured part starts and ends.
    print("start", flush=True)
    sys.stdin.readline()
    started = time.perf_counter()
    await asyncio.gather(*(_client(host, int(port), requests, i * 7, started + duration,
                                   latencies, errors) for i in range(concurrency)))
    elapsed = time.perf_counter() - started
    print("end", flush=True)
    sys.stdin.readline()
    ordered = sorted(latencies)
    return {"concurrency": concurrency, "requests": len(latencies), "errors": len(errors),
            "first_error": errors[0] if errors else None,
            "rps": len(latencies) / elapsed,
            "p50_ms": statistics.median(ordered) * 1000,
            "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000}


def run_client(url: str, concurrency: int, duration: float, profiles_file: str) -> None:
    """The ``--client`` mode: load the server, print the figures as JSON (last line)."""
    profiles = json.loads(Path(profiles_file).read_text())
    print(json.dumps(asyncio.run(_load(url, concurrency, duration, profiles))), flush=True)


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and every process under it (Linux)."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for task in Path(f"/proc/{pid}/task").iterdir():
        fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks
        for child in (task / "children").read_text().split():
            total += process_tree_cpu(int(child))
    return total


def measure(url: str, server_pid: int, concurrency: int, duration: float,
            profiles_file: Path) -> dict[str, Any]:
    """One figure: the load generator in its own process, the server's CPU time around it."""
    client = subprocess.Popen(
        [sys.executable, __file__, "--client", url, "--concurrency", str(concurrency),
         "--duration", str(duration), "--profiles-file", str(profiles_file)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert client.stdin is not None and client.stdout is not None
    assert client.stdout.readline().strip() == "start"
    cpu_before = process_tree_cpu(server_pid)
    client.stdin.write("\n")
    client.stdin.flush()
    assert client.stdout.readline().strip() == "end"
    cpu_used = process_tree_cpu(server_pid) - cpu_before
    client.stdin.write("\n")
    client.stdin.flush()
    figures: dict[str, Any] = json.loads(client.stdout.read().strip().splitlines()[-1])
    client.wait(60)
    figures["server_cpu_ms_per_request"] = cpu_used * 1000 / max(1, figures["requests"])
    return figures


# -- the server ------------------------------------------------------------------------


def start_server(workers: int) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "explainer", "serve", "--port", "0", "--workers", str(workers)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
    assert process.stdout is not None
    line = process.stdout.readline()
    if " at " not in line:
        process.kill()
        raise SystemExit(f"the server did not start: {line}")
    url = line.split(" at ", 1)[1].split()[0].rstrip("/")
    import urllib.request

    deadline = time.monotonic() + 60
    while True:  # every worker must be up before measuring
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=5):
                break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    time.sleep(1.0 if workers > 1 else 0.2)
    return process, url


def stop_server(process: subprocess.Popen[str]) -> None:
    process.send_signal(2)  # SIGINT, as Ctrl-C
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=4.0,
                        help="seconds per measurement (default 4)")
    parser.add_argument("--profiles", type=int, default=200,
                        help="distinct profiles cycled through (default 200)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--client", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--concurrency", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--profiles-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        run_client(args.client, args.concurrency, args.duration, args.profiles_file)
        return

    profiles = make_profiles(args.profiles)
    ceiling = in_process(profiles, args.duration)
    from explainer import explain

    sizes = [len(explain(profile).model_dump_json()) for profile in profiles]
    results: dict[str, Any] = {"machine": {"cpus": os.cpu_count(),
                                           "python": sys.version.split()[0]},
                               "in_process_per_s": ceiling,
                               "response_bytes": sum(sizes) / len(sizes), "servers": []}
    with tempfile.TemporaryDirectory() as folder:
        profiles_file = Path(folder) / "profiles.json"
        profiles_file.write_text(json.dumps(profiles))
        for workers in WORKERS:
            process, url = start_server(workers)
            try:
                for concurrency in CONCURRENCY:
                    figures = measure(url, process.pid, concurrency, args.duration,
                                      profiles_file)
                    figures["workers"] = workers
                    results["servers"].append(figures)
            finally:
                stop_server(process)

    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"POST /api/explain over loopback, {len(profiles)} profiles cycled, "
          f"{args.duration:g} s per figure, {os.cpu_count()} CPUs, Python "
          f"{results['machine']['python']}")
    print(f"in-process ceiling: explain() {ceiling['explain']:,.0f}/s; explain() + JSON "
          f"{ceiling['explain_json']:,.0f}/s")
    print(f"  per request: explain() {1000 / ceiling['explain']:.2f} ms, its JSON "
          f"{1000 / ceiling['explain_json'] - 1000 / ceiling['explain']:.2f} ms "
          f"({results['response_bytes'] / 1024:.0f} KB on average)")
    print(f"{'workers':>7} {'clients':>7} {'req/s':>8} {'share':>6} {'p50 ms':>7} "
          f"{'p99 ms':>7} {'server CPU ms/req':>18} {'errors':>6}")
    for row in results["servers"]:
        share = row["rps"] / ceiling["explain"]
        print(f"{row['workers']:>7} {row['concurrency']:>7} {row['rps']:>8,.0f} "
              f"{share:>6.0%} {row['p50_ms']:>7.1f} {row['p99_ms']:>7.1f} "
              f"{row['server_cpu_ms_per_request']:>18.2f} {row['errors']:>6}")
    target = next(row for row in results["servers"]
                  if row["workers"] == 1 and row["concurrency"] == 8)
    met = (target["rps"] >= TARGET_SHARE * ceiling["explain"]
           and target["p99_ms"] < TARGET_P99_MS and not target["errors"])
    print(f"target (1 worker, 8 clients: >= {TARGET_SHARE:.0%} of explain(), p99 < "
          f"{TARGET_P99_MS:g} ms): {'met' if met else 'MISSED'}")


if __name__ == "__main__":
    main()
