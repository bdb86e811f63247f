#!/usr/bin/env bash
# Step 3 of the GPU procedure (runs on the GPU machine): reassembles the
# payload copied part by part into /tmp/gpu-parts, checks
# its sha256, unpacks the server, client and backend, then runs the
# device_check.py beside this script (scripts/gpu/ in the repo, or the copy
# prepare.sh stages in .gpu-call/scripts/). Results go to $OUT (default
# /tmp/gpu-out).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
parts=/tmp/gpu-parts
work=/tmp/gpu-work
OUT="${OUT:-/tmp/gpu-out}"
mkdir -p "$work" "$OUT"
cat "$parts"/part* >"$work/payload.tar"
echo "payload sha256: $(sha256sum "$work/payload.tar" | cut -d' ' -f1) (expected $(cat "$parts/payload.sha256"))"
[ "$(sha256sum "$work/payload.tar" | cut -d' ' -f1)" = "$(cat "$parts/payload.sha256")" ] || { echo "checksum mismatch"; exit 1; }
rm -rf "$work/backends" "$work/site" "$work/tc" "$work/pytriton-site"
cd "$work" && tar -xf payload.tar && rm payload.tar
mkdir -p backends && (cd backends && cmake -E tar xf ../backend.tar.zst)  # cmake reads zstd; the machine has no zstd tool
python3 -m zipfile -e nvidia_pytriton-*.whl pytriton-site >/dev/null
python3 -m pip install -q --no-index --no-deps --no-compile --target "$work/site" tritonclient-*.whl
python3 -m zipfile -e tritonclient-*.whl tc >/dev/null
chmod +x pytriton-site/pytriton/tritonserver/bin/tritonserver tc/tritonclient-*.data/data/bin/perf_analyzer extra/raw_ort_bench \
  extra/raw_ort_gpu_bench
cd - >/dev/null
# CUDA 13 libraries come from the machine's Python packages (cuBLAS, cuDNN, cuRAND, cuFFT, the runtime).
nv=$(python3 -c 'import nvidia, os; print(os.path.dirname(nvidia.__path__[0]))')/nvidia
export LD_LIBRARY_PATH="$(ls -d "$nv"/*/lib "$nv"/cu13/lib 2>/dev/null | tr '\n' ':')$work/extra:${LD_LIBRARY_PATH:-}"
export LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$work/backends/onnxruntime"  # for raw_ort_bench
export PYTHONPATH="$work/site"
export TRITONSERVER_BIN="$work/pytriton-site/pytriton/tritonserver/bin/tritonserver"
export GPU_BACKEND_DIR="$work/backends"
export PERF_ANALYZER="$(ls "$work"/tc/tritonclient-*.data/data/bin/perf_analyzer)"
export RAW_ORT_BENCH="$work/extra/raw_ort_bench"
export RAW_ORT_GPU_BENCH="$work/extra/raw_ort_gpu_bench"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv | tee "$OUT/gpu.txt"
PYTHONUNBUFFERED=1 python3 "$here/device_check.py" "$OUT" 2>&1 | tee "$OUT/device_check.log"
