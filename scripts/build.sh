#!/usr/bin/env bash
# Bootstraps, then configures, builds and installs the backend into
# install/backends/onnxruntime/. Extra arguments go to cmake, e.g.
#   scripts/build.sh -DTRITON_BUILD_ONNXRUNTIME_VERSION=1.24.1
# BUILD_DIR and INSTALL_DIR override the default folders.
source "$(dirname "$0")/lib/common.sh"
"$ROOT/scripts/bootstrap.sh"
build="${BUILD_DIR:-$ROOT/build}"
install="${INSTALL_DIR:-$ROOT/install}"
gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
step "configuring ($build)"
cmake -S "$ROOT" -B "$build" "${gen[@]}" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" \
  -DCMAKE_INSTALL_PREFIX="$install" "$@" >/dev/null
step "building"
cmake --build "$build" --parallel "$(nproc)"
cmake --install "$build" >/dev/null
step "installed: $install/backends/onnxruntime"
