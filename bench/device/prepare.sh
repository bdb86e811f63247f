#!/usr/bin/env bash
# Runs here. Packs what the CPU benchmark needs on the GPU machine, which has
# 16 cores but no package registry: the Release backend with its ONNX Runtime
# (CPU, the pinned version), raw_ort_bench, the Triton server wheel,
# tritonclient (for perf_analyzer) and perf_analyzer's runtime libraries.
# Parts under 60 MiB go to .bench-device/; see bench/device/README.md.
source "$(dirname "$0")/../../scripts/lib/common.sh"
BUILD_TYPE=Release BUILD_DIR="$ROOT/build-bench" INSTALL_DIR="$ROOT/install-bench" "$ROOT/scripts/build.sh" \
  -DORT_BACKEND_BUILD_TESTS=OFF
"$VENV/bin/pip" install -q -r "$ROOT/bench/requirements.txt"
if ! dpkg -s libb64-0d >/dev/null 2>&1; then apt-get install -y -qq libb64-0d >&2; fi

out="$ROOT/.bench-device"
stage="$DEPS/bench-stage"
rm -rf "$out" "$stage" && mkdir -p "$out" "$stage/extra"
site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
cp "$DEPS"/wheels/nvidia_pytriton-*.whl "$DEPS"/wheels/tritonclient-*.whl "$stage/"
cp "$ROOT/build-bench/raw_ort_bench" "$stage/extra/"
cp -L "$site"/nvidia/cuda_runtime/lib/libcudart.so.12 /usr/lib/x86_64-linux-gnu/libb64.so.0d "$stage/extra/"
tar -C "$ROOT/install-bench" -cf - backends | zstd -q -T0 -15 -o "$stage/install.tar.zst"
(cd "$stage" && tar -cf payload.tar nvidia_pytriton-*.whl tritonclient-*.whl extra install.tar.zst)
(cd "$stage" && sha256sum payload.tar | cut -d' ' -f1 >"$out/payload.sha256")
split -b 58M -d "$stage/payload.tar" "$out/part"
rm -rf "$stage"
step "payload: $(ls "$out"/part* | wc -l) parts in .bench-device/ ($(du -sh "$out" | cut -f1))"
