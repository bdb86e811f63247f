#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (ASan + UBSan) into
# build-fuzz/ and runs each one from its seed corpus.
#
#   scripts/fuzz.sh                 smoke run: 20000 executions per target
#   scripts/fuzz.sh --runs N        N executions per target
#   scripts/fuzz.sh --seconds S     S seconds per target (a long run: --seconds 600)
#
# Runs counted in executions use a fixed seed (FUZZ_SEED, default 1), so the
# smoke run does the same work every time; timed runs draw a random seed.
# The seeds in fuzz/corpus/<target>/ are copied to a temporary folder first, so
# the inputs a run discovers never change the repository. Targets run side by
# side, up to one per core. A crash, leak, sanitizer report or broken invariant
# stops that target; its reproducer is kept as build-fuzz/crashes/<target>/crash-*
# and the script exits 1. Replay one with: build-fuzz/fuzz/<target> FILE
# Logs: build-fuzz/logs/<target>.log. FUZZ_JOBS overrides the parallelism.
source "$(dirname "$0")/lib/common.sh"

runs=20000
seconds=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="${2:?--runs needs a number}"; seconds=""; shift 2 ;;
    --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (usage: scripts/fuzz.sh [--runs N | --seconds S])" ;;
  esac
done
[[ "$runs" =~ ^[0-9]+$ ]] || die "--runs takes a whole number, got '$runs'"
[ -z "$seconds" ] || [[ "$seconds" =~ ^[0-9]+$ ]] || die "--seconds takes a whole number, got '$seconds'"

targets=(fuzz_model_config fuzz_bytes_codec fuzz_shape_checks fuzz_batch_inputs fuzz_sealed_file)
build="$ROOT/build-fuzz"
t0=$SECONDS

# --- clang and its libFuzzer/sanitizer runtimes (Debian: clang 14) ----------
need=()
for pkg in clang libclang-rt-14-dev; do dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg"); done
if [ ${#need[@]} -gt 0 ]; then
  step "installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >&2
fi

# --- build (the fuzz targets only) -------------------------------------------
"$ROOT/scripts/bootstrap.sh"  # nlohmann-json and the ONNX Runtime headers the configure step needs
gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
step "configuring ($build)"
CC=clang CXX=clang++ cmake -S "$ROOT" -B "$build" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DORT_BACKEND_FUZZ=ON -DORT_BACKEND_BUILD_TESTS=OFF >/dev/null
grep -q 'CMAKE_CXX_COMPILER:.*clang' "$build/CMakeCache.txt" ||
  die "$build was configured with another compiler; remove it and run again"
step "building the fuzz targets"
cmake --build "$build" --target fuzz_targets --parallel "$(nproc)"
t_build=$((SECONDS - t0))

# --- run ---------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/ortb-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$build/logs"
touch "$work/.started"  # reproducers newer than this are this run's
if [ -n "$seconds" ]; then limit=(-max_total_time="$seconds" -seed="${FUZZ_SEED:-0}"); what="$seconds s each"
else limit=(-runs="$runs" -seed="${FUZZ_SEED:-1}"); what="$runs runs each"; fi
step "fuzzing ${#targets[@]} targets ($what)"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

run_target() {
  local t="$1" corpus="$work/$1" dict=() rc=0
  cp -r "$ROOT/fuzz/corpus/$t" "$corpus"
  [ -f "$ROOT/fuzz/$t.dict" ] && dict=(-dict="$ROOT/fuzz/$t.dict")
  mkdir -p "$build/crashes/$t"
  "$build/fuzz/$t" "${limit[@]}" "${dict[@]}" -print_final_stats=1 \
    -artifact_prefix="$build/crashes/$t/" "$corpus" >"$build/logs/$t.log" 2>&1 || rc=$?
  echo "$rc" >"$work/$t.rc"
}

jobs_max="${FUZZ_JOBS:-$(nproc)}"
t1=$SECONDS
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n || true; done
  run_target "$t" &
done
wait
t_run=$((SECONDS - t1))

failed=0
total=0
for t in "${targets[@]}"; do
  log="$build/logs/$t.log"
  rc=$(cat "$work/$t.rc" 2>/dev/null || echo 99)
  execs=$(awk '/stat::number_of_executed_units/{print $NF}' "$log" | tail -n1 || true)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -n1 || true)
  total=$((total + ${execs:-0}))
  if [ "$rc" = 0 ]; then
    printf '  %-20s ok      %9s executions  %s\n' "$t" "${execs:-?}" "$cov"
  else
    failed=$((failed + 1))
    printf '  %-20s FAILED  %9s executions  (exit %s, log %s)\n' "$t" "${execs:-?}" "$rc" "$log"
    grep -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|fuzz invariant broken|uncaught exception|terminate called' \
      "$log" | head -n 5 | sed 's/^/      /' || true
    find "$build/crashes/$t" -type f -newer "$work/.started" | sed 's/^/      reproducer: /'
  fi
done
echo "fuzz: ${#targets[@]} targets, $total executions, $failed failed (build ${t_build}s, fuzzing ${t_run}s)"
[ "$failed" = 0 ]
