#!/usr/bin/env bash
# One command for the whole benchmark: builds Release, installs what
# perf_analyzer needs, generates the models and runs every scenario.
#   bash bench/run.sh            # full run (about 15 minutes on 2 cores)
#   bash bench/run.sh --quick    # fewer rows, shorter windows
source "$(dirname "$0")/../scripts/lib/common.sh"
BUILD_TYPE=Release "$ROOT/scripts/build.sh"
if ! dpkg -s libb64-0d >/dev/null 2>&1; then
  step "installing libb64-0d (perf_analyzer needs it)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libb64-0d >&2
fi
"$VENV/bin/pip" install -q -r "$ROOT/bench/requirements.txt"
export TRITONSERVER_BIN="$(tritonserver_bin)"
"$VENV/bin/python" "$ROOT/bench/run.py" --build "${BUILD_DIR:-$ROOT/build}" --install "$ROOT/install" "$@"
step "RSS after 10k and 100k requests"
"$VENV/bin/python" "$ROOT/bench/rss_growth.py"
