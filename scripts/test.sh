#!/usr/bin/env bash
# The whole test suite, from a fresh machine: bootstrap, build, unit tests
# (GoogleTest via ctest), the execution-provider variants (GPU build: ORT's
# option read-back; OpenVINO build: a model run through the OpenVINO EP), then
# integration tests (pytest) against the real tritonserver with the freshly
# installed backend.
source "$(dirname "$0")/lib/common.sh"
"$ROOT/scripts/build.sh"
step "unit tests"
ctest --test-dir "${BUILD_DIR:-$ROOT/build}" --output-on-failure -j "$(nproc)"

step "GPU variant (onnxruntime-gpu): build, and read every EP option back from ORT"
BUILD_DIR="$ROOT/build-gpu" INSTALL_DIR="$ROOT/install-gpu" \
  "$ROOT/scripts/build.sh" -DTRITON_ENABLE_GPU=ON -DTRITON_ENABLE_ONNXRUNTIME_TENSORRT=ON
ctest --test-dir "$ROOT/build-gpu" --output-on-failure -j "$(nproc)"

step "OpenVINO variant (onnxruntime-openvino): build"
BUILD_DIR="$ROOT/build-openvino" INSTALL_DIR="$ROOT/install-openvino" \
  "$ROOT/scripts/build.sh" -DTRITON_ENABLE_ONNXRUNTIME_OPENVINO=ON -DORT_BACKEND_BUILD_TESTS=OFF

step "integration tests"
export TRITONSERVER_BIN="$(tritonserver_bin)"
export ORT_BACKEND_DIR="${INSTALL_DIR:-$ROOT/install}/backends"
export ORT_OPENVINO_BACKEND_DIR="$ROOT/install-openvino/backends"
export ORT_MODEL_CONFIG_BIN="${INSTALL_DIR:-$ROOT/install}/bin/ort-model-config"
export ORT_OPENVINO_MODEL_CONFIG_BIN="$ROOT/install-openvino/bin/ort-model-config"
export ORT_TEST_CUSTOM_OP_LIB="${BUILD_DIR:-$ROOT/build}/tests/unit/libortb_test_custom_op.so"
cd "$ROOT"
"$VENV/bin/python" -m pytest -q -p no:cacheprovider tests/integration tests/docs "$@"
cd - >/dev/null

# Reliability (issue 5): a short soak, a fuzz smoke run, sanitizers and valgrind.
step "soak (short mode)"
SOAK_SECONDS="${SOAK_SECONDS:-120}" "$ROOT/scripts/soak.sh"
step "fuzz smoke run"
"$ROOT/scripts/fuzz.sh"
step "AddressSanitizer + UndefinedBehaviorSanitizer, then valgrind"
"$ROOT/scripts/sanitize.sh"
step "all tests passed"
