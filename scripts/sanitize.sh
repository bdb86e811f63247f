#!/usr/bin/env bash
# AddressSanitizer + UndefinedBehaviorSanitizer over the backend, then valgrind:
#
#   1. builds with -DORT_BACKEND_SANITIZE=ON (gcc, -O1 -g) into build-asan/ and installs
#      into install-asan/;
#   2. runs the unit tests (ctest) under the sanitizers, LeakSanitizer included;
#   3. runs tests/integration/test_inference.py, test_bad_input.py,
#      test_sequence_batching.py and test_embedded_server.py against
#      that backend, loaded into the real tritonserver (and, for the last
#      file, into the ASan-built in-process host tests/embed/triton_capi_host
#      and into Python processes that call its entry points) with the ASan
#      runtime preloaded into those processes (TRITONSERVER_ENV_PRELOAD);
#      then a short soak (tests/soak, SANITIZE_SOAK_SECONDS, default 30; 0 skips
#      it) against the same server setup: reloads, cancellations, 16 clients;
#   4. reads every sanitizer report those servers wrote (build-asan/server-logs/)
#      and fails when one involves our code (scripts/sanitizers/scan_reports.py);
#      reports about the server's or ONNX Runtime's own memory are listed, not
#      fatal. (No leak check in the server process: see step 3 for why.)
#   5. runs scripts/valgrind.sh (unit tests under valgrind) unless --no-valgrind.
#
#   scripts/sanitize.sh [--no-valgrind] [extra pytest arguments]
source "$(dirname "$0")/lib/common.sh"

valgrind=1
pytest_args=()
for a in "$@"; do
  case "$a" in
    --no-valgrind) valgrind=0 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) pytest_args+=("$a") ;;
  esac
done

build="$ROOT/build-asan"
install="$ROOT/install-asan"
logs="$build/server-logs"
supp="$ROOT/scripts/sanitizers"
t0=$SECONDS

# --- 1. build ------------------------------------------------------------------
# -O1, as the sanitizers' own docs advise: reports keep their frames, and the
# build is quicker than at -O2 (the unit tests are -O0 anyway, see
# tests/unit/CMakeLists.txt). -g1: line tables only, all a report's
# file:line frames need, and a quicker build than full debug info. No benches.
BUILD_DIR="$build" INSTALL_DIR="$install" BUILD_TYPE=RelWithDebInfo \
  CC=gcc CXX=g++ "$ROOT/scripts/build.sh" -DORT_BACKEND_SANITIZE=ON "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" \
  -DORT_BACKEND_BUILD_BENCH=OFF
grep -q '^ORT_BACKEND_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" || die "$build is not a sanitizer build"
t_build=$((SECONDS - t0))

# Sanitizer settings for everything below. ASan stops at the first error;
# UBSan is compiled not to recover (-fno-sanitize-recover=undefined).
export ASAN_OPTIONS="detect_leaks=1:malloc_context_size=40:symbolize=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
command -v llvm-symbolizer >/dev/null && export ASAN_SYMBOLIZER_PATH="$(command -v llvm-symbolizer)"

# --- 2. unit tests ---------------------------------------------------------------
step "unit tests under ASan + UBSan"
t1=$SECONDS
unit=0
# fast_unwind_on_malloc=0: leak stacks are unwound with DWARF, so they stay
# whole through ONNX Runtime (ep_readback_tests), which has no frame pointers.
ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0" \
  ctest --test-dir "$build" --output-on-failure -j "$(nproc)" 2>&1 | grep -v ' (Skipped)$' || unit=$?
t_unit=$((SECONDS - t1))

# --- 3. integration tests and a short soak against the ASan-built backend -----------
libasan="$(gcc -print-file-name=libasan.so)"
[ -f "$libasan" ] || die "gcc's libasan.so not found (gcc -print-file-name=libasan.so gave '$libasan')"
rm -rf "$logs" && mkdir -p "$logs"

# Runs pytest with tests/integration/conftest.py starting servers that load the
# ASan backend, with the ASan runtime preloaded into the server process only.
# The server's sanitizer reports go to pid-suffixed files beside its logs;
# pytest itself is not instrumented and ignores these variables.
#
# No leak check in the server (detect_leaks=0): LeakSanitizer runs from an
# exit handler, and with the ASan runtime preloaded tritonserver never gets
# there. Its exit deadlocks in the destructor of the wheel's bundled
# libp11-kit (freelocale waits on glibc's __libc_setlocale_lock, whose reader
# count a dlerror() -> dcgettext() call during backend loading has driven
# below zero). That happens with an uninstrumented build of this backend too,
# so it is not our code; and the server's own allocations would swamp the
# report anyway. Our leaks are caught by the unit tests under LeakSanitizer
# (above), the fuzzers (scripts/fuzz.sh), valgrind (scripts/valgrind.sh) and
# the soak test's RSS bounds. Because exit never finishes, servers get
# SIGKILL 10 s after SIGTERM (by then models and the backend are finalized).
pytest_with_asan_server() (
  export TRITONSERVER_BIN="$(tritonserver_bin)" ORT_BACKEND_DIR="$install/backends"
  export TRITONSERVER_ENV_PRELOAD="$libasan" TRITON_LOG_DIR="$logs" TRITONSERVER_STOP_TIMEOUT=10
  export ORT_TEST_CAPI_HOST="$build/tests/embed/triton_capi_host"
  export ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0:log_path=$logs/asan"
  export UBSAN_OPTIONS="$UBSAN_OPTIONS:log_path=$logs/ubsan"
  cd "$ROOT"
  "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$@"
)

step "integration tests with the ASan backend in tritonserver"
t2=$SECONDS
rc=0
pytest_with_asan_server tests/integration/test_inference.py tests/integration/test_bad_input.py \
  tests/integration/test_sequence_batching.py tests/integration/test_embedded_server.py \
  "${pytest_args[@]}" || rc=$?
t_integration=$((SECONDS - t2))

# Concurrent requests, model reloads and cancellations are where lifetime bugs
# live. The soak's RSS/fd bounds are off here (ASan's quarantine makes RSS
# meaningless); answers and failures are still checked.
soak_seconds="${SANITIZE_SOAK_SECONDS:-30}"
t3=$SECONDS
soak=0
if [ "$soak_seconds" != 0 ]; then
  step "soak test (${soak_seconds} s) with the ASan backend"
  SOAK_SECONDS="$soak_seconds" SOAK_MEMORY_BOUNDS=0 pytest_with_asan_server tests/soak || soak=$?
fi
t_soak=$((SECONDS - t3))

# --- 4. the servers' sanitizer reports ------------------------------------------------
step "sanitizer reports of the servers"
scan=0
python3 "$supp/scan_reports.py" --ours libtriton_onnxruntime --ours "$ROOT/src/" "$logs" || scan=$?

# --- 5. valgrind --------------------------------------------------------------------
vg=0
t4=$SECONDS
if [ "$valgrind" = 1 ]; then "$ROOT/scripts/valgrind.sh" || vg=$?; fi
t_valgrind=$((SECONDS - t4))

status() { [ "$1" = 0 ] && echo ok || echo "FAILED"; }
echo "sanitize: unit tests $(status $unit), integration $(status $rc), soak $(status $soak)," \
     "server sanitizer reports $(status $scan), valgrind $([ "$valgrind" = 1 ] && status $vg || echo skipped)" \
     "(build ${t_build}s, unit ${t_unit}s, integration ${t_integration}s, soak ${t_soak}s, valgrind ${t_valgrind}s)"
[ "$unit" = 0 ] && [ "$rc" = 0 ] && [ "$soak" = 0 ] && [ "$scan" = 0 ] && [ "$vg" = 0 ]
