#!/usr/bin/env bash
# Bootstraps, builds, generates the example model repository and serves it
# with the real tritonserver on localhost (HTTP 8000, gRPC 8001, metrics
# 8002). Runs in the foreground; Ctrl-C stops it. With --background it
# returns once the server is ready and leaves it running (its PID is in
# build/example/server.pid, its log in build/example/server.log).
source "$(dirname "$0")/lib/common.sh"
background=0
[ "${1:-}" = --background ] && background=1
"$ROOT/scripts/build.sh"
example="$ROOT/build/example"
step "generating the example model repository in $example/models"
"$VENV/bin/python" "$ROOT/examples/make_example_models.py" "$example/models"
args=(--model-repository="$example/models" --backend-directory="$ROOT/install/backends"
      --http-port="${HTTP_PORT:-8000}" --grpc-port="${GRPC_PORT:-8001}" --metrics-port="${METRICS_PORT:-8002}")
cat <<MSG >&2

Serving on localhost. Try, from another shell:
  curl -s localhost:${HTTP_PORT:-8000}/v2/models/simple/config
  curl -s -X POST localhost:${HTTP_PORT:-8000}/v2/models/simple/infer -d '{"inputs":[{"name":"INPUT0","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]},{"name":"INPUT1","shape":[1,4],"datatype":"FP32","data":[10,20,30,40]}]}'

MSG
if [ $background = 0 ]; then
  exec "$(tritonserver_bin)" "${args[@]}"
fi
"$(tritonserver_bin)" "${args[@]}" >"$example/server.log" 2>&1 &
echo $! >"$example/server.pid"
for _ in $(seq 1 120); do
  if curl -sf "localhost:${HTTP_PORT:-8000}/v2/health/ready" >/dev/null; then
    step "server ready (pid $(cat "$example/server.pid")); stop it with: kill \$(cat build/example/server.pid)"
    exit 0
  fi
  kill -0 "$(cat "$example/server.pid")" 2>/dev/null || { tail -n 30 "$example/server.log" >&2; die "server exited"; }
  sleep 0.5
done
die "server not ready after 60 s; see $example/server.log"
