#!/usr/bin/env python3
"""Whole-process timing: `autoconf-lookup gmail.com --offline --json` against an empty Swift executable.

Target (README, "Speed"): the lookup, as a whole process, within 2x the wall time of an empty Swift
executable built the same way. Both are built with `swift build -c release` and measured in the same
run, alternating (A B, B A, A B, ...), so that whatever else the machine does hits both alike. Timings
are medians of wall time around subprocess.run (fork + exec + run + exit + wait); the ratio is of the
medians. Peak RSS comes from one `/usr/bin/time -v` run of each.

It also runs Benchmarks' ColdFirstLookup (100 times by default), which times with the stdlib clock,
inside a fresh process, the first `KnowledgeBase.bundled.provider(forDomain:)`: the decode with cold
caches, which the benchmark harness (a warm process repeating the decode) cannot see.

    Scripts/bench-process.py                  # build both, 200 pairs, print a Markdown table
    Scripts/bench-process.py --pairs 500      # more pairs
    Scripts/bench-process.py --no-build       # reuse the binaries already built
    Scripts/bench-process.py --cold-runs 0    # skip the in-process first-lookup timing
    Scripts/bench-process.py --json out.json  # also write the figures as JSON

Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_support import bin_path, run

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "Benchmarks"
SCRATCH = ROOT / ".build-release"  # never the default .build: others build there
LOOKUP_ARGS = ["gmail.com", "--offline", "--json"]


def build() -> tuple[Path, Path, Path]:
    lookup_cmd = ["swift", "build", "-c", "release", "--package-path", str(ROOT),
                  "--scratch-path", str(SCRATCH), "--product", "autoconf-lookup"]
    helper_cmd = ["swift", "build", "-c", "release", "--package-path", str(BENCHMARKS)]
    run(lookup_cmd)
    run(helper_cmd + ["--product", "EmptyExecutable"])
    run(helper_cmd + ["--product", "ColdFirstLookup"])
    return built_paths()


def built_paths() -> tuple[Path, Path, Path]:
    lookup = bin_path(["swift", "build", "-c", "release", "--package-path", str(ROOT),
                       "--scratch-path", str(SCRATCH)]) / "autoconf-lookup"
    helpers = bin_path(["swift", "build", "-c", "release", "--package-path", str(BENCHMARKS)])
    paths = (lookup, helpers / "EmptyExecutable", helpers / "ColdFirstLookup")
    for path in paths:
        if not path.exists():
            sys.exit(f"bench-process.py: {path} is not built; run without --no-build")
    return paths


def time_once(cmd: list[str]) -> int:
    start = time.perf_counter_ns()
    done = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter_ns() - start
    if done.returncode != 0:
        sys.exit(f"bench-process.py: {' '.join(cmd)} exited {done.returncode}: {done.stderr.decode(errors='replace')}")
    return elapsed


def percentile(sorted_values: list[int], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if len(sorted_values) == 1:
        return float(sorted_values[0])
    k = (len(sorted_values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def summary(samples: list[int]) -> dict:
    s = sorted(samples)
    return {"median_ms": statistics.median(s) / 1e6, "p10_ms": percentile(s, 0.10) / 1e6,
            "p90_ms": percentile(s, 0.90) / 1e6, "runs": len(s)}


def peak_rss_kib(cmd: list[str]) -> int | None:
    if not Path("/usr/bin/time").exists():
        return None
    done = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    return int(match.group(1)) if match else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=200, help="alternating pairs of runs (default 200)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed runs of each first (default 5)")
    parser.add_argument("--cold-runs", type=int, default=100,
                        help="fresh processes timing their own first lookup (default 100; 0 skips)")
    parser.add_argument("--no-build", action="store_true", help="use the release binaries already built")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE as JSON")
    args = parser.parse_args()

    lookup, empty, cold = built_paths() if args.no_build else build()
    lookup_cmd = [str(lookup)] + LOOKUP_ARGS
    empty_cmd = [str(empty)]

    # The lookup must work before it is timed: exit 0 and the gmail provider in the JSON.
    out = subprocess.run(lookup_cmd, capture_output=True, text=True)
    if out.returncode != 0 or '"gmail"' not in out.stdout:
        sys.exit(f"bench-process.py: {' '.join(lookup_cmd)} exited {out.returncode}:\n{out.stdout}{out.stderr}")

    for _ in range(args.warmup):  # page cache, dynamic loader caches
        time_once(lookup_cmd)
        time_once(empty_cmd)

    print(f"bench-process.py: {args.pairs} alternating pairs ...", file=sys.stderr, flush=True)
    times: dict[str, list[int]] = {"lookup": [], "empty": []}
    for i in range(args.pairs):
        order = [("lookup", lookup_cmd), ("empty", empty_cmd)]
        if i % 2:
            order.reverse()
        for name, cmd in order:
            times[name].append(time_once(cmd))

    lk, em = summary(times["lookup"]), summary(times["empty"])
    ratio = lk["median_ms"] / em["median_ms"]
    # The ratio of each pair, a check on the ratio of medians (robust to drift during the run).
    pair_ratio = statistics.median(a / b for a, b in zip(times["lookup"], times["empty"]))
    lk["peak_rss_kib"], em["peak_rss_kib"] = peak_rss_kib(lookup_cmd), peak_rss_kib(empty_cmd)

    cold_ns: list[int] = []
    for _ in range(args.cold_runs):
        done = subprocess.run([str(cold)], capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"bench-process.py: {cold} exited {done.returncode}: {done.stderr}")
        cold_ns.append(int(done.stdout.strip()))
    first = summary(cold_ns) if cold_ns else None

    def rss(v: int | None) -> str:
        return "n/a" if v is None else f"{v / 1024:.1f} MiB"

    swift_version = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.strip().splitlines()[0]
    print(f"Whole process, {args.pairs} alternating pairs, wall time per run "
          f"({swift_version}; {platform.machine()}, {os.cpu_count()} cores):")
    print()
    print("| Process | median | p10 | p90 | peak RSS |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(f"| `autoconf-lookup {' '.join(LOOKUP_ARGS)}` | {lk['median_ms']:.2f} ms | {lk['p10_ms']:.2f} ms "
          f"| {lk['p90_ms']:.2f} ms | {rss(lk['peak_rss_kib'])} |")
    print(f"| empty Swift executable (baseline) | {em['median_ms']:.2f} ms | {em['p10_ms']:.2f} ms "
          f"| {em['p90_ms']:.2f} ms | {rss(em['peak_rss_kib'])} |")
    print(f"| **ratio of medians** | **{ratio:.2f}×** | | | |")
    print()
    print(f"Target: ratio ≤ 2× ({'met' if ratio <= 2 else 'missed'}). Median of the per-pair ratios: {pair_ratio:.2f}×.")

    if first:
        print()
        print(f"First lookup in a fresh process (`KnowledgeBase.bundled.provider(forDomain:)`: decode + lookup, "
              f"timed inside the process by Benchmarks' ColdFirstLookup, {first['runs']} runs): "
              f"median {first['median_ms']:.2f} ms, p10 {first['p10_ms']:.2f} ms, p90 {first['p90_ms']:.2f} ms "
              f"(target < 5 ms).")

    if args.json:
        Path(args.json).write_text(json.dumps({"lookup": lk, "empty": em, "first_lookup_fresh_process": first,
                                               "ratio_of_medians": ratio,
                                               "median_pair_ratio": pair_ratio, "pairs": args.pairs,
                                               "swift": swift_version}, indent=2) + "\n")


if __name__ == "__main__":
    main()
