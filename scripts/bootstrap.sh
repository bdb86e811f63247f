#!/usr/bin/env bash
# Installs everything the project needs, into git-ignored folders, pinned and
# cached (a second run only checks): Debian build packages, a Python venv with
# the real Triton server (nvidia-pytriton), clients and test tools, and an
# ONNX Runtime release folder for the build.
source "$(dirname "$0")/lib/common.sh"

# --- Debian packages for the build and tests --------------------------------
# libssl-dev: OpenSSL's libcrypto for the shipped model decryptor and
# ort-encrypt-model; strace: the no-plaintext-on-disk test records the files
# the server opens for writing (docs/model_protection.md).
need=()
for pkg in cmake g++ make nlohmann-json3-dev libgtest-dev libssl-dev strace python3-venv; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  step "installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >&2
fi

# --- Python venv --------------------------------------------------------------
wheels="$DEPS/wheels"
pytriton=$(pip_fetch "$PIN_PYTRITON" "$(pinned PIN_PYTRITON_SHA)" "$wheels")
tclient=$(pip_fetch "$PIN_TRITONCLIENT" "$(pinned PIN_TRITONCLIENT_SHA)" "$wheels")
stamp="$VENV/.requirements.sha256"
want=$(cat "$ROOT/scripts/requirements.txt" "$ROOT/tests/docs/requirements.txt" "$ROOT/scripts/lib/pins.sh" | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  step "creating Python venv in $VENV"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install --progress-bar on -q --find-links "$wheels" \
    "$pytriton" "$tclient" -r "$ROOT/scripts/requirements.txt" -r "$ROOT/tests/docs/requirements.txt" >&2
  echo "$want" >"$stamp"
fi

# --- ONNX Runtime for the build ---------------------------------------------
"$ROOT/scripts/fetch_onnxruntime.sh" "${TRITON_BUILD_ONNXRUNTIME_VERSION:-1.24.1}" >/dev/null

step "bootstrap done: venv $VENV, tritonserver $(tritonserver_bin 2>/dev/null || echo '?')"
