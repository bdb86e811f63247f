#!/usr/bin/env bash
# Assemble an ONNX Runtime "release folder" (include/ + lib/) from registry
# packages: headers from Debian forky's libonnxruntime-dev (C API 23), the
# library from the PyPI wheel of the requested version. Prints the folder's path.
#
#   scripts/fetch_onnxruntime.sh [VERSION] [PACKAGE]
#   PACKAGE: onnxruntime (default), onnxruntime-gpu or onnxruntime-openvino.
# The ORT C API is versioned, so 1.23 headers work with any newer library; the
# backend checks at run time what an older library lacks.
# The packages are those of this machine's architecture, or of ORT_BACKEND_ARCH
# (aarch64 on x86_64: scripts/cross_build_aarch64.sh); an aarch64 folder is
# named ...-aarch64.
source "$(dirname "$0")/lib/common.sh"
version="${1:-1.24.1}"
package="${2:-onnxruntime}"
suffix=""; [ "$ARCH" = x86_64 ] || suffix="-$ARCH"
out="$DEPS/$package-$version$suffix"

if [ "$ARCH" = aarch64 ] && [ "$package" != onnxruntime ]; then
  die "PyPI has no $package wheel for aarch64: build with -DONNXRUNTIME_ROOT=<an ONNX Runtime release folder with that provider> (docs/building.md)"
fi

headers="$DEPS/ort-headers$suffix"
deb=$(pinned PIN_ORT_HEADERS_DEB)
# .complete holds the .deb it came from, so a new header pin replaces the headers.
if [ "$(cat "$headers/.complete" 2>/dev/null)" != "$deb" ]; then
  step "fetching ONNX Runtime headers ($deb)"
  debdir="$DEPS/debs"
  [ -f "$debdir/$deb" ] ||
    debian_download "$PIN_ORT_HEADERS_SUITE" "libonnxruntime-dev=$PIN_ORT_HEADERS_VERSION" "$debdir"
  check_sha256 "$debdir/$deb" "$(pinned PIN_ORT_HEADERS_SHA)"
  rm -rf "$headers" && mkdir -p "$headers"
  dpkg-deb -x "$debdir/$deb" "$headers/pkg"
  mv "$headers/pkg/usr/include/onnxruntime" "$headers/include"
  rm -rf "$headers/pkg"
  echo "$deb" >"$headers/.complete"
fi

# A release folder made earlier (or copied from another deps folder) points at
# this deps folder's headers.
if [ -f "$out/.complete" ]; then ln -sfn "$headers/include" "$out/include"; echo "$out"; exit 0; fi

sha=$(ort_sha "$package" "$version")
if [ -z "$sha" ]; then
  [ "${ORT_ALLOW_UNPINNED:-0}" = 1 ] || die "no pinned sha256 for $package==$version (add it to scripts/lib/pins.sh, or set ORT_ALLOW_UNPINNED=1)"
  step "warning: $package==$version is not pinned; its checksum is not verified"
fi
wheel=$(pip_fetch "$package==$version" "${sha:-skip}" "$DEPS/wheels")

step "extracting ONNX Runtime $version libraries from $(basename "$wheel")"
rm -rf "$out" && mkdir -p "$out/lib"
ln -sfn "$headers/include" "$out/include"
python3 - "$wheel" "$out/lib" <<'PY'
import sys, zipfile, os
wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        base = os.path.basename(name)
        # The C library and the provider plugins; the Python extension is not needed.
        if "/capi/" in name and base.startswith("lib") and ".so" in base:
            with z.open(name) as src, open(os.path.join(dest, base), "wb") as dst:
                dst.write(src.read())
PY
# Give the library its usual link names (the wheel ships only the versioned file).
lib=$(cd "$out/lib" && ls libonnxruntime.so.* | head -n1)
[ -n "$lib" ] || die "no libonnxruntime.so.* in $wheel"
ln -sf "$lib" "$out/lib/libonnxruntime.so.1"
ln -sf libonnxruntime.so.1 "$out/lib/libonnxruntime.so"
touch "$out/.complete"
echo "$out"
