#!/usr/bin/env bash
# Runs the libFuzzer targets of Fuzz/ (the pure core, MailSettings) for a set time each.
#
#   Scripts/fuzz.sh                      # every target, 60 s each, one after the other
#   Scripts/fuzz.sh 300 FuzzDNS FuzzXML  # two targets, 5 minutes each
#   Scripts/fuzz.sh --jobs 2 300         # every target, 5 minutes each, two at a time
#   Scripts/fuzz.sh --merge 600 FuzzXML  # also add the inputs that found new code to Fuzz/Corpus/FuzzXML
#
# It builds Fuzz/ with `-sanitize=fuzzer,address` (release, or debug with --debug: slower, but a
# failed precondition then prints its message), copies each target's seed corpus from
# Fuzz/Corpus/<target>/ into a work folder and fuzzes that copy, so the committed corpus only
# grows when --merge is given (and then only by the inputs that reach new code). Crash, leak,
# timeout and out-of-memory inputs are kept in the work folder, whose name is printed; replay one
# with `Fuzz/.build-fuzz/<config>/<target> <file>`, and turn it into a test in
# Tests/MailSettingsTests/FuzzRegressionTests.swift once fixed.
#
# At the end it prints one line a target: executions, seconds, corpus size before and after
# (files), and crashes. The exit status is 1 when any target crashed, 2 for a usage or build
# error. Needs a Swift toolchain with libFuzzer (the swift.org Linux toolchains have it; Xcode's
# does not).
set -euo pipefail

readonly ALL_TARGETS=(FuzzXML FuzzDNS FuzzMailSessions FuzzAddress)
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ROOT

usage() {
    cat <<EOF
usage: $(basename "$0") [options] [SECONDS_PER_TARGET] [TARGET...]

Builds the fuzz targets in Fuzz/ with libFuzzer and AddressSanitizer, runs each for
SECONDS_PER_TARGET seconds (default 60) on a copy of its seed corpus, and prints a summary.
Targets: ${ALL_TARGETS[*]} (default: all).

options:
  --jobs N      run N targets at once (default 1; each uses one core)
  --merge       afterwards, add the inputs that reached new code to Fuzz/Corpus/<target>/
                (hundreds after a long run: keep the few that matter, the corpus stays small)
  --debug       build the debug configuration (failed preconditions print their message)
  --work DIR    keep the run in DIR (default: a new folder under \${TMPDIR:-/tmp})
  -h, --help    show this help

Exit status: 0 when nothing crashed, 1 when a target crashed, leaked, timed out or ran out
of memory (the inputs are kept in the work folder), 2 for a usage or build error.
EOF
}

fail_usage() {
    echo "fuzz.sh: $1" >&2
    echo "Run '$0 --help' for usage." >&2
    exit 2
}

seconds=60
jobs=1
merge=no
config=release
work=""
seconds_given=""
targets=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        -h | --help) usage; exit 0 ;;
        --merge) merge=yes ;;
        --debug) config=debug ;;
        --jobs)
            [[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || fail_usage "--jobs needs a positive number"
            jobs=$2; shift ;;
        --work)
            [[ $# -ge 2 ]] || fail_usage "--work needs a folder"
            work=$2; shift ;;
        -*) fail_usage "unknown option $1" ;;
        *)
            if [[ "$1" =~ ^[0-9]+$ && ${#targets[@]} -eq 0 && -z "$seconds_given" ]]; then
                [[ "$1" -gt 0 ]] || fail_usage "SECONDS_PER_TARGET must be at least 1"
                seconds=$1; seconds_given=yes
            else
                known=no
                for target in "${ALL_TARGETS[@]}"; do [[ "$1" == "$target" ]] && known=yes; done
                [[ $known == yes ]] || fail_usage "unknown target '$1' (known: ${ALL_TARGETS[*]})"
                targets+=("$1")
            fi ;;
    esac
    shift
done
[[ ${#targets[@]} -gt 0 ]] || targets=("${ALL_TARGETS[@]}")

command -v swift >/dev/null || fail_usage "swift is not on PATH"

# The longest input each target is given: a few times what the format needs in practice.
max_len() {
    case "$1" in
        FuzzXML) echo 16384 ;;
        FuzzDNS) echo 2048 ;;
        FuzzMailSessions) echo 4096 ;;
        FuzzAddress) echo 512 ;;
    esac
}

scratch="$ROOT/Fuzz/.build-fuzz"
echo "== building Fuzz/ ($config, -sanitize=fuzzer,address) in $scratch"
if ! swift build --package-path "$ROOT/Fuzz" -c "$config" -Xswiftc -sanitize=fuzzer,address \
    --scratch-path "$scratch" 2>&1 | { grep -v "Cannot export local symbol '__asan" || true; }; then
    echo "fuzz.sh: the build failed; see the messages above" >&2
    exit 2
fi
bin="$scratch/$config"

if [[ -z "$work" ]]; then
    work=$(mktemp -d "${TMPDIR:-/tmp}/mail-fuzz.XXXXXX")
else
    mkdir -p "$work"
fi
work=$(cd "$work" && pwd)
echo "== work folder (corpus copies, logs, crash inputs): $work"

# Let libFuzzer see a failed precondition as the crash it is, without the Swift runtime's own
# backtracer (slow, and it upsets AddressSanitizer).
export SWIFT_BACKTRACE=enable=no

run_target() {
    local target=$1
    local dir="$work/$target"
    mkdir -p "$dir/corpus" "$dir/artifacts"
    if [[ -d "$ROOT/Fuzz/Corpus/$target" ]]; then
        cp "$ROOT/Fuzz/Corpus/$target"/* "$dir/corpus/" 2>/dev/null || true
    fi
    local start=$SECONDS
    set +e
    "$bin/$target" "$dir/corpus" \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len="$(max_len "$target")" \
        -print_final_stats=1 -artifact_prefix="$dir/artifacts/" >"$dir/log" 2>&1
    local status=$?
    set -e
    echo "$status $((SECONDS - start))" >"$dir/status"
}

echo "== fuzzing ${targets[*]} for ${seconds} s each, $jobs at a time"
running=0
for target in "${targets[@]}"; do
    echo "   $target: log in $work/$target/log"
    run_target "$target" &
    running=$((running + 1))
    if [[ $running -ge $jobs ]]; then
        wait -n || true
        running=$((running - 1))
    fi
done
wait

crashed=0
printf '\n%-18s %14s %8s %16s %8s\n' target executions seconds "corpus (files)" crashes
for target in "${targets[@]}"; do
    dir="$work/$target"
    read -r status elapsed <"$dir/status"
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
    seeds=$(find "$ROOT/Fuzz/Corpus/$target" -type f 2>/dev/null | wc -l)
    corpus=$(find "$dir/corpus" -type f | wc -l)
    crashes=$(find "$dir/artifacts" -type f | wc -l)
    if [[ $status -ne 0 && $crashes -eq 0 ]]; then
        crashes="?"  # it stopped without leaving an input: see its log
    fi
    [[ "$crashes" == 0 ]] || crashed=1
    printf '%-18s %14s %8s %16s %8s\n' "$target" "${executions:-?}" "$elapsed" "$seeds -> $corpus" "$crashes"
done

for target in "${targets[@]}"; do
    for artifact in "$work/$target/artifacts"/*; do
        [[ -e "$artifact" ]] && echo "crash input: $artifact  (replay: $bin/$target $artifact)"
    done
done

if [[ $merge == yes ]]; then
    for target in "${targets[@]}"; do
        mkdir -p "$ROOT/Fuzz/Corpus/$target"
        before=$(find "$ROOT/Fuzz/Corpus/$target" -type f | wc -l)
        "$bin/$target" -merge=1 -max_len="$(max_len "$target")" \
            "$ROOT/Fuzz/Corpus/$target" "$work/$target/corpus" >"$work/$target/merge.log" 2>&1 \
            || { echo "fuzz.sh: merging $target failed; see $work/$target/merge.log" >&2; exit 2; }
        after=$(find "$ROOT/Fuzz/Corpus/$target" -type f | wc -l)
        echo "merged $target: $before -> $after files in Fuzz/Corpus/$target"
    done
fi

if [[ $crashed -ne 0 ]]; then
    echo "fuzz.sh: something crashed; the inputs and logs are in $work" >&2
    exit 1
fi
echo "no crashes; logs in $work"
