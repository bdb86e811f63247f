#!/usr/bin/env bash
# Formats the C++ sources with clang-format and the repository's .clang-format
# (Debian's clang-format, installed when missing).
#
#   scripts/format.sh            rewrite the files in place
#   scripts/format.sh --check    change nothing; list the files that differ and fail if any does
source "$(dirname "$0")/lib/common.sh"
check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
  *) die "unknown argument '$1' (usage: scripts/format.sh [--check])" ;;
esac
if ! command -v clang-format >/dev/null; then
  step "installing Debian's clang-format"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq clang-format >&2
fi
cd "$ROOT"
mapfile -t files < <(git ls-files 'src/*.cc' 'src/*.h' 'tools/*.cc' 'tools/*.h' 'tests/unit/*.cc' 'tests/unit/*.h' \
  'tests/custom_op/*.cc' 'fuzz/*.cc' 'fuzz/*.h' 'bench/*.cc' 'bench/*.h')
if [ "$check" = 0 ]; then
  clang-format -i --style=file "${files[@]}"
  step "formatted ${#files[@]} files ($(clang-format --version))"
  exit 0
fi
bad=()
for f in "${files[@]}"; do
  clang-format --style=file "$f" | cmp -s - "$f" || bad+=("$f")
done
if [ ${#bad[@]} -gt 0 ]; then
  printf 'not formatted: %s\n' "${bad[@]}" >&2
  die "${#bad[@]} of ${#files[@]} files differ from clang-format's layout; run scripts/format.sh"
fi
step "format: ${#files[@]} files as clang-format lays them out ($(clang-format --version))"
