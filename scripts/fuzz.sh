#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/) with clang 14 into build-fuzz/ and runs each for a
# while on a copy of its seed corpus. Usage: scripts/fuzz.sh [SECONDS-PER-TARGET=30] [BUILD-DIR]
# Prints one line per target with its executions; exits non-zero if any target found a crash, a
# leak, a timeout or an out-of-memory, and prints where the input that caused it was kept.
# Needs clang-14 and libclang-rt-14-dev (scripts/setup-deps.sh --for-tests). See docs/FUZZING.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
build_dir=${2:-build-fuzz}
jobs=${JOBS:-$(nproc)}
targets=(http_request json_body jwt query_url proxy_definition config_toml plugin_elf store_records)

for tool in clang-14 clang++-14; do
  command -v "$tool" >/dev/null ||
    { echo "fuzz: $tool is missing (scripts/setup-deps.sh --for-tests)" >&2; exit 1; }
done

start=$(date +%s)
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCRMHOST_FUZZ=ON -DCRMHOST_BUILD_TESTS=ON >/dev/null
cmake --build "$build_dir" --target fuzz_targets -j "$jobs"
echo "fuzz: built in $(( $(date +%s) - start )) s"
bin="$(cd "$build_dir" && pwd)/bin"

# Everything a run writes (the growing corpus, crash inputs, logs) stays under here; the seeds
# in tests/fuzz/corpus are only read.
scratch="$(cd "$build_dir" && pwd)/fuzz-run"
rm -rf "$scratch"
mkdir -p "$scratch"

# An input too large to keep in the repository, and too large to fuzz from (libFuzzer would
# raise its input length to 64 KiB for every input): the chunked request whose 65,534-byte
# trailer field made Beast throw out of the server's read loop (host/http/request_reader.h). It
# is run once, as a regression input, before http_request is fuzzed. The first four bytes are
# the harness's control bytes (large reads, the route's own body limit).
mkdir -p "$scratch/regress-http_request"
{
  printf '\377\007\000\001'
  printf 'POST /callLog HTTP/1.1\r\nHost: crmhost.example\r\nTransfer-Encoding: chunked\r\n\r\n'
  printf '2\r\n{}\r\n0\r\nX-Big: '
  head -c 65534 /dev/zero | tr '\0' 'a'
  printf '\r\n\r\n'
} >"$scratch/regress-http_request/trailer_65534"

# UBSan reports stop the run (the targets also default to this, see fuzz_options.cpp).
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

failed=0
for t in "${targets[@]}"; do
  dir="$scratch/$t"
  mkdir -p "$dir/corpus"
  cp -r tests/fuzz/corpus/"$t"/. "$dir/corpus/"
  log="$dir/fuzz.log"
  rc=0
  artifact=
  # Regression inputs first (a file given to a libFuzzer binary is run once).
  for input in "$scratch/regress-$t"/*; do
    [ -f "$input" ] || continue
    "$bin/fuzz_$t" -timeout=10 -rss_limit_mb=2048 "$input" >"$log" 2>&1 ||
      { rc=$?; artifact=$input; break; }
  done
  if [ "$rc" -eq 0 ]; then
    # The outer timeout only guards against a fuzzer that never starts or never stops.
    timeout --kill-after=10 $((seconds + 120)) "$bin/fuzz_$t" -max_total_time="$seconds" \
      -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$dir/" \
      "$dir/corpus" >"$log" 2>&1 || rc=$?
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ "$rc" -eq 0 ]; then
    printf 'fuzz: %-18s %10s executions in %s s, clean\n' "$t" "${execs:-?}" "$seconds"
  else
    failed=1
    kind=$(grep -m1 -oE '(ERROR: [A-Za-z]+: [a-z -]+[a-z])|runtime error' "$log" || echo "exit $rc")
    printf 'fuzz: %-18s %10s executions, FAILED (%s)\n' "$t" "${execs:-?}" "$kind"
    echo "fuzz:   input: ${artifact:-none written}   log: $log"
    echo "fuzz:   reproduce: $bin/fuzz_$t ${artifact:-<input>}"
    grep -m1 -B2 -A25 -E '==ERROR|runtime error|ERROR: libFuzzer' "$log" | sed 's/^/    /' || true
  fi
done
echo "fuzz: done in $(( $(date +%s) - start )) s"
exit "$failed"
