#!/usr/bin/env python3
"""DNS lookups per second: NIODNSResolver (Benchmarks' DNSThroughput) against dnsperf, same dnsmasq, same run.

Target (README, "Figures"): with many queries in flight, our resolver answers at least half as many
queries per second as dnsperf against the same local dnsmasq. The script writes a dnsmasq
configuration in a temporary folder (a `local=/bench.test/` zone of 1,000 names with A records, plus
100 MX and 100 SRV records), starts dnsmasq on 127.0.0.1 and a free port, and alternates rounds:
dnsperf (`-q N`, `-c min(N, 64)`, `-D` so its queries carry EDNS and the DO bit as ours do), then
DNSThroughput with the same query file and the same number in flight; then the other way round,
and so on. Each figure is the median of the rounds' queries per second; the ratio is of the medians.
Only 127.0.0.1 is ever contacted; dnsmasq is stopped at the end, whatever happens.

dnsperf comes from the Debian package dnsperf, dnsmasq from dnsmasq: the script installs nothing,
it names the missing package and exits 69.

    Scripts/bench-dns.py                          # build DNSThroughput, 5 rounds of 5 s, 50 in flight
    Scripts/bench-dns.py --concurrency 10,50,200  # each level in turn, one table row each
    Scripts/bench-dns.py --rounds 7 --seconds 10  # more and longer rounds
    Scripts/bench-dns.py --skip-build             # reuse the DNSThroughput already built
    Scripts/bench-dns.py --scratch-path DIR       # build the Benchmarks package in DIR
    Scripts/bench-dns.py --json out.json          # also write the figures as JSON

Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_support import bin_path, free_port, require, run

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "Benchmarks"
ZONE = "bench.test"
HOSTS = 1000
MAIL_DOMAINS = 100
TARGET = 0.5
EX_USAGE = 64


def throughput_path(build: bool, scratch: str | None) -> Path:
    cmd = ["swift", "build", "-c", "release", "--package-path", str(BENCHMARKS)]
    if scratch:
        cmd += ["--scratch-path", scratch]
    if build:
        run(cmd + ["--product", "DNSThroughput"])
    path = bin_path(cmd) / "DNSThroughput"
    if not path.exists():
        sys.exit(f"bench-dns.py: {path} is not built; run without --skip-build")
    return path


def write_world(folder: Path, port: int) -> tuple[Path, Path]:
    """The dnsmasq configuration and the query file (dnsperf's format: `NAME TYPE` a line)."""
    lines = [f"port={port}", "listen-address=127.0.0.1", "bind-interfaces", "no-resolv", "no-hosts",
             "no-poll", f"pid-file={folder / 'dnsmasq.pid'}", f"local=/{ZONE}/"]
    queries = []
    for i in range(HOSTS):
        lines.append(f"host-record=h{i}.{ZONE},10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}")
        queries.append(f"h{i}.{ZONE} A")
    for i in range(MAIL_DOMAINS):
        lines.append(f"mx-host=d{i}.{ZONE},h{i}.{ZONE},10")
        lines.append(f"srv-host=_imaps._tcp.d{i}.{ZONE},h{i}.{ZONE},993,0,1")
        queries.append(f"d{i}.{ZONE} MX")
        queries.append(f"_imaps._tcp.d{i}.{ZONE} SRV")
    # Spread the types through the file, so any stretch of it has the same mix.
    queries = [q for pair in zip(queries[:HOSTS], queries[HOSTS:] + [None] * HOSTS) for q in pair if q]
    config = folder / "dnsmasq.conf"
    config.write_text("\n".join(lines) + "\n")
    names = folder / "queries.txt"
    names.write_text("\n".join(queries) + "\n")
    return config, names


def wait_for_dns(port: int, process: subprocess.Popen, log: Path) -> None:
    """Waits until dnsmasq answers a query for h0 over UDP."""
    query = bytes.fromhex("beef01000001000000000000") + b"".join(
        bytes([len(label)]) + label.encode() for label in f"h0.{ZONE}".split(".")) + b"\x00\x00\x01\x00\x01"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"bench-dns.py: dnsmasq exited {process.returncode}: {log.read_text(errors='replace')}")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.settimeout(0.2)
            try:
                udp.sendto(query, ("127.0.0.1", port))
                if udp.recv(512)[:2] == b"\xbe\xef":
                    return
            except OSError:
                time.sleep(0.05)
    sys.exit(f"bench-dns.py: dnsmasq does not answer on 127.0.0.1:{port}: {log.read_text(errors='replace')}")


def dnsperf_round(dnsperf: str, port: int, names: Path, seconds: float, in_flight: int) -> dict:
    cmd = [dnsperf, "-s", "127.0.0.1", "-p", str(port), "-d", str(names), "-l", str(seconds),
           "-c", str(min(in_flight, 64)), "-q", str(in_flight), "-t", "2", "-D"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    qps = re.search(r"Queries per second:\s+([\d.]+)", done.stdout)
    if done.returncode != 0 or not qps:
        sys.exit(f"bench-dns.py: {' '.join(cmd)} exited {done.returncode}:\n{done.stdout}{done.stderr}")
    completed = re.search(r"Queries completed:\s+(\d+)", done.stdout)
    lost = re.search(r"Queries lost:\s+(\d+)", done.stdout)
    return {"qps": float(qps.group(1)), "queries": int(completed.group(1)) if completed else None,
            "lost": int(lost.group(1)) if lost else None}


def ours_round(binary: Path, port: int, names: Path, seconds: float, in_flight: int) -> dict:
    cmd = [str(binary), "--server", f"127.0.0.1:{port}", "--names", str(names),
           "--concurrency", str(in_flight), "--duration", str(seconds)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"bench-dns.py: {' '.join(cmd)} exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def load_text() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", default="50",
                        help="queries in flight, or a comma-separated list of levels (default 50)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of each tool per level (default 5)")
    parser.add_argument("--seconds", type=float, default=5, help="length of one round (default 5)")
    parser.add_argument("--skip-build", action="store_true", help="use the DNSThroughput already built")
    parser.add_argument("--scratch-path", metavar="DIR",
                        help="build folder for the Benchmarks package (default: swift build's own)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE as JSON")
    args = parser.parse_args()
    try:
        levels = [int(level) for level in args.concurrency.split(",")]
    except ValueError:
        levels = []
    if not levels or min(levels) < 1 or args.rounds < 1 or args.seconds <= 0:
        print(f"bench-dns.py: --concurrency needs whole numbers ≥ 1, --rounds ≥ 1, --seconds > 0", file=sys.stderr)
        sys.exit(EX_USAGE)

    dnsperf = require("dnsperf", "dnsperf")
    dnsmasq = require("dnsmasq", "dnsmasq")
    binary = throughput_path(build=not args.skip_build, scratch=args.scratch_path)

    results = []
    with tempfile.TemporaryDirectory(prefix="bench-dns-") as tmp:
        folder = Path(tmp)
        port = free_port("127.0.0.1")
        config, names = write_world(folder, port)
        run([dnsmasq, "--test", f"--conf-file={config}"], capture_output=True)
        log = folder / "dnsmasq.log"
        with log.open("w") as log_file:
            cmd = [dnsmasq, "--keep-in-foreground", f"--conf-file={config}"]
            print("+ " + " ".join(cmd), file=sys.stderr, flush=True)
            server = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file)
        try:
            wait_for_dns(port, server, log)
            for in_flight in levels:
                # One short untimed round of each: caches, the first sockets, the event loops.
                dnsperf_round(dnsperf, port, names, 1, in_flight)
                ours_round(binary, port, names, 1, in_flight)
                rounds: dict[str, list[dict]] = {"dnsperf": [], "ours": []}
                load_before = load_text()
                for i in range(args.rounds):
                    print(f"bench-dns.py: {in_flight} in flight, round {i + 1} of {args.rounds} ...",
                          file=sys.stderr, flush=True)
                    order = ["dnsperf", "ours"] if i % 2 == 0 else ["ours", "dnsperf"]
                    for tool in order:
                        if tool == "dnsperf":
                            rounds[tool].append(dnsperf_round(dnsperf, port, names, args.seconds, in_flight))
                        else:
                            rounds[tool].append(ours_round(binary, port, names, args.seconds, in_flight))
                ours = statistics.median(r["qps"] for r in rounds["ours"])
                theirs = statistics.median(r["qps"] for r in rounds["dnsperf"])
                results.append({"in_flight": in_flight, "ours_qps": ours, "dnsperf_qps": theirs,
                                "ratio": ours / theirs, "ours_failures": sum(r["failures"] for r in rounds["ours"]),
                                "dnsperf_lost": sum(r["lost"] or 0 for r in rounds["dnsperf"]),
                                "load_before": load_before, "load_after": load_text(), "rounds": rounds})
        finally:
            server.terminate()
            try:
                server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

    swift_version = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.strip().splitlines()[0]
    dnsperf_version = subprocess.run([dnsperf, "-h"], capture_output=True, text=True)
    version = re.search(r"Version ([\d.]+)", dnsperf_version.stdout + dnsperf_version.stderr)
    print(f"DNS lookups per second against a local dnsmasq ({HOSTS} A, {MAIL_DOMAINS} MX, {MAIL_DOMAINS} SRV names), "
          f"{args.rounds} alternating rounds of {args.seconds:g} s per level, medians "
          f"({swift_version}; dnsperf {version.group(1) if version else '?'}; "
          f"{platform.machine()}, {os.cpu_count()} cores):")
    print()
    print("| in flight | NIODNSResolver (DNSThroughput) | dnsperf | ratio | target ≥ 0.5 | our failures | dnsperf lost |")
    print("| ---: | ---: | ---: | ---: | --- | ---: | ---: |")
    for r in results:
        met = "met" if r["ratio"] >= TARGET else "missed"
        print(f"| {r['in_flight']} | {r['ours_qps']:,.0f} q/s | {r['dnsperf_qps']:,.0f} q/s | **{r['ratio']:.2f}** "
              f"| {met} | {r['ours_failures']} | {r['dnsperf_lost']} |")
    print()
    print("Machine load: " + "; ".join(f"{r['in_flight']} in flight: {r['load_before']} before, "
                                        f"{r['load_after']} after" for r in results) + ".")

    if args.json:
        Path(args.json).write_text(json.dumps({"levels": results, "rounds": args.rounds, "seconds": args.seconds,
                                               "target_ratio": TARGET, "swift": swift_version,
                                               "dnsperf": version.group(1) if version else None},
                                              indent=2) + "\n")


if __name__ == "__main__":
    main()
