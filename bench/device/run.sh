#!/usr/bin/env bash
# Runs on the GPU machine, from the repo root, after the parts were copied to
# /tmp/bench-parts. Unpacks them and runs bench/run.py with the server and the
# raw baseline pinned to the same cores and perf_analyzer on other cores, so
# the client no longer takes CPU time from the server it measures.
#   bash bench/device/run.sh [SERVER_CPUS] [CLIENT_CPUS] [bench/run.py args...]
set -euo pipefail
server_cpus="${1:-0-1}"; client_cpus="${2:-4-11}"; shift 2 || true
parts=/tmp/bench-parts
work=/tmp/bench-work
OUT="${OUT:-/tmp/bench-out}"
mkdir -p "$work" "$OUT"
if [ ! -x "$work/extra/raw_ort_bench" ]; then
  cat "$parts"/part* >"$work/payload.tar"
  [ "$(sha256sum "$work/payload.tar" | cut -d' ' -f1)" = "$(cat "$parts/payload.sha256")" ] || { echo "checksum mismatch"; exit 1; }
  (cd "$work" && tar -xf payload.tar && rm payload.tar)
  mkdir -p "$work/install" && (cd "$work/install" && cmake -E tar xf ../install.tar.zst)  # the machine has no zstd tool
  (cd "$work" && python3 -m zipfile -e nvidia_pytriton-*.whl pytriton-site && python3 -m zipfile -e tritonclient-*.whl tc)
  chmod +x "$work"/pytriton-site/pytriton/tritonserver/bin/tritonserver "$work"/tc/tritonclient-*.data/data/bin/perf_analyzer \
    "$work/extra/raw_ort_bench"
fi
export TRITONSERVER_BIN="$work/pytriton-site/pytriton/tritonserver/bin/tritonserver"
export BENCH_PYTRITON_LIBS="$work/pytriton-site/nvidia_pytriton.libs"
export BENCH_PA_LIBS="$work/extra"
export BENCH_PERF_ANALYZER="$(ls "$work"/tc/tritonclient-*.data/data/bin/perf_analyzer)"
export LD_LIBRARY_PATH="$work/install/backends/onnxruntime:${LD_LIBRARY_PATH:-}"  # raw_ort_bench's ORT
lscpu | grep -E "^(Model name|CPU\(s\)|Thread|Core)" | tee "$OUT/cpu.txt" || true
PYTHONUNBUFFERED=1 python3 bench/run.py --build "$work/extra" --install "$work/install" \
  --server-cpus "$server_cpus" --client-cpus "$client_cpus" --out "$OUT" "$@" 2>&1 | tee "$OUT/bench.log"
