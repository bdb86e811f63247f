"""Drives a tritonserver in-process through its C API (libtritonserver from
the nvidia-pytriton wheel, loaded with RTLD_GLOBAL so that the backend finds
the server's functions), to attach an input's data under a host-policy name
with TRITONSERVER_InferenceRequestAppendInputDataWithHostPolicy: Triton's
HTTP and gRPC frontends give a client no way to do that.

Run by test_host_policy.py as a child process (a crash stays there):
    python host_policy_driver.py LIBTRITONSERVER REPO BACKEND_DIR POLICY CPUS SPEC_JSON
SPEC_JSON: a list of {"model", "default", "policy", "shape"} requests
("policy": data attached under POLICY, or null for none); those of one
"group" key are sent at once. Prints one JSON line: each request's output
(list) or error (string)."""
import ctypes
import json
import sys
import threading
import time

import numpy as np

FP32, MEMORY_CPU = 11, 0

lib_path, repo, backend_dir, policy_name, policy_cpus, spec = sys.argv[1:7]
spec = json.loads(spec)
lib = ctypes.CDLL(lib_path, mode=ctypes.RTLD_GLOBAL)
P, S = ctypes.c_void_p, ctypes.c_char_p
lib.TRITONSERVER_ErrorMessage.restype = S
lib.TRITONSERVER_ErrorMessage.argtypes = [P]
lib.TRITONSERVER_ErrorDelete.argtypes = [P]

ALLOC = ctypes.CFUNCTYPE(P, P, S, ctypes.c_size_t, ctypes.c_int, ctypes.c_int64, P, ctypes.POINTER(P),
                         ctypes.POINTER(P), ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int64))
RELEASE = ctypes.CFUNCTYPE(P, P, P, P, ctypes.c_size_t, ctypes.c_int, ctypes.c_int64)
REQUEST_RELEASE = ctypes.CFUNCTYPE(None, P, ctypes.c_uint32, P)
RESPONSE_COMPLETE = ctypes.CFUNCTYPE(None, P, ctypes.c_uint32, P)


def api(name, *argtypes):
    f = getattr(lib, name)
    f.restype, f.argtypes = P, list(argtypes)
    return f


def check(err, what):
    if err:
        msg = lib.TRITONSERVER_ErrorMessage(err).decode()
        lib.TRITONSERVER_ErrorDelete(err)
        raise RuntimeError(f"{what}: {msg}")


OptionsNew = api("TRITONSERVER_ServerOptionsNew", ctypes.POINTER(P))
SetRepo = api("TRITONSERVER_ServerOptionsSetModelRepositoryPath", P, S)
SetBackendDir = api("TRITONSERVER_ServerOptionsSetBackendDirectory", P, S)
SetHostPolicy = api("TRITONSERVER_ServerOptionsSetHostPolicy", P, S, S, S)
SetMetrics = api("TRITONSERVER_ServerOptionsSetMetrics", P, ctypes.c_bool)
SetLogInfo = api("TRITONSERVER_ServerOptionsSetLogInfo", P, ctypes.c_bool)
OptionsDelete = api("TRITONSERVER_ServerOptionsDelete", P)
ServerNew = api("TRITONSERVER_ServerNew", ctypes.POINTER(P), P)
ModelIsReady = api("TRITONSERVER_ServerModelIsReady", P, S, ctypes.c_int64, ctypes.POINTER(ctypes.c_bool))
ServerStop = api("TRITONSERVER_ServerStop", P)
ServerDelete = api("TRITONSERVER_ServerDelete", P)
AllocatorNew = api("TRITONSERVER_ResponseAllocatorNew", ctypes.POINTER(P), ALLOC, RELEASE, P)
AllocatorDelete = api("TRITONSERVER_ResponseAllocatorDelete", P)
RequestNew = api("TRITONSERVER_InferenceRequestNew", ctypes.POINTER(P), P, S, ctypes.c_int64)
AddInput = api("TRITONSERVER_InferenceRequestAddInput", P, S, ctypes.c_int, ctypes.POINTER(ctypes.c_int64),
               ctypes.c_uint64)
AppendData = api("TRITONSERVER_InferenceRequestAppendInputData", P, S, P, ctypes.c_size_t, ctypes.c_int,
                 ctypes.c_int64)
AppendDataForPolicy = api("TRITONSERVER_InferenceRequestAppendInputDataWithHostPolicy", P, S, P, ctypes.c_size_t,
                          ctypes.c_int, ctypes.c_int64, S)
AddOutput = api("TRITONSERVER_InferenceRequestAddRequestedOutput", P, S)
SetRelease = api("TRITONSERVER_InferenceRequestSetReleaseCallback", P, REQUEST_RELEASE, P)
SetResponse = api("TRITONSERVER_InferenceRequestSetResponseCallback", P, P, P, RESPONSE_COMPLETE, P)
InferAsync = api("TRITONSERVER_ServerInferAsync", P, P, P)
RequestDelete = api("TRITONSERVER_InferenceRequestDelete", P)
ResponseError = api("TRITONSERVER_InferenceResponseError", P)
ResponseOutputCount = api("TRITONSERVER_InferenceResponseOutputCount", P, ctypes.POINTER(ctypes.c_uint32))
ResponseOutput = api("TRITONSERVER_InferenceResponseOutput", P, ctypes.c_uint32, ctypes.POINTER(S),
                     ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.POINTER(ctypes.c_int64)),
                     ctypes.POINTER(ctypes.c_uint64), ctypes.POINTER(P), ctypes.POINTER(ctypes.c_size_t),
                     ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int64), ctypes.POINTER(P))
ResponseDelete = api("TRITONSERVER_InferenceResponseDelete", P)

# Output buffers the server asked for, kept alive until it releases them.
buffers = {}


@ALLOC
def alloc(allocator, name, size, mem_type, mem_id, userp, buffer, buffer_userp, actual_type, actual_id):
    b = ctypes.create_string_buffer(max(size, 1))
    buffers[ctypes.addressof(b)] = b
    buffer[0] = ctypes.addressof(b)
    buffer_userp[0] = None
    actual_type[0], actual_id[0] = MEMORY_CPU, 0
    return None


@RELEASE
def release(allocator, buffer, buffer_userp, size, mem_type, mem_id):
    buffers.pop(buffer, None)
    return None


done = {}
lock = threading.Condition()


@REQUEST_RELEASE
def request_released(request, flags, userp):
    RequestDelete(request)


@RESPONSE_COMPLETE
def response_complete(response, flags, userp):
    result = None
    err = ResponseError(response)
    if err:
        result = lib.TRITONSERVER_ErrorMessage(err).decode()
    else:
        name, dtype, shape, dims = S(), ctypes.c_int(), ctypes.POINTER(ctypes.c_int64)(), ctypes.c_uint64()
        base, size, mem, mem_id, out_userp = P(), ctypes.c_size_t(), ctypes.c_int(), ctypes.c_int64(), P()
        check(ResponseOutput(response, 0, ctypes.byref(name), ctypes.byref(dtype), ctypes.byref(shape),
                             ctypes.byref(dims), ctypes.byref(base), ctypes.byref(size), ctypes.byref(mem),
                             ctypes.byref(mem_id), ctypes.byref(out_userp)), "reading the output")
        result = np.frombuffer(ctypes.string_at(base.value, size.value), np.float32).tolist()
    if response:
        ResponseDelete(response)
    with lock:
        done[userp] = result
        lock.notify_all()


def main():
    options = P()
    check(OptionsNew(ctypes.byref(options)), "options")
    check(SetRepo(options, repo.encode()), "repository")
    check(SetBackendDir(options, backend_dir.encode()), "backend directory")
    check(SetHostPolicy(options, policy_name.encode(), b"cpu-cores", policy_cpus.encode()), "host policy")
    check(SetMetrics(options, False), "metrics")
    check(SetLogInfo(options, False), "log")
    server = P()
    check(ServerNew(ctypes.byref(server), options), "starting the server")
    check(OptionsDelete(options), "options")
    allocator = P()
    check(AllocatorNew(ctypes.byref(allocator), alloc, release, None), "allocator")
    for model in {r["model"] for r in spec}:
        ready = ctypes.c_bool(False)
        for _ in range(300):
            check(ModelIsReady(server, model.encode(), -1, ctypes.byref(ready)), "readiness")
            if ready.value:
                break
            time.sleep(0.1)
        if not ready.value:
            raise RuntimeError(f"model {model} not ready")
    keep = []  # input arrays, alive until their requests are done
    results = [None] * len(spec)
    groups = {}
    for k, r in enumerate(spec):
        groups.setdefault(r.get("group", k), []).append(k)
    for members in groups.values():
        for k in members:
            r = spec[k]
            req = P()
            check(RequestNew(ctypes.byref(req), server, r["model"].encode(), -1), "request")
            shape = (ctypes.c_int64 * len(r["shape"]))(*r["shape"])
            check(AddInput(req, b"INPUT", FP32, shape, len(r["shape"])), "input")
            for data, policy in ((r["default"], None), (r["policy"], policy_name)):
                if data is None:
                    continue
                arr = np.ascontiguousarray(data, np.float32)
                keep.append(arr)
                ptr = arr.ctypes.data_as(P)
                if policy is None:
                    check(AppendData(req, b"INPUT", ptr, arr.nbytes, MEMORY_CPU, 0), "data")
                else:
                    check(AppendDataForPolicy(req, b"INPUT", ptr, arr.nbytes, MEMORY_CPU, 0, policy.encode()),
                          "policy data")
            check(AddOutput(req, b"OUTPUT"), "output")
            check(SetRelease(req, request_released, None), "release callback")
            check(SetResponse(req, allocator, None, response_complete, ctypes.c_void_p(k + 1)), "response callback")
            check(InferAsync(server, req, None), "infer")
        with lock:
            lock.wait_for(lambda: all(k + 1 in done for k in members), timeout=60)
        for k in members:
            results[k] = done.get(k + 1, "no response")
    print(json.dumps(results), flush=True)
    check(AllocatorDelete(allocator), "allocator")
    check(ServerStop(server), "stop")
    check(ServerDelete(server), "delete")


main()
