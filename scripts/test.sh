#!/usr/bin/env bash
# The whole test suite, from a fresh machine: bootstrap, build, unit tests
# (GoogleTest via ctest), the execution-provider variants (GPU build: ORT's
# option read-back; OpenVINO build: a model run through the OpenVINO EP), then
# integration tests (pytest) against the real tritonserver with the freshly
# installed backend, and the reliability stages (soak, fuzz smoke, sanitizers
# and valgrind).
#
#   scripts/test.sh                        every stage (what CI runs)
#   scripts/test.sh --only unit,integration
#   scripts/test.sh --skip sanitize,soak
#   scripts/test.sh --only integration -- -k ragged    (after --: pytest arguments)
#
# Stages, in order: format, unit, gpu, openvino, integration, aarch64, soak,
# fuzz, sanitize. aarch64 (on x86_64): the cross-built aarch64 backend, its unit
# tests and a part of the integration suite under qemu (scripts/aarch64_check.sh).
# The main build always runs first (it is quick when nothing changed); the
# integration stage uses the OpenVINO build when it exists.
source "$(dirname "$0")/lib/common.sh"

stages=(format unit gpu openvino integration aarch64 soak fuzz sanitize)
only="" skip=""
pytest_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --only) only="${2:?--only needs a list of stages}"; shift 2 ;;
    --skip) skip="${2:?--skip needs a list of stages}"; shift 2 ;;
    --) shift; pytest_args=("$@"); break ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) pytest_args+=("$1"); shift ;;  # as before: anything else goes to pytest
  esac
done
for name in ${only//,/ } ${skip//,/ }; do
  [[ " ${stages[*]} " == *" $name "* ]] || die "unknown stage '$name' (stages: ${stages[*]})"
done
# wanted STAGE: whether this run includes it.
wanted() {
  if [ -n "$only" ] && [[ ",$only," != *",$1,"* ]]; then return 1; fi
  [[ ",$skip," != *",$1,"* ]]
}

if wanted format; then
  step "format: the C++ sources as .clang-format lays them out"
  "$ROOT/scripts/format.sh" --check
fi
"$ROOT/scripts/build.sh"
if wanted unit; then
  step "unit tests"
  ctest --test-dir "${BUILD_DIR:-$ROOT/build}" --output-on-failure -j "$(nproc)"
fi

# The variants (and the aarch64 stage) build at -O1 and without the bench
# programs: what they check is that the code compiles and behaves with their
# provider; the -O3 build and the benches are the main build's.
variant_flags=("-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG" -DORT_BACKEND_BUILD_BENCH=OFF)
# PyPI has onnxruntime-gpu and onnxruntime-openvino wheels for x86_64 only.
no_wheel="skipped on $ARCH: PyPI has no wheel of this ONNX Runtime package for $ARCH (docs/building.md)"

if wanted gpu && [ "$ARCH" != x86_64 ]; then
  step "GPU variant: $no_wheel"
elif wanted gpu; then
  step "GPU variant (onnxruntime-gpu): build, and read every EP option back from ORT"
  BUILD_DIR="$ROOT/build-gpu" INSTALL_DIR="$ROOT/install-gpu" \
    "$ROOT/scripts/build.sh" -DTRITON_ENABLE_GPU=ON -DTRITON_ENABLE_ONNXRUNTIME_TENSORRT=ON "${variant_flags[@]}"
  ctest --test-dir "$ROOT/build-gpu" --output-on-failure -j "$(nproc)"
fi

if wanted openvino && [ "$ARCH" != x86_64 ]; then
  step "OpenVINO variant: $no_wheel"
elif wanted openvino; then
  step "OpenVINO variant (onnxruntime-openvino): build"
  BUILD_DIR="$ROOT/build-openvino" INSTALL_DIR="$ROOT/install-openvino" \
    "$ROOT/scripts/build.sh" -DTRITON_ENABLE_ONNXRUNTIME_OPENVINO=ON -DORT_BACKEND_BUILD_TESTS=OFF "${variant_flags[@]}"
fi

if wanted integration; then
  step "integration tests"
  export TRITONSERVER_BIN="$(tritonserver_bin)"
  export ORT_BACKEND_DIR="${INSTALL_DIR:-$ROOT/install}/backends"
  # Without the OpenVINO build (--skip openvino on a fresh tree) its tests skip.
  if [ -d "$ROOT/install-openvino/backends" ]; then
    export ORT_OPENVINO_BACKEND_DIR="$ROOT/install-openvino/backends"
    export ORT_OPENVINO_MODEL_CONFIG_BIN="$ROOT/install-openvino/bin/ort-model-config"
  fi
  export ORT_MODEL_CONFIG_BIN="${INSTALL_DIR:-$ROOT/install}/bin/ort-model-config"
  export ORT_TEST_CUSTOM_OP_LIB="${BUILD_DIR:-$ROOT/build}/tests/unit/libortb_test_custom_op.so"
  export ORT_TEST_PLUGIN_EP_LIB="${BUILD_DIR:-$ROOT/build}/tests/unit/libortb_test_mul_ep.so"
  # The OpenVINO plugin EP is pinned for x86_64 only; elsewhere its tests skip.
  if [ "$ARCH" = x86_64 ]; then
    ORT_TEST_OPENVINO_EP_LIB="$("$ROOT/scripts/fetch_ep_openvino.sh")"
    export ORT_TEST_OPENVINO_EP_LIB
  else
    step "OpenVINO plugin EP tests: skipped on $ARCH (onnxruntime-ep-openvino is pinned for x86_64 only)"
  fi
  export ORT_TEST_CAPI_HOST="${BUILD_DIR:-$ROOT/build}/tests/embed/triton_capi_host"
  cd "$ROOT"
  "$VENV/bin/python" -m pytest -q -p no:cacheprovider tests/integration tests/docs ${pytest_args[@]+"${pytest_args[@]}"}
  cd - >/dev/null
fi

# The aarch64 build, cross-compiled and run under qemu (an x86_64 machine's
# check of what ARM hosts run; on an aarch64 machine the stages above are it).
if wanted aarch64 && [ "$HOST_ARCH" != x86_64 ]; then
  step "aarch64 (cross build under qemu): skipped, this machine is $HOST_ARCH and the stages above ran natively"
elif wanted aarch64; then
  step "aarch64: cross build, unit tests and integration tests under qemu"
  "$ROOT/scripts/aarch64_check.sh"
fi

if wanted soak; then
  step "soak (short mode)"
  # 60 s: over a thousand reload cycles; the leak bound is a per-cycle trend,
  # which does not need more (tests/soak/test_soak.py).
  SOAK_SECONDS="${SOAK_SECONDS:-60}" "$ROOT/scripts/soak.sh"
fi
if wanted fuzz; then
  step "fuzz smoke run"
  "$ROOT/scripts/fuzz.sh"
fi
if wanted sanitize; then
  step "AddressSanitizer + UndefinedBehaviorSanitizer, then valgrind"
  "$ROOT/scripts/sanitize.sh"
fi
step "all tests passed"
