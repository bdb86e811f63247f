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
# Stages, in order: format, unit, gpu, openvino, integration, soak, fuzz,
# sanitize.
# The main build always runs first (it is quick when nothing changed); the
# integration stage uses the OpenVINO build when it exists.
source "$(dirname "$0")/lib/common.sh"

stages=(format unit gpu openvino integration soak fuzz sanitize)
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

if wanted gpu; then
  step "GPU variant (onnxruntime-gpu): build, and read every EP option back from ORT"
  BUILD_DIR="$ROOT/build-gpu" INSTALL_DIR="$ROOT/install-gpu" \
    "$ROOT/scripts/build.sh" -DTRITON_ENABLE_GPU=ON -DTRITON_ENABLE_ONNXRUNTIME_TENSORRT=ON
  ctest --test-dir "$ROOT/build-gpu" --output-on-failure -j "$(nproc)"
fi

if wanted openvino; then
  step "OpenVINO variant (onnxruntime-openvino): build"
  BUILD_DIR="$ROOT/build-openvino" INSTALL_DIR="$ROOT/install-openvino" \
    "$ROOT/scripts/build.sh" -DTRITON_ENABLE_ONNXRUNTIME_OPENVINO=ON -DORT_BACKEND_BUILD_TESTS=OFF
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
  ORT_TEST_OPENVINO_EP_LIB="$("$ROOT/scripts/fetch_ep_openvino.sh")"
  export ORT_TEST_OPENVINO_EP_LIB
  export ORT_TEST_CAPI_HOST="${BUILD_DIR:-$ROOT/build}/tests/embed/triton_capi_host"
  cd "$ROOT"
  "$VENV/bin/python" -m pytest -q -p no:cacheprovider tests/integration tests/docs ${pytest_args[@]+"${pytest_args[@]}"}
  cd - >/dev/null
fi

if wanted soak; then
  step "soak (short mode)"
  SOAK_SECONDS="${SOAK_SECONDS:-120}" "$ROOT/scripts/soak.sh"
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
