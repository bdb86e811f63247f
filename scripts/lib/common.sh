# Shared helpers for the project's scripts. Source it; it sets ROOT and DEPS.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEPS="${ORT_BACKEND_DEPS:-$ROOT/.deps}"
VENV="$DEPS/venv"
mkdir -p "$DEPS"
source "$ROOT/scripts/lib/pins.sh"

# The architecture the artifacts are for: this machine's, or ORT_BACKEND_ARCH
# (scripts/cross_build_aarch64.sh sets aarch64 on an x86_64 machine).
HOST_ARCH="$(uname -m)"
ARCH="${ORT_BACKEND_ARCH:-$HOST_ARCH}"
[ "$ARCH" != arm64 ] || ARCH=aarch64
case "$ARCH" in
  x86_64|aarch64) ;;
  *) printf 'error: unsupported architecture %s (supported: x86_64, aarch64)\n' "$ARCH" >&2; exit 1 ;;
esac

# Each step line carries the seconds since the first script of this run
# started (child scripts inherit the start), so a slow CI log shows where.
export ORTB_RUN_START="${ORTB_RUN_START:-$(date +%s)}"
step() { printf '\033[1m==> [%4ss] %s\033[0m\n' "$(($(date +%s) - ORTB_RUN_START))" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# check_sha256 FILE EXPECTED: fail loudly when a download is not what we pinned.
check_sha256() {
  local got
  [ "$2" = skip ] && return 0
  got=$(sha256sum "$1" | cut -d' ' -f1)
  [ "$got" = "$2" ] || die "checksum mismatch for $1: expected $2, got $got"
}

# pinned VAR: pins.sh's VAR for $ARCH (on aarch64 its VAR_AARCH64).
pinned() {
  local var="$1"
  [ "$ARCH" = x86_64 ] || var="${1}_AARCH64"
  [ -n "${!var:-}" ] || die "scripts/lib/pins.sh has no $var"
  echo "${!var}"
}

# ort_sha PACKAGE VERSION: the pinned sha256 of an ONNX Runtime wheel for
# $ARCH (empty when not pinned).
ort_sha() {
  if [ "$ARCH" = x86_64 ]; then ort_wheel_sha "$1" "$2"; else ort_wheel_sha_aarch64 "$1" "$2"; fi
}

# wheel_platforms: pip's --platform arguments for $ARCH, newest first.
wheel_platforms() {
  case "$ARCH" in
    x86_64) echo --platform manylinux_2_35_x86_64 --platform manylinux_2_28_x86_64 --platform manylinux1_x86_64 ;;
    aarch64) echo --platform manylinux_2_35_aarch64 --platform manylinux_2_28_aarch64 --platform manylinux2014_aarch64 ;;
  esac
}

# deb_arch: Debian's name for $ARCH.
deb_arch() { case "$ARCH" in x86_64) echo amd64 ;; aarch64) echo arm64 ;; esac; }

# pip_fetch SPEC SHA256 DEST_DIR: download one pinned wheel (no deps) for the
# manylinux/cp311 target of $ARCH, keep it cached, and verify it. The cache is
# looked up by the architecture the file name ends in, so one folder can hold
# the wheels of both.
pip_fetch() {
  local spec="$1" sha="$2" dest="$3" name file
  mkdir -p "$dest"
  name=$(echo "${spec%%==*}" | tr '-' '_')
  file=$(ls "$dest"/"$name"-"${spec##*==}"-*_"$ARCH".whl 2>/dev/null | head -n1 || true)
  if [ -z "$file" ]; then
    step "downloading $spec ($ARCH)"
    # shellcheck disable=SC2046  # the platform list is meant to split
    python3 -m pip download --progress-bar on --no-deps --only-binary=:all: \
      --python-version 3.11 $(wheel_platforms) -d "$dest" "$spec" >&2
    file=$(ls "$dest"/"$name"-"${spec##*==}"-*_"$ARCH".whl | head -n1)
  fi
  check_sha256 "$file" "$sha"
  echo "$file"
}

# debian_download SUITE PKG[=VERSION] DEST: a private apt configuration that
# reads one Debian suite from the same mirror the machine is configured with,
# so we can download one package without touching the system's apt state. The
# package is this machine's architecture, or $ARCH's when that differs (a cross
# build), from an apt folder of its own.
debian_download() {
  local suite="$1" pkg="$2" dest="$3" apt="$DEPS/apt-$1" arch_opts=()
  if [ "$ARCH" != "$HOST_ARCH" ]; then
    apt="$DEPS/apt-$suite-$(deb_arch)"
    arch_opts=(-o "APT::Architecture=$(deb_arch)" -o "APT::Architectures::=$(deb_arch)")
  fi
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$dest"
  if [ ! -f "$apt/$suite.sources" ]; then
    local uri
    uri=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    [ -n "$uri" ] || uri=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
    [ -n "$uri" ] || die "cannot find the Debian mirror this machine uses"
    printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$uri" "$suite" >"$apt/$suite.sources"
  fi
  local opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt"
              -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
              -o APT::Sandbox::User=root ${arch_opts[@]+"${arch_opts[@]}"})
  [ -n "$(ls "$apt/lists" 2>/dev/null | grep -v partial || true)" ] || apt-get "${opts[@]}" update >&2
  # A testing suite moves on: when the pinned version has left the mirror,
  # say so instead of apt's bare "version not found".
  (cd "$dest" && apt-get "${opts[@]}" download "$pkg" >&2) ||
    die "cannot download $pkg from Debian $suite (if the mirror no longer has that version, pin the current one in scripts/lib/pins.sh)"
}

# The tritonserver binary shipped inside the nvidia-pytriton wheel.
tritonserver_bin() {
  local site
  site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  echo "$site/pytriton/tritonserver/bin/tritonserver"
}

# need_debs PACKAGE...: install the Debian packages among these that are missing.
need_debs() {
  local pkg missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -gt 0 ] || return 0
  step "installing Debian packages: ${missing[*]}"
  local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
}
