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
# unit_tests, ort-model-config and the decryptor). Unit tests are off unless
# -DORT_BACKEND_BUILD_TESTS=ON; scripts/aarch64_check.sh runs them under qemu.
source "$(dirname "$0")/lib/common.sh"
[ "$HOST_ARCH" = x86_64 ] || die "cross_build_aarch64.sh builds on x86_64; on aarch64 run scripts/build.sh"
need_debs cmake make nlohmann-json3-dev g++-aarch64-linux-gnu googletest
export ORT_BACKEND_ARCH=aarch64
ort=$("$ROOT/scripts/fetch_onnxruntime.sh" "${TRITON_BUILD_ONNXRUNTIME_VERSION:-1.24.1}")

# OpenSSL's libcrypto for aarch64 (the shipped decryptor links it): the pinned
# arm64 packages unpacked into a folder of their own, so this machine needs no
# foreign architecture. scripts/aarch64_check.sh puts its lib folder on the
# guest's library path.
ssl="$DEPS/openssl-aarch64"
if [ "$(cat "$ssl/.complete" 2>/dev/null)" != "$PIN_LIBSSL_DEV_DEB_AARCH64 $PIN_LIBSSL3_DEB_AARCH64" ]; then
  step "fetching OpenSSL for aarch64 ($PIN_OPENSSL_SUITE_AARCH64 $PIN_OPENSSL_VERSION_AARCH64)"
  debdir="$DEPS/debs"
  rm -rf "$ssl" && mkdir -p "$ssl"
  for pkg in libssl-dev libssl3; do
    var=$(echo "$pkg" | tr a-z- A-Z_)
    deb_var="PIN_${var}_DEB_AARCH64" sha_var="PIN_${var}_SHA_AARCH64"
    [ -f "$debdir/${!deb_var}" ] ||
      ARCH=aarch64 debian_download "$PIN_OPENSSL_SUITE_AARCH64" "$pkg=$PIN_OPENSSL_VERSION_AARCH64" "$debdir"
    check_sha256 "$debdir/${!deb_var}" "${!sha_var}"
    dpkg-deb -x "$debdir/${!deb_var}" "$ssl"
  done
  # Two of OpenSSL's headers are in the multiarch folder; FindOpenSSL takes one include folder.
  cp "$ssl"/usr/include/aarch64-linux-gnu/openssl/*.h "$ssl/usr/include/openssl/"
  echo "$PIN_LIBSSL_DEV_DEB_AARCH64 $PIN_LIBSSL3_DEB_AARCH64" >"$ssl/.complete"
fi
ssl_lib="$ssl/usr/lib/aarch64-linux-gnu"

build="${BUILD_DIR:-$ROOT/build-aarch64}"
install="${INSTALL_DIR:-$ROOT/install-aarch64}"
gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
step "configuring the aarch64 cross build ($build)"
cmake -S "$ROOT" -B "$build" "${gen[@]}" --toolchain "$ROOT/cmake/aarch64-linux-gnu.cmake" \
  -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" -DCMAKE_INSTALL_PREFIX="$install" \
  -DONNXRUNTIME_ROOT="$ort" -DOPENSSL_ROOT_DIR="$ssl/usr" -DOPENSSL_INCLUDE_DIR="$ssl/usr/include" \
  -DOPENSSL_CRYPTO_LIBRARY="$ssl_lib/libcrypto.so" -DOPENSSL_SSL_LIBRARY="$ssl_lib/libssl.so" \
  -DORT_BACKEND_BUILD_TESTS=OFF "$@" >/dev/null
step "building for aarch64"
targets=(); for t in ${CROSS_TARGETS:-}; do targets+=(--target "$t"); done
cmake --build "$build" --parallel "$(nproc)" ${targets[@]+"${targets[@]}"}
cmake --install "$build" >/dev/null
step "installed: $install/backends/onnxruntime (aarch64)"
