"""What scripts/bootstrap.sh and scripts/fetch_onnxruntime.sh download on each
architecture, checked without a network and without an aarch64 machine: the
scripts run with `uname -m` answering the pretended architecture, and with
stand-ins for the commands that would download (`python3 -m pip download`,
`apt-get`) that record their arguments. A stand-in wheel has the name pip
would give it and no valid content, so the script stops at the checksum
check, which names the file it chose and the sha256 it expected."""
import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]

PLATFORMS = {
    # x86_64: the list the scripts always used (the x86_64 choice is unchanged).
    "x86_64": ["manylinux_2_35_x86_64", "manylinux_2_28_x86_64", "manylinux1_x86_64"],
    "aarch64": ["manylinux_2_35_aarch64", "manylinux_2_28_aarch64", "manylinux2014_aarch64"],
}

SHIMS = {
    "uname": """#!/bin/sh
if [ "$1" = -m ]; then echo "$FAKE_UNAME_M"; else exec /bin/uname "$@"; fi
""",
    # `python3 -m pip download ... -d DEST SPEC`: log, then leave a wheel named
    # as pip would for the first --platform. Anything else: the real python3.
    "python3": """#!/bin/sh
if [ "$1" = -m ] && [ "$2" = pip ] && [ "$3" = download ]; then
  echo "pip $*" >>"$SHIM_LOG"
  dest="" platform="" spec=""
  while [ $# -gt 0 ]; do
    case "$1" in
      -d) dest="$2"; shift 2 ;;
      --platform) [ -n "$platform" ] || platform="$2"; shift 2 ;;
      *==*) spec="$1"; shift ;;
      *) shift ;;
    esac
  done
  name=$(echo "${spec%%==*}" | tr - _)
  echo fake >"$dest/$name-${spec##*==}-py3-none-$platform.whl"
  exit 0
fi
exec "$REAL_PYTHON3" "$@"
""",
    "apt-get": """#!/bin/sh
echo "apt-get $*" >>"$SHIM_LOG"
""",
    # Every Debian package counts as installed, so bootstrap goes on to the wheels.
    "dpkg": """#!/bin/sh
[ "$1" = -s ] && exit 0
exec /usr/bin/dpkg "$@"
""",
}


def pins(arch, sandbox):
    """The pins as scripts/lib/common.sh resolves them for `arch`."""
    out = run_script(arch, sandbox, """source scripts/lib/common.sh
        echo "pytriton=$(pinned PIN_PYTRITON_SHA)"; echo "tritonclient=$(pinned PIN_TRITONCLIENT_SHA)"
        echo "headers_deb=$(pinned PIN_ORT_HEADERS_DEB)"; echo "headers_sha=$(pinned PIN_ORT_HEADERS_SHA)"
        echo "headers_suite=$PIN_ORT_HEADERS_SUITE"; echo "headers_version=$PIN_ORT_HEADERS_VERSION"
        echo "onnxruntime=$(ort_sha onnxruntime 1.24.1)"; echo "onnxruntime_gpu=$(ort_sha onnxruntime-gpu 1.24.1)"
        echo "deb_arch=$(deb_arch)"; echo "platforms=$(wheel_platforms)" """, check=True)
    return dict(line.split("=", 1) for line in out.stdout.splitlines())


@pytest.fixture
def sandbox(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in SHIMS.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    return tmp_path


def run_script(arch, sandbox, script, check=False, extra_env=None):
    """Runs bash -c script in the repository with `uname -m` = arch, the shims
    first on PATH and the dependencies folder in the sandbox."""
    env = {k: v for k, v in os.environ.items() if k not in ("ORT_BACKEND_ARCH", "ORT_BACKEND_DEPS")}
    env.update(PATH=f"{sandbox / 'bin'}:{env['PATH']}", FAKE_UNAME_M=arch, SHIM_LOG=str(sandbox / "log"),
               REAL_PYTHON3=sys.executable, ORT_BACKEND_DEPS=str(sandbox / "deps"))
    env.update(extra_env or {})
    p = subprocess.run(["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    if check:
        assert p.returncode == 0, p.stderr
    return p


def log_lines(sandbox):
    path = sandbox / "log"
    return path.read_text().splitlines() if path.exists() else []


def test_each_architecture_has_its_own_pins(sandbox):
    x86, arm = pins("x86_64", sandbox), pins("aarch64", sandbox)
    # The x86_64 values are pins.sh's unsuffixed variables, as before.
    plain = run_script("x86_64", sandbox, "source scripts/lib/pins.sh; echo $PIN_PYTRITON_SHA $PIN_TRITONCLIENT_SHA "
                                 "$PIN_ORT_HEADERS_DEB $PIN_ORT_HEADERS_SHA; ort_wheel_sha onnxruntime 1.24.1",
                       check=True).stdout.split()
    assert [x86["pytriton"], x86["tritonclient"], x86["headers_deb"], x86["headers_sha"], x86["onnxruntime"]] == plain
    for key in ("pytriton", "tritonclient", "headers_sha", "onnxruntime"):
        assert re.fullmatch(r"[0-9a-f]{64}", arm[key]), (key, arm[key])
        assert arm[key] != x86[key], key
    # One headers version (the C API the backend is built against) for both:
    # the same Debian package, each architecture's build of it.
    assert x86["headers_deb"] == f"libonnxruntime-dev_{x86['headers_version']}_amd64.deb"
    assert arm["headers_deb"] == f"libonnxruntime-dev_{x86['headers_version']}_arm64.deb"
    assert (arm["headers_suite"], arm["headers_version"]) == (x86["headers_suite"], x86["headers_version"])
    assert (x86["deb_arch"], arm["deb_arch"]) == ("amd64", "arm64")
    assert x86["onnxruntime_gpu"] != "" and arm["onnxruntime_gpu"] == ""  # no aarch64 GPU wheel on PyPI
    for arch, p in (("x86_64", x86), ("aarch64", arm)):
        assert p["platforms"].split() == [a for plat in PLATFORMS[arch] for a in ("--platform", plat)]


def test_unknown_architecture_is_refused(sandbox):
    p = run_script("riscv64", sandbox, "source scripts/lib/common.sh")
    assert p.returncode != 0
    assert "unsupported architecture riscv64 (supported: x86_64, aarch64)" in p.stderr


@pytest.mark.parametrize("arch,other", [("x86_64", "aarch64"), ("aarch64", "x86_64")])
def test_bootstrap_fetches_the_server_wheel_of_the_machine(sandbox, arch, other):
    # A cached wheel of the other architecture must not be taken for this one.
    wheels = sandbox / "deps" / "wheels"
    wheels.mkdir(parents=True)
    (wheels / f"nvidia_pytriton-0.7.0-py3-none-{PLATFORMS[other][0]}.whl").write_text("other")
    p = run_script(arch, sandbox, "scripts/bootstrap.sh")
    assert p.returncode != 0
    [pip] = log_lines(sandbox)
    args = pip.split()
    assert args[-1] == "nvidia-pytriton==0.7.0"
    assert [args[i + 1] for i, a in enumerate(args) if a == "--platform"] == PLATFORMS[arch]
    wheel = wheels / f"nvidia_pytriton-0.7.0-py3-none-{PLATFORMS[arch][0]}.whl"
    assert f"checksum mismatch for {wheel}: expected {pins(arch, sandbox)['pytriton']}" in p.stderr


@pytest.mark.parametrize("arch", ["x86_64", "aarch64"])
def test_tritonclient_wheel_and_sha(sandbox, arch):
    p = run_script(arch, sandbox, 'source scripts/lib/common.sh; pip_fetch "$PIN_TRITONCLIENT" '
                                  '"$(pinned PIN_TRITONCLIENT_SHA)" "$DEPS/wheels"')
    assert p.returncode != 0
    [pip] = log_lines(sandbox)
    assert [a for a in pip.split() if a.startswith("manylinux")] == PLATFORMS[arch]
    assert f"expected {pins(arch, sandbox)['tritonclient']}" in p.stderr


@pytest.mark.parametrize("arch", ["x86_64", "aarch64"])
def test_onnxruntime_headers_package_of_the_machine(sandbox, arch):
    p = run_script(arch, sandbox, "scripts/fetch_onnxruntime.sh 1.24.1")
    assert p.returncode != 0
    deb = pins(arch, sandbox)["headers_deb"]
    assert f"fetching ONNX Runtime headers ({deb})" in p.stderr
    p = pins(arch, sandbox)
    downloads = [line for line in log_lines(sandbox) if " download " in f"{line} "]
    # The pinned version from the pinned suite's apt folder; native: the
    # machine's own architecture, so apt needs no architecture options.
    assert len(downloads) == 1, downloads
    assert downloads[0].endswith(f"download libonnxruntime-dev={p['headers_version']}"), downloads
    assert f"apt-{p['headers_suite']} " in f"{downloads[0]} " or f"apt-{p['headers_suite']}/" in downloads[0]
    assert "APT::Architecture" not in downloads[0]


@pytest.mark.parametrize("arch", ["x86_64", "aarch64"])
def test_headers_of_an_older_pin_are_fetched_again(sandbox, arch):
    # Headers folders record the .deb they came from; one from the older
    # 1.21 pin is replaced, and an existing release folder is not reused
    # before that.
    suffix = "" if arch == "x86_64" else "-aarch64"
    deb_arch = "amd64" if arch == "x86_64" else "arm64"
    headers = sandbox / "deps" / f"ort-headers{suffix}"
    headers.mkdir(parents=True)
    (headers / ".complete").write_text(f"libonnxruntime-dev_1.21.0+dfsg-1_{deb_arch}.deb\n")
    release = sandbox / "deps" / f"onnxruntime-1.24.1{suffix}"
    release.mkdir()
    (release / ".complete").touch()
    p = run_script(arch, sandbox, "scripts/fetch_onnxruntime.sh 1.24.1")
    assert p.returncode != 0
    assert f"fetching ONNX Runtime headers ({pins(arch, sandbox)['headers_deb']})" in p.stderr


@pytest.mark.parametrize("arch", ["x86_64", "aarch64"])
def test_existing_release_folder_links_the_headers_of_its_architecture(sandbox, arch):
    suffix = "" if arch == "x86_64" else "-aarch64"
    headers = sandbox / "deps" / f"ort-headers{suffix}"
    (headers / "include").mkdir(parents=True)
    (headers / ".complete").write_text(pins(arch, sandbox)["headers_deb"] + "\n")
    release = sandbox / "deps" / f"onnxruntime-1.24.1{suffix}"
    release.mkdir()
    (release / ".complete").touch()
    (release / "include").symlink_to(sandbox / "elsewhere" / "include")  # e.g. copied from another deps folder
    p = run_script(arch, sandbox, "scripts/fetch_onnxruntime.sh 1.24.1", check=True)
    assert p.stdout.strip() == str(release)
    assert os.readlink(release / "include") == str(headers / "include")
    assert log_lines(sandbox) == []  # nothing was downloaded


@pytest.mark.parametrize("arch", ["x86_64", "aarch64"])
def test_onnxruntime_wheel_of_the_machine(sandbox, arch):
    # With the headers in place, the next download is the library's wheel.
    suffix = "" if arch == "x86_64" else "-aarch64"
    headers = sandbox / "deps" / f"ort-headers{suffix}"
    headers.mkdir(parents=True)
    (headers / ".complete").write_text(pins(arch, sandbox)["headers_deb"] + "\n")
    p = run_script(arch, sandbox, "scripts/fetch_onnxruntime.sh 1.24.1")
    assert p.returncode != 0
    [pip] = log_lines(sandbox)
    assert pip.split()[-1] == "onnxruntime==1.24.1"
    assert [a for a in pip.split() if a.startswith("manylinux")] == PLATFORMS[arch]
    assert f"expected {pins(arch, sandbox)['onnxruntime']}" in p.stderr


@pytest.mark.parametrize("package", ["onnxruntime-gpu", "onnxruntime-openvino"])
def test_gpu_and_openvino_wheels_are_refused_on_aarch64(sandbox, package):
    p = run_script("aarch64", sandbox, f"scripts/fetch_onnxruntime.sh 1.24.1 {package}")
    assert p.returncode != 0
    assert f"PyPI has no {package} wheel for aarch64: build with -DONNXRUNTIME_ROOT=" in p.stderr
    assert log_lines(sandbox) == []  # nothing was downloaded


def test_cross_fetch_asks_apt_for_arm64_in_a_folder_of_its_own(sandbox):
    p = run_script("x86_64", sandbox, "scripts/fetch_onnxruntime.sh 1.24.1", extra_env={"ORT_BACKEND_ARCH": "aarch64"})
    assert p.returncode != 0
    apt = log_lines(sandbox)
    arm = pins("aarch64", sandbox)
    folder = f"apt-{arm['headers_suite']}-arm64"
    assert apt and all("APT::Architecture=arm64" in line and folder in line for line in apt), apt
    assert apt[-1].endswith(f"download libonnxruntime-dev={arm['headers_version']}")
    assert f"fetching ONNX Runtime headers ({arm['headers_deb']})" in p.stderr
