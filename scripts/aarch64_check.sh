#!/usr/bin/env bash
# The `aarch64` stage of scripts/test.sh, on an x86_64 machine: cross-builds
# the backend for aarch64 (scripts/cross_build_aarch64.sh: the backend,
# unit_tests, ort-model-config and the decryptor only, at -O1, the quickest to
# build here), runs the unit tests under qemu-aarch64-static, then starts the aarch64
# tritonserver of the nvidia-pytriton wheel under qemu with that backend and
# runs tests/aarch64 against it: a representative part of the integration
# suite, each answer compared with the x86_64 build's (install/) on the same
# models, plus the test of bootstrap's per-architecture choice.
#
#   scripts/aarch64_check.sh [extra pytest arguments]
#
# Needs the x86_64 build in install/ (scripts/build.sh, which test.sh runs first).
source "$(dirname "$0")/lib/common.sh"
[ "$HOST_ARCH" = x86_64 ] || die "aarch64_check.sh checks the aarch64 build from an x86_64 machine; on aarch64 run scripts/test.sh"
need_debs qemu-user-static g++-aarch64-linux-gnu
qemu=(qemu-aarch64-static -L /usr/aarch64-linux-gnu)
build="$ROOT/build-aarch64"
install="$ROOT/install-aarch64"
t0=$SECONDS

# --- 1. cross build --------------------------------------------------------------
BUILD_DIR="$build" INSTALL_DIR="$install" CROSS_TARGETS="triton_onnxruntime unit_tests ort-model-config ortb_aes_gcm_decryptor ort-encrypt-model" \
  "$ROOT/scripts/cross_build_aarch64.sh" -DORT_BACKEND_BUILD_TESTS=ON "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG" \
  -DORT_BACKEND_BUILD_BENCH=OFF
readelf -h "$install/backends/onnxruntime/libtriton_onnxruntime.so" | grep -q 'Machine: *AArch64' \
  || die "$install/backends/onnxruntime/libtriton_onnxruntime.so is not an aarch64 library"
t_build=$((SECONDS - t0))

# --- 2. unit tests under qemu (one process: a qemu start per test would cost more than the tests) ---
step "aarch64 unit tests under qemu"
t1=$SECONDS
# unit_tests links libcrypto: the aarch64 one cross_build_aarch64.sh unpacked.
LD_LIBRARY_PATH="$DEPS/openssl-aarch64/usr/lib/aarch64-linux-gnu" "${qemu[@]}" "$build/tests/unit/unit_tests" --gtest_brief=1
t_unit=$((SECONDS - t1))

# --- 3. the aarch64 tritonserver from the pytriton wheel, runnable under qemu ----------------
server_dir="$DEPS/tritonserver-aarch64"
if [ ! -f "$server_dir/.complete" ]; then
  wheel=$(ARCH=aarch64 pip_fetch "$PIN_PYTRITON" "$PIN_PYTRITON_SHA_AARCH64" "$DEPS/wheels")
  step "extracting the aarch64 tritonserver from $(basename "$wheel")"
  rm -rf "$server_dir" && mkdir -p "$server_dir"
  # Only the server and the libraries it links; the layout is kept, because
  # its RPATH finds them at $ORIGIN/../../../nvidia_pytriton.libs.
  python3 - "$wheel" "$server_dir" <<'PY'
import sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    z.extractall(dest, [n for n in z.namelist()
                        if n == "pytriton/tritonserver/bin/tritonserver" or n.startswith("nvidia_pytriton.libs/")])
PY
  chmod +x "$server_dir/pytriton/tritonserver/bin/tritonserver"  # zipfile drops the exec bit
  # The wheel expects the system's zlib; the guest's comes from Debian's arm64 package.
  debdir="$DEPS/debs"
  [ -f "$debdir/$PIN_ZLIB_DEB_AARCH64" ] || ARCH=aarch64 debian_download trixie zlib1g "$debdir"
  check_sha256 "$debdir/$PIN_ZLIB_DEB_AARCH64" "$PIN_ZLIB_SHA_AARCH64"
  dpkg-deb -x "$debdir/$PIN_ZLIB_DEB_AARCH64" "$server_dir/zlib"
  cp -L "$server_dir"/zlib/usr/lib/aarch64-linux-gnu/libz.so.1 "$server_dir/nvidia_pytriton.libs/"
  rm -rf "$server_dir/zlib"
  printf '#!/bin/sh\n# The aarch64 tritonserver, run by qemu user mode.\nexec %s "%s" "$@"\n' \
    "${qemu[*]}" "$server_dir/pytriton/tritonserver/bin/tritonserver" >"$server_dir/tritonserver"
  chmod +x "$server_dir/tritonserver"
  touch "$server_dir/.complete"
fi

# --- 4. integration tests against it, compared with the x86_64 build -------------------
step "tests/aarch64: the aarch64 server under qemu against the x86_64 one"
t2=$SECONDS
export TRITONSERVER_BIN="$(tritonserver_bin)" ORT_BACKEND_DIR="${INSTALL_DIR:-$ROOT/install}/backends"
export ORT_AARCH64_TRITONSERVER="$server_dir/tritonserver" ORT_AARCH64_BACKEND_DIR="$install/backends"
export ORT_AARCH64_RUN="${qemu[*]}"
cd "$ROOT"
"$VENV/bin/python" -m pytest -q -p no:cacheprovider tests/aarch64 "$@"
t_tests=$((SECONDS - t2))
step "aarch64: cross build ${t_build}s, unit tests ${t_unit}s, server tests ${t_tests}s"
