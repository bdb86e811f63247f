#!/usr/bin/env bash
# Builds the backend for 64-bit ARM Linux (aarch64: Graviton, Grace, Ampere) on
# an x86_64 Debian/Ubuntu machine, with the distribution's cross compilers and
# cmake/aarch64-linux-gnu.cmake, and installs it with the aarch64 ONNX Runtime
# library beside it:
#
#   scripts/cross_build_aarch64.sh [extra cmake arguments]
#     -> install-aarch64/backends/onnxruntime/   (copy it to the ARM host)
#
# BUILD_DIR / INSTALL_DIR / BUILD_TYPE choose the folders and build type
# (default build-aarch64/, install-aarch64/, Release); CROSS_TARGETS builds only
# the named targets (the `aarch64` stage of scripts/test.sh builds the backend,
# unit_tests and ort-model-config). Unit tests are off unless
# -DORT_BACKEND_BUILD_TESTS=ON; scripts/aarch64_check.sh runs them under qemu.
source "$(dirname "$0")/lib/common.sh"
[ "$HOST_ARCH" = x86_64 ] || die "cross_build_aarch64.sh builds on x86_64; on aarch64 run scripts/build.sh"
need_debs cmake make nlohmann-json3-dev g++-aarch64-linux-gnu googletest
export ORT_BACKEND_ARCH=aarch64
ort=$("$ROOT/scripts/fetch_onnxruntime.sh" "${TRITON_BUILD_ONNXRUNTIME_VERSION:-1.24.1}")
build="${BUILD_DIR:-$ROOT/build-aarch64}"
install="${INSTALL_DIR:-$ROOT/install-aarch64}"
gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
step "configuring the aarch64 cross build ($build)"
cmake -S "$ROOT" -B "$build" "${gen[@]}" --toolchain "$ROOT/cmake/aarch64-linux-gnu.cmake" \
  -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" -DCMAKE_INSTALL_PREFIX="$install" \
  -DONNXRUNTIME_ROOT="$ort" -DORT_BACKEND_BUILD_TESTS=OFF "$@" >/dev/null
step "building for aarch64"
targets=(); for t in ${CROSS_TARGETS:-}; do targets+=(--target "$t"); done
cmake --build "$build" --parallel "$(nproc)" ${targets[@]+"${targets[@]}"}
cmake --install "$build" >/dev/null
step "installed: $install/backends/onnxruntime (aarch64)"
