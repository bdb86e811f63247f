"""The commands in docs/quickstart.md work as written.

Every ```bash block is split into commands. Each path a command names must
exist in the repository, or be one that the project's scripts or CMake
create (install/..., .deps/venv/...), or one that an earlier quickstart
command creates (models/...). Commands that are safe and quick offline --
building a model with onnx, running install/bin/ort-model-config -- are run,
in order, in a scratch folder, and their output is compared with what the
page shows. Finally the page's own server command is started on free
loopback ports and its curl and tritonclient examples must get the answers
the page shows. (The README's serve command is covered by
tests/integration/test_readme.py.)

CMake options (-DNAME=...) in every page under docs/ and in deploy/README.md
must be ones CMakeLists.txt defines."""
import ast
import dataclasses
import json
import os
import pathlib
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
# What the page calls install/: scripts/test.sh exports ORT_BACKEND_DIR=<install>/backends.
INSTALL = pathlib.Path(os.environ["ORT_BACKEND_DIR"]).parent if os.environ.get("ORT_BACKEND_DIR") else ROOT / "install"
QUICKSTART = ROOT / "docs" / "quickstart.md"
PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "deploy" / "README.md"]

# Paths in commands that must be repository files.
REPO_ROOTS = ("scripts", "examples", "docs", "deploy", "tools", "tests", "bench")
# Paths the project's scripts or CMake create.
MADE_ROOTS = ("install", ".deps", "build")
# Paths the quickstart's own commands create.
DOC_ROOTS = ("models",)
PATH_RE = re.compile(r"(?<![\w./$-])((?:%s)(?:/[\w.+-]*)*)(?![\w.+-])"
                     % "|".join(re.escape(r) for r in REPO_ROOTS + MADE_ROOTS + DOC_ROOTS))

# Modules a model-building snippet may import to count as safe to run.
SAFE_IMPORTS = {"onnx", "numpy", "pathlib"}


@dataclasses.dataclass
class Command:
    text: str                 # the command line, continuations joined
    raw: str                  # the lines as written, heredoc included
    heredoc: str = ""         # the heredoc's body, if any
    expected: list = dataclasses.field(default_factory=list)  # "# ..." lines right after it

    @property
    def program(self):
        return self.text.split()[0]


def fenced_blocks(path):
    """[(language, body)] of a markdown page, in order."""
    return [(m.group(1), m.group(2)) for m in re.finditer(r"^```(\w*)\n(.*?)^```", path.read_text(), re.S | re.M)]


def commands(block):
    """Splits a bash block into commands. '# ' lines directly under a command
    (no blank line between) are its expected output; other comments are prose."""
    lines = block.splitlines()
    out, i, attach = [], 0, False
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            attach = False
        elif line.lstrip().startswith("#"):
            if attach:
                out[-1].expected.append(re.sub(r"^\s*# ?", "", line))
        else:
            raw = [line]
            text = line
            while text.endswith("\\") and i + 1 < len(lines):
                i += 1
                raw.append(lines[i])
                text = text[:-1] + " " + lines[i].strip()
            heredoc = ""
            m = re.search(r"<<-?\s*['\"]?(\w+)['\"]?", text)
            if m:
                body = []
                i += 1
                while i < len(lines) and lines[i].strip() != m.group(1):
                    body.append(lines[i])
                    i += 1
                raw += body + [m.group(1)]
                heredoc = "\n".join(body) + "\n"
            out.append(Command(text=text, raw="\n".join(raw) + "\n", heredoc=heredoc))
            attach = True
        i += 1
    return out


def bash_commands(path):
    return [c for lang, body in fenced_blocks(path) if lang == "bash" for c in commands(body)]


def imported_modules(source):
    tree = ast.parse(source)
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add((node.module or "").split(".")[0])
    return names


def is_safe(command):
    """Quick, offline, and writes only below the current folder."""
    if command.program == "install/bin/ort-model-config":
        return True
    if command.program == ".deps/venv/bin/python" and command.text.split()[1:] == ["-", "<<'EOF'"]:
        return imported_modules(command.heredoc) <= SAFE_IMPORTS
    return False


def paths_in(command):
    text = command.text.replace("$PWD/", "").replace("`pwd`/", "")
    return PATH_RE.findall(text)


QUICKSTART_COMMANDS = bash_commands(QUICKSTART)
SAFE_COMMANDS = [c for c in QUICKSTART_COMMANDS if is_safe(c)]


# --- what the page says, checked without running anything ------------------

def test_quickstart_opens_with_the_readmes_two_commands():
    readme_first = next(body for lang, body in fenced_blocks(ROOT / "README.md") if lang == "bash")
    quick_first = next(body for lang, body in fenced_blocks(QUICKSTART) if lang == "bash")
    assert [c.text for c in commands(quick_first)] == [c.text for c in commands(readme_first)]


def test_quickstart_has_commands_that_are_run_here():
    programs = [c.program for c in SAFE_COMMANDS]
    assert ".deps/venv/bin/python" in programs and "install/bin/ort-model-config" in programs
    assert any(c.text.split()[1:] == ["--help"] for c in SAFE_COMMANDS)


def check_path(path, page):
    """Asserts that `path`, named by a command on `page`, exists or is made by the project."""
    root = path.split("/")[0]
    if root in MADE_ROOTS and "/" not in path:
        return  # a word such as `make install`, not a path
    if root in REPO_ROOTS:
        assert (ROOT / path).exists(), f"{page.name}: {path} does not exist in the repository"
    elif root == "install":
        cmake = (ROOT / "CMakeLists.txt").read_text()
        assert 'install="${INSTALL_DIR:-$ROOT/install}"' in (ROOT / "scripts" / "build.sh").read_text()
        parts = path.split("/")
        if len(parts) >= 3 and parts[1] == "bin":
            assert re.search(r"install\(TARGETS %s RUNTIME DESTINATION bin\)" % re.escape(parts[2]), cmake), \
                f"{page.name}: CMake does not install {path}"
        elif len(parts) >= 2 and parts[1] == "backends":
            assert "set(ORT_BACKEND_INSTALL_DIR backends/onnxruntime)" in cmake
            assert "install(TARGETS triton_onnxruntime LIBRARY DESTINATION ${ORT_BACKEND_INSTALL_DIR})" in cmake
            if len(parts) >= 3:
                assert parts[2] == "onnxruntime", f"{page.name}: {path}: CMake installs backends/onnxruntime only"
        else:
            pytest.fail(f"{page.name}: {path}: not something CMake installs")
    elif root == ".deps":
        common = (ROOT / "scripts" / "lib" / "common.sh").read_text()
        assert 'DEPS="${ORT_BACKEND_DEPS:-$ROOT/.deps}"' in common and 'VENV="$DEPS/venv"' in common
        assert 'python3 -m venv "$VENV"' in (ROOT / "scripts" / "bootstrap.sh").read_text()
        assert path.startswith(".deps/venv/bin/"), f"{page.name}: {path}: only the venv's programs are documented"
    elif root == "build":
        rest = path.split("/", 1)[1] if "/" in path else ""
        assert any(rest in s.read_text() for s in (ROOT / "scripts").glob("*.sh")), \
            f"{page.name}: no script writes {path}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_paths_in_commands_exist_or_are_made_by_the_project(page):
    for command in bash_commands(page):
        for path in paths_in(command):
            if path.split("/")[0] in DOC_ROOTS:
                continue  # the reader's own files; the quickstart's are checked by running it
            check_path(path, page)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_cmake_options_in_commands_are_defined_by_cmakelists(page):
    cmake = (ROOT / "CMakeLists.txt").read_text()
    defined = set(re.findall(r"option\((\w+)", cmake)) | set(re.findall(r"set\((\w+) [^)]*CACHE", cmake))
    for command in bash_commands(page):
        for name in re.findall(r"-D(\w+)(?::\w+)?=", command.text):
            assert name.startswith("CMAKE_") or name in defined, f"{page.name}: -D{name} is not a CMake option here"


def test_python_blocks_are_valid_python():
    for page in PAGES:
        for lang, body in fenced_blocks(page):
            if lang == "python":
                ast.parse(body, filename=str(page))


# --- running the safe commands -------------------------------------------------

@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A scratch folder that looks like the repository root to the commands
    (install/ and .deps/ link to the real ones), after running every safe
    command in page order. Returns (folder, {command text: stdout})."""
    if not (INSTALL / "bin" / "ort-model-config").exists():
        pytest.skip(f"{INSTALL}/bin/ort-model-config is not built (bash scripts/build.sh)")
    if not (ROOT / ".deps" / "venv" / "bin" / "python").exists():
        pytest.skip(".deps/venv is not bootstrapped (bash scripts/bootstrap.sh)")
    work = tmp_path_factory.mktemp("quickstart")
    (work / "install").symlink_to(INSTALL)
    (work / ".deps").symlink_to(ROOT / ".deps")
    outputs = {}
    for c in SAFE_COMMANDS:
        p = subprocess.run(["bash", "-euo", "pipefail", "-c", c.raw], cwd=work, capture_output=True, text=True,
                           timeout=120)
        assert p.returncode == 0, f"{c.text} failed ({p.returncode}):\n{p.stderr}"
        outputs[c.text] = p.stdout
    return work, outputs


def test_safe_commands_run(workdir):
    _, outputs = workdir
    assert set(outputs) == {c.text for c in SAFE_COMMANDS}


def test_model_paths_in_commands_are_made_by_the_quickstart(workdir):
    work, _ = workdir
    for command in QUICKSTART_COMMANDS:
        for path in paths_in(command):
            if path.split("/")[0] in DOC_ROOTS:
                assert (work / path).exists(), f"quickstart: {path} is used but no earlier command makes it"


def test_ort_model_config_output_is_the_one_shown(workdir):
    _, outputs = workdir
    blocks = fenced_blocks(QUICKSTART)
    shown = 0
    for (lang, body), (next_lang, next_body) in zip(blocks, blocks[1:]):
        cs = commands(body) if lang == "bash" else []
        if len(cs) != 1 or cs[0].program != "install/bin/ort-model-config" or next_lang != "text":
            continue
        out = outputs[cs[0].text].splitlines()
        doc = [l for l in next_body.splitlines() if l.strip() and l.strip() != "#   ..."]
        # The configuration lines exactly; the comment lines shown must appear, in order.
        assert [l for l in doc if not l.startswith("#")] == [l for l in out if l.strip() and not l.startswith("#")]
        comments = iter(l for l in out if l.startswith("#"))
        for line in (l for l in doc if l.startswith("#")):
            assert any(line == o for o in comments), f"{line!r} is not in the output, in that order"
        shown += 1
    assert shown >= 1, "the quickstart shows ort-model-config's output after running it"


def model_config(work, name):
    p = subprocess.run([str(work / "install/bin/ort-model-config"), "--json", f"models/{name}"], cwd=work,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)["config"]


def curl_commands():
    return [c for c in QUICKSTART_COMMANDS if c.program == "curl"]


def test_curl_infer_requests_fit_the_models_config(workdir):
    work, _ = workdir
    checked = 0
    for c in curl_commands():
        m = re.search(r"/v2/models/(\w+)/infer", c.text)
        if not m:
            continue
        config = model_config(work, m.group(1))
        inputs = {t["name"]: t for t in config["input"]}
        body = json.loads(re.search(r"-d '(.*)'", c.text).group(1))
        for i in body["inputs"]:
            t = inputs[i["name"]]
            assert i["datatype"] == ("BYTES" if t["data_type"] == "TYPE_STRING" else t["data_type"][5:])
            dims = ([-1] if config.get("max_batch_size", 0) > 0 else []) + list(t["dims"])
            assert len(i["shape"]) == len(dims) and all(d in (-1, s) for d, s in zip(dims, i["shape"]))
            count = 1
            for s in i["shape"]:
                count *= s
            assert len(i["data"]) == count
        checked += 1
    assert checked >= 1


# --- the page's own server, queried as the page shows -------------------------

def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(proc, port, timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/health/ready", timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def _tritonserver_present():
    """The server the page's command finds: inside .deps/venv's nvidia-pytriton."""
    return any((ROOT / ".deps" / "venv" / "lib").glob("python3*/site-packages/pytriton/tritonserver/bin/tritonserver"))


@pytest.fixture(scope="module")
def quickstart_server(workdir):
    """Runs the quickstart's server command as written, plus port options."""
    if not (INSTALL / "backends" / "onnxruntime" / "libtriton_onnxruntime.so").exists():
        pytest.skip("the backend is not built (bash scripts/build.sh)")
    if not _tritonserver_present():
        pytest.skip("no tritonserver in this Python environment (bash scripts/bootstrap.sh)")
    work, _ = workdir
    block = next(body for lang, body in fenced_blocks(QUICKSTART)
                 if lang == "bash" and "--backend-directory" in body)
    lines = [c.text for c in commands(block)]
    ports = {"http": _free_port(), "grpc": _free_port(), "metrics": _free_port()}
    lines[-1] = ("exec " + lines[-1] + f" --http-port={ports['http']} --grpc-port={ports['grpc']}"
                 f" --metrics-port={ports['metrics']} --http-address=127.0.0.1 --grpc-address=127.0.0.1"
                 " --exit-timeout-secs=5")
    log = open(work / "server.log", "w")
    proc = subprocess.Popen(["bash", "-c", "\n".join(lines)], cwd=work, stdout=log, stderr=subprocess.STDOUT)
    try:
        if not _wait_ready(proc, ports["http"]):
            pytest.fail("the quickstart's server did not get ready:\n" + (work / "server.log").read_text()[-3000:])
        yield ports
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _same(expected, got):
    try:
        return json.loads(expected) == json.loads(got)
    except ValueError:
        return expected.strip() == got.strip()


@pytest.mark.parametrize("command", curl_commands(), ids=lambda c: c.text[:60])
def test_curl_command_gets_the_answer_shown(quickstart_server, workdir, command):
    work, _ = workdir
    assert command.expected, f"the page shows no answer for {command.text}"
    text = command.text.replace("localhost:8000", f"localhost:{quickstart_server['http']}")
    p = subprocess.run(["bash", "-c", text], cwd=work, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert _same("\n".join(command.expected), p.stdout), f"{command.text}\nshown:  {command.expected}\ngot:    {p.stdout}"


def test_tritonclient_example_prints_what_is_shown(quickstart_server, workdir):
    work, _ = workdir
    source = next(body for lang, body in fenced_blocks(QUICKSTART) if lang == "python" and "tritonclient" in body)
    shown = [re.sub(r"^# ?", "", l) for l in source.splitlines() if l.startswith("#")]
    script = work / "client.py"
    script.write_text(source.replace("localhost:8000", f"localhost:{quickstart_server['http']}"))
    python = work / ".deps" / "venv" / "bin" / "python"
    p = subprocess.run([str(python), str(script)], cwd=work, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == shown
