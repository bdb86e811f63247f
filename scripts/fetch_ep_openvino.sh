#!/usr/bin/env bash
# Fetches OpenVINO's plugin EP library for ONNX Runtime (PyPI
# onnxruntime-ep-openvino, pinned in scripts/lib/pins.sh), unpacks its
# libraries into the deps folder and prints the plugin library's path, to be
# registered with --backend-config=onnxruntime,ep-library=openvino:PATH.
source "$(dirname "$0")/lib/common.sh"
version="${PIN_OPENVINO_EP##*==}"
out="$DEPS/onnxruntime-ep-openvino-$version"
lib="$out/libonnxruntime_providers_openvino_plugin.so"
if [ ! -f "$out/.complete" ]; then
  wheel=$(pip_fetch "$PIN_OPENVINO_EP" "$(pinned PIN_OPENVINO_EP_SHA)" "$DEPS/wheels")
  step "extracting $(basename "$wheel")"
  rm -rf "$out" && mkdir -p "$out"
  python3 - "$wheel" "$out" <<'PY'
import sys, zipfile, os
wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        base = os.path.basename(name)
        # The plugin and the OpenVINO libraries it loads from its own folder.
        if name.startswith("onnxruntime_ep_openvino/") and ".so" in base:
            with z.open(name) as src, open(os.path.join(dest, base), "wb") as dst:
                dst.write(src.read())
PY
  [ -f "$lib" ] || die "no libonnxruntime_providers_openvino_plugin.so in $wheel"
  touch "$out/.complete"
fi
echo "$lib"
