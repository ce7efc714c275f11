#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets of fuzz/targets/ with clang (ASan + UBSan, host only)
# and runs each for --runs executions, starting from the committed seeds of fuzz/corpus/<target>/.
# New coverage goes to <build>/corpus/<target>/ (not committed); a crash, leak, timeout or
# sanitizer report is written to fuzz/regressions/<target>/ (commit it: `make test` replays
# every file there) and fails the run. Prints one summary line per target.
#   scripts/fuzz.sh [--build DIR] [--runs N] [--targets a,b] [--jobs N]
set -euo pipefail
cd "$(dirname "$0")/.."

build=build-fuzz
runs=1000000
targets=""
jobs=$(nproc)
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --targets) targets=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    *) echo "fuzz.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [ -z "$targets" ]; then
  targets=$(for f in fuzz/targets/*.cpp; do basename "$f" .cpp; done | paste -sd, -)
fi

flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMMFREE_BUILD_SIM=OFF -DMMFREE_FUZZ=ON -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_C_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
fi
cmake --build "$build" -j "$jobs" --target $(echo "$targets" | tr ',' '\n' | sed 's/^/fuzz_/' | paste -sd' ' -)

status=0
for t in $(echo "$targets" | tr ',' ' '); do
  mkdir -p "$build/corpus/$t" "fuzz/regressions/$t"
  log="$build/fuzz_$t.log"
  # -timeout: an input taking 10 s is a hang; -rss_limit_mb: one using 2 GB is unbounded memory.
  # -max_len: libFuzzer's default is the largest seed (the tiny .mmf, 36 KB, must stay whole);
  # the tokenizer and safetensors seeds are cut to 4 KB, which keeps an execution ~10x cheaper
  # (the 300 KB demo tokenizer is still replayed whole by `make test`).
  case "$t" in tokenizer|safetensors) max_len=(-max_len=4096) ;; *) max_len=() ;; esac
  if ! "$build/fuzz/fuzz_$t" -runs="$runs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "${max_len[@]}" \
      -artifact_prefix="fuzz/regressions/$t/" "$build/corpus/$t" "fuzz/corpus/$t" >"$log" 2>&1; then
    status=1
    echo "fuzz $t: FAILED, see $log and fuzz/regressions/$t/"
  fi
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
  secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' || echo '?')
  units=$(ls "$build/corpus/$t" | wc -l)
  echo "fuzz $t: $execs executions in ${secs}s, coverage $cov edges / $ft features, corpus +$units inputs"
done
exit $status
