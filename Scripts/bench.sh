#!/usr/bin/env bash
# Measures the knowledge base and the command-line tool (README, "Speed"), one step after the other
# (never two builds or measurements at once: the machine has 2 cores).
#
#   Scripts/bench.sh                       # steps 1 and 2 below
#   Scripts/bench.sh --kb-only             # only the knowledge-base suite of the Benchmarks/ package
#   Scripts/bench.sh --process-only        # only the whole-process comparison
#   Scripts/bench.sh --dns-only            # only the DNS throughput comparison (step 3)
#   Scripts/bench.sh --resolver-only       # only the resolver against slow loopback servers (step 4)
#   Scripts/bench.sh --probe-only          # only 12 probes at once against the slowest alone (step 5)
#   Scripts/bench.sh --network-only        # steps 4 and 5
#   Scripts/bench.sh --batch-only          # 10,000 domains in batch, with the BatchBenchmarks suite (step 6)
#   Scripts/bench.sh --soak-only           # 100,000 lines in batch, RSS and fds sampled (step 7)
#   Scripts/bench.sh --filter 'Warm.*'     # only the benchmarks whose name matches (regex)
#   Scripts/bench.sh --pairs 500           # more alternating pairs for the process comparison
#
# 1. `swift package --package-path Benchmarks benchmark --target KnowledgeBaseBenchmarks`: first
#    lookup (decode + lookup), warm lookup by domain, lookup by MX host, full offline lookup,
#    address parsing; wall clock, throughput, CPU and malloc counts, p0…p100 (quote the p50 = median).
# 2. Scripts/bench-process.py: `autoconf-lookup gmail.com --offline --json` against an empty Swift
#    executable built the same way (`swift build -c release`), alternating, 200 pairs by default;
#    medians, p10, p90, the ratio of medians and peak RSS, as a Markdown table.
# 3. With --dns-only, Scripts/bench-dns.py: DNS lookups per second of NIODNSResolver (Benchmarks'
#    DNSThroughput) against dnsperf, both asking the same local dnsmasq, alternating rounds;
#    needs the Debian packages dnsperf and dnsmasq.
# 4. With --resolver-only or --network-only, the ResolverBenchmarks suite (issue 5): whole
#    resolutions against loopback HTTP servers answering after 50/100/200 ms or never, and a bare
#    fetch of the 200 ms server as the baseline measured in the same run.
# 5. With --probe-only or --network-only, the ProbeBenchmarks suite (issue 6): the slowest of 12
#    loopback POP3 servers probed alone, then all 12 at once (quote the ratio of the p50s).
# 6. With --batch-only, Scripts/bench-batch.py --benchmarks (issue 8): `autoconf-lookup batch` over
#    10,000 generated domains (dnsmasq + nginx on 127.0.0.30, needs root for ports 443/80):
#    throughput, peak RSS, DNS queries per second beside dnsperf; then the BatchBenchmarks suite
#    (1,000 lines through the library, shared caches against none) in the same world.
# 7. With --soak-only, Scripts/bench-batch.py --soak 100000: RSS and open fds at start, middle, end.
# --filter applies to every suite run. Set BENCH_SCRATCH_PATH to build the Benchmarks/ package in
# another folder than Benchmarks/.build (one build at a time per folder).
#
# Results are printed and kept in .build-bench/results/<date-time>/ (benchmarks.txt, process.md,
# process.json, dns.md, dns.json, resolver.txt, probe.txt, batch.md, batch.json, soak.md,
# soak.json); .build-*/ is ignored by git. Timings are never asserted in tests.
set -euo pipefail
cd "$(dirname "$0")/.."

run_kb=1
run_process=1
run_dns=0
run_resolver=0
run_probe=0
run_batch=0
run_soak=0
benchmark_args=()
process_args=()
while (($#)); do
    case "$1" in
        --kb-only) run_process=0 ;;
        --process-only) run_kb=0 ;;
        --dns-only) run_kb=0; run_process=0; run_dns=1 ;;
        --resolver-only) run_kb=0; run_process=0; run_resolver=1 ;;
        --probe-only) run_kb=0; run_process=0; run_probe=1 ;;
        --network-only) run_kb=0; run_process=0; run_resolver=1; run_probe=1 ;;
        --batch-only) run_kb=0; run_process=0; run_batch=1 ;;
        --soak-only) run_kb=0; run_process=0; run_soak=1 ;;
        --filter) benchmark_args+=(--filter "$2"); shift ;;
        --pairs) process_args+=(--pairs "$2"); shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
    esac
    shift
done

results=".build-bench/results/$(date +%Y-%m-%dT%H%M%S)"
mkdir -p "$results"
{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- Sources 2>/dev/null || echo ' (Sources/ modified)')"
    echo "swift: $(swift --version 2>/dev/null | head -n 1)"
    echo "machine: $(uname -m), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
} > "$results/environment.txt"
cat "$results/environment.txt"

package_args=(--package-path Benchmarks)
if [[ -n "${BENCH_SCRATCH_PATH:-}" ]]; then package_args+=(--scratch-path "$BENCH_SCRATCH_PATH"); fi

# One suite of the Benchmarks/ package: run_suite TARGET OUTPUT-FILE
run_suite() {
    echo "== swift package ${package_args[*]} benchmark --target $1 ${benchmark_args[*]:-}"
    swift package "${package_args[@]}" benchmark --target "$1" --no-progress "${benchmark_args[@]}" \
        | tee "$results/$2"
}

if ((run_kb)); then
    run_suite KnowledgeBaseBenchmarks benchmarks.txt
fi

if ((run_process)); then
    echo "== Scripts/bench-process.py ${process_args[*]:-}"
    python3 Scripts/bench-process.py --json "$results/process.json" "${process_args[@]}" \
        | tee "$results/process.md"
fi

if ((run_dns)); then
    echo "== Scripts/bench-dns.py"
    python3 Scripts/bench-dns.py --json "$results/dns.json" | tee "$results/dns.md"
fi

if ((run_resolver)); then
    run_suite ResolverBenchmarks resolver.txt
fi

if ((run_probe)); then
    run_suite ProbeBenchmarks probe.txt
fi

if ((run_batch)); then
    echo "== Scripts/bench-batch.py --benchmarks"
    python3 Scripts/bench-batch.py --benchmarks --json "$results/batch.json" | tee "$results/batch.md"
fi

if ((run_soak)); then
    echo "== Scripts/bench-batch.py --soak 100000"
    python3 Scripts/bench-batch.py --soak 100000 --sample-every 2 --json "$results/soak.json" | tee "$results/soak.md"
fi

echo "bench.sh: results in $results/"
