#!/usr/bin/env bash
# Measures the knowledge base and the command-line tool (README, "Speed"), one step after the other
# (never two builds or measurements at once: the machine has 2 cores).
#
#   Scripts/bench.sh                       # steps 1 and 2 below
#   Scripts/bench.sh --kb-only             # only the Benchmarks/ package (ordo-one/benchmark)
#   Scripts/bench.sh --process-only        # only the whole-process comparison
#   Scripts/bench.sh --dns-only            # only the DNS throughput comparison (step 3)
#   Scripts/bench.sh --filter 'Warm.*'     # only the benchmarks whose name matches (regex)
#   Scripts/bench.sh --pairs 500           # more alternating pairs for the process comparison
#
# 1. `swift package --package-path Benchmarks benchmark`: first lookup (decode + lookup), warm
#    lookup by domain, lookup by MX host, full offline lookup, address parsing; wall clock,
#    throughput, CPU and malloc counts, p0…p100 (quote the p50 = median).
# 2. Scripts/bench-process.py: `autoconf-lookup gmail.com --offline --json` against an empty Swift
#    executable built the same way (`swift build -c release`), alternating, 200 pairs by default;
#    medians, p10, p90, the ratio of medians and peak RSS, as a Markdown table.
# 3. With --dns-only, Scripts/bench-dns.py: DNS lookups per second of NIODNSResolver (Benchmarks'
#    DNSThroughput) against dnsperf, both asking the same local dnsmasq, alternating rounds;
#    needs the Debian packages dnsperf and dnsmasq.
#
# Results are printed and kept in .build-bench/results/<date-time>/ (benchmarks.txt, process.md,
# process.json, dns.md, dns.json); .build-*/ is ignored by git. Timings are never asserted in tests.
set -euo pipefail
cd "$(dirname "$0")/.."

run_kb=1
run_process=1
run_dns=0
benchmark_args=()
process_args=()
while (($#)); do
    case "$1" in
        --kb-only) run_process=0 ;;
        --process-only) run_kb=0 ;;
        --dns-only) run_kb=0; run_process=0; run_dns=1 ;;
        --filter) benchmark_args+=(--filter "$2"); shift ;;
        --pairs) process_args+=(--pairs "$2"); shift ;;
        -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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

if ((run_kb)); then
    echo "== swift package --package-path Benchmarks benchmark ${benchmark_args[*]:-}"
    swift package --package-path Benchmarks benchmark --no-progress "${benchmark_args[@]}" \
        | tee "$results/benchmarks.txt"
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

echo "bench.sh: results in $results/"
