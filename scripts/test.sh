#!/usr/bin/env bash
# The whole test suite, from a fresh machine: bootstrap, build, unit tests
# (GoogleTest via ctest), then integration tests (pytest) against the real
# tritonserver with the freshly installed backend.
source "$(dirname "$0")/lib/common.sh"
"$ROOT/scripts/build.sh"
step "unit tests"
ctest --test-dir "${BUILD_DIR:-$ROOT/build}" --output-on-failure -j "$(nproc)"
step "integration tests"
export TRITONSERVER_BIN="$(tritonserver_bin)"
export ORT_BACKEND_DIR="${INSTALL_DIR:-$ROOT/install}/backends"
cd "$ROOT"
"$VENV/bin/python" -m pytest -q -p no:cacheprovider tests/integration "$@"
