#!/usr/bin/env bash
# Step 1 of the GPU procedure (runs here): builds the GPU variant of the
# backend against onnxruntime-gpu 1.31.1 (CUDA 13, matching the GPU machine)
# and packs everything the GPU machine lacks -- the backend with its ONNX
# Runtime libraries, the Triton server (pytriton wheel), tritonclient,
# perf_analyzer's runtime libraries, the raw ORT benches -- into parts under
# 60 MiB (for transports that limit a transfer's size), then stages one
# folder per part:
#   $CARRY_ROOT/.gpu-call/pNN/      one part + payload.sha256
#   $CARRY_ROOT/.gpu-call/scripts/  device_run.sh, device_check.py and the
#                                   model builders it imports
# CARRY_ROOT is where the bundle is staged: by default the folder holding the
# repository's common .git (the main checkout, also when this runs in a
# worktree of it). See scripts/gpu/README.md.
#   scripts/gpu/prepare.sh
source "$(dirname "$0")/../lib/common.sh"
ORT_GPU_VERSION=1.31.1
BUILD_DIR="$ROOT/build-gpu13" INSTALL_DIR="$ROOT/install-gpu13" "$ROOT/scripts/build.sh" \
  -DTRITON_ENABLE_GPU=ON -DTRITON_ENABLE_ONNXRUNTIME_TENSORRT=ON \
  -DTRITON_BUILD_ONNXRUNTIME_VERSION=$ORT_GPU_VERSION -DORT_BACKEND_BUILD_TESTS=OFF
"$VENV/bin/pip" install -q -r "$ROOT/bench/requirements.txt"
if ! dpkg -s libb64-0d >/dev/null 2>&1; then apt-get install -y -qq libb64-0d >&2; fi

common_git=$(cd "$ROOT" && git rev-parse --path-format=absolute --git-common-dir)
CARRY_ROOT="${CARRY_ROOT:-$(dirname "$common_git")}"
out="$CARRY_ROOT/.gpu-call"
# The staging folder must be ignored there, or it would travel in every call.
grep -qx '/.gpu-call/' "$common_git/info/exclude" 2>/dev/null || echo '/.gpu-call/' >>"$common_git/info/exclude"
stage="$DEPS/gpu-stage"
rm -rf "$out" "$stage" && mkdir -p "$out/scripts" "$stage/extra"
step "packing the payload"
site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
cp "$DEPS"/wheels/nvidia_pytriton-*.whl "$stage/"
cp "$DEPS"/wheels/tritonclient-*.whl "$stage/"
cp "$ROOT/build-gpu13/raw_ort_bench" "$ROOT/build-gpu13/raw_ort_gpu_bench" "$stage/extra/"
cp -L "$site"/nvidia/cuda_runtime/lib/libcudart.so.12 "$stage/extra/"
cp -L /usr/lib/x86_64-linux-gnu/libb64.so.0d "$stage/extra/"
tar -C "$ROOT/install-gpu13/backends" -cf - onnxruntime | zstd -q -T0 -15 -o "$stage/backend.tar.zst"
(cd "$stage" && tar -cf payload.tar nvidia_pytriton-*.whl tritonclient-*.whl extra backend.tar.zst)
sha=$(cd "$stage" && sha256sum payload.tar | cut -d' ' -f1)
split -b 58M -d "$stage/payload.tar" "$stage/part"
for part in "$stage"/part*; do
  n=${part##*/part}
  mkdir -p "$out/p$n"
  mv "$part" "$out/p$n/"
  echo "$sha" >"$out/p$n/payload.sha256"
done
rm -rf "$stage"
cp "$ROOT"/scripts/gpu/device_run.sh "$ROOT"/scripts/gpu/device_check.py "$ROOT"/bench/make_models.py \
  "$ROOT"/tests/integration/models.py "$out/scripts/"
parts=$(ls -d "$out"/p* | wc -l)
step "payload: $parts parts in $out ($(du -sh "$out" | cut -f1)); sha256 $sha"
step "copy the parts and .gpu-call/scripts to the GPU machine: see scripts/gpu/README.md"
