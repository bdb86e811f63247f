#!/usr/bin/env bash
# Runs the unit-test binaries under valgrind's memcheck: any invalid access,
# use of uninitialized memory or definitely-lost block fails the run. They are
# the main build's (build/, or BUILD_DIR; built first if needed): valgrind
# cannot run ASan binaries, and a build of their own cost CI minutes while
# finding nothing the main build's binaries do not (reports name functions,
# without line numbers; rebuild with BUILD_TYPE=RelWithDebInfo for those).
#
#   scripts/valgrind.sh [extra valgrind arguments]
#
# Logs: <build>/valgrind/<binary>.log. Suppressions for reports that are not
# ours: scripts/sanitizers/valgrind.supp (each entry says why).
# memory_release_tests is not run: it checks glibc's heap, which valgrind
# replaces with its own.
source "$(dirname "$0")/lib/common.sh"
command -v valgrind >/dev/null || {
  step "installing valgrind"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq valgrind >&2
}

build="${BUILD_DIR:-$ROOT/build}"
binaries=(unit_tests execute_tests ep_readback_tests)
t0=$SECONDS
# Quick when the main build is current (scripts/test.sh built it already).
"$ROOT/scripts/build.sh"
t_build=$((SECONDS - t0))

supp=()
[ -f "$ROOT/scripts/sanitizers/valgrind.supp" ] && supp=(--suppressions="$ROOT/scripts/sanitizers/valgrind.supp")
mkdir -p "$build/valgrind"
failed=0
t1=$SECONDS
for name in "${binaries[@]}"; do
  bin="$build/tests/unit/$name"
  log="$build/valgrind/$name.log"
  step "valgrind $name"
  rc=0
  valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=1 \
    --show-leak-kinds=definite --track-origins=yes --num-callers=30 "${supp[@]}" "$@" \
    --log-file="$log" "$bin" --gtest_brief=1 || rc=$?
  errors=$(grep -oE 'ERROR SUMMARY: [0-9]+ errors' "$log" | tail -n1 || true)
  lost=$(grep -oE 'definitely lost: [0-9,]+ bytes in [0-9,]+ blocks' "$log" | tail -n1 || true)
  printf '  %-18s %s, %s, %s\n' "$name" "$([ $rc = 0 ] && echo ok || echo "FAILED (exit $rc)")" \
    "${errors:-?}" "${lost:-definitely lost: 0 bytes}"
  if [ "$rc" != 0 ]; then
    failed=$((failed + 1))
    grep -E '^==[0-9]+== (Invalid|Conditional|Use of|Syscall|Mismatched|Source and|[0-9,]+ bytes in .* definitely)' \
      "$log" | head -n 10 | sed 's/^/      /' || true
    echo "      full report: $log"
  fi
done
echo "valgrind: ${#binaries[@]} binaries, $failed failed (build $((t_build))s, run $((SECONDS - t1))s)"
[ "$failed" = 0 ]
