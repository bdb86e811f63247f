#!/usr/bin/env bash
# Step 1 of the GPU procedure (runs here): builds the GPU variant of the
# backend against onnxruntime-gpu 1.31.1 (CUDA 13, matching the GPU machine)
# and packs everything the GPU machine lacks -- the backend with its ONNX
# Runtime libraries, the Triton server (pytriton wheel), tritonclient,
# perf_analyzer's runtime libraries, the raw ORT bench -- into .gpu/, split
# into parts under 60 MiB (the device tool carries at most 64 MiB a call).
#   scripts/gpu/prepare.sh      then see scripts/gpu/README.md
source "$(dirname "$0")/../lib/common.sh"
ORT_GPU_VERSION=1.31.1
BUILD_DIR="$ROOT/build-gpu13" INSTALL_DIR="$ROOT/install-gpu13" "$ROOT/scripts/build.sh" \
  -DTRITON_ENABLE_GPU=ON -DTRITON_ENABLE_ONNXRUNTIME_TENSORRT=ON \
  -DTRITON_BUILD_ONNXRUNTIME_VERSION=$ORT_GPU_VERSION -DORT_BACKEND_BUILD_TESTS=OFF
"$VENV/bin/pip" install -q -r "$ROOT/bench/requirements.txt"
if ! dpkg -s libb64-0d >/dev/null 2>&1; then apt-get install -y -qq libb64-0d >&2; fi

out="$ROOT/.gpu"
stage="$DEPS/gpu-stage"
rm -rf "$out" "$stage" && mkdir -p "$out" "$stage/extra"
step "packing the payload"
site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
cp "$DEPS"/wheels/nvidia_pytriton-*.whl "$stage/"
cp "$DEPS"/wheels/tritonclient-*.whl "$stage/"
cp "$ROOT/build-gpu13/raw_ort_bench" "$stage/extra/"
cp -L "$site"/nvidia/cuda_runtime/lib/libcudart.so.12 "$stage/extra/"
cp -L /usr/lib/x86_64-linux-gnu/libb64.so.0d "$stage/extra/"
tar -C "$ROOT/install-gpu13/backends" -cf - onnxruntime | zstd -q -T0 -15 -o "$stage/backend.tar.zst"
(cd "$stage" && tar -cf payload.tar nvidia_pytriton-*.whl tritonclient-*.whl extra backend.tar.zst)
(cd "$stage" && sha256sum payload.tar | cut -d' ' -f1 >"$out/payload.sha256")
split -b 58M -d "$stage/payload.tar" "$out/part"
rm -rf "$stage"
step "payload: $(ls "$out"/part* | wc -l) parts in .gpu/ ($(du -sh "$out" | cut -f1)); sha256 $(cat "$out/payload.sha256")"
