#!/usr/bin/env bash
# The soak test (tests/soak/test_soak.py): builds and installs the backend like
# scripts/test.sh, then runs one server for SOAK_SECONDS (default 120, the
# short mode; keep it <= 300 in CI) under concurrent load, model reloads and
# cancellations, and checks answers, failures and RSS/fd growth.
#
#   SOAK_SECONDS=120 scripts/soak.sh [extra pytest arguments]
#
# BUILD_DIR / INSTALL_DIR / BUILD_TYPE choose the build, as for scripts/build.sh.
source "$(dirname "$0")/lib/common.sh"
"$ROOT/scripts/build.sh"
step "soak test (${SOAK_SECONDS:-120} s)"
export TRITONSERVER_BIN="$(tritonserver_bin)"
export ORT_BACKEND_DIR="${INSTALL_DIR:-$ROOT/install}/backends"
cd "$ROOT"
"$VENV/bin/python" -m pytest -q -p no:cacheprovider tests/soak "$@"
