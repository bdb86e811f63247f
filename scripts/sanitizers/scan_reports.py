#!/usr/bin/env python3
"""Reads sanitizer output (ASan errors, LeakSanitizer leaks, UBSan runtime
errors) from log files and fails when a report involves the backend's code.

    scan_reports.py --ours PATTERN [--ours PATTERN ...] FILE_OR_DIR...

A report is "ours" when any line of it (the error line or a stack frame)
contains one of the --ours patterns, e.g. the backend's library name and the
repository's src/ folder. Only our library is built with sanitizers, so every
UBSan report counts as ours; ASan and LeakSanitizer also see the server's and
ONNX Runtime's memory, so their reports are sorted. Reports that are not
ours are counted and summarized, and do not fail the scan. Exit status: 1 when
any report is ours, else 0.
"""
import argparse
import collections
import pathlib
import re
import sys

ASAN_START = re.compile(r"ERROR: AddressSanitizer")
LEAK_START = re.compile(r"^(Direct|Indirect) leak of \d+ byte")
UBSAN = re.compile(r"runtime error:")
FRAME = re.compile(r"^\s+#\d+ ")
SUMMARY = re.compile(r"^SUMMARY: ")
# Allocator and sanitizer frames, skipped when naming where a report comes from.
RUNTIME_FRAME = re.compile(r"libasan|libubsan|liblsan|sanitizer_common|asan_|operator new|malloc|calloc|realloc"
                           r"|__interceptor|_Znwm|_Znam")


def reports(lines):
    """Yields (kind, [lines]) for each report in one log."""
    i = 0
    while i < len(lines):
        line = lines[i]
        if ASAN_START.search(line):
            block = [line]
            i += 1
            while i < len(lines) and not SUMMARY.match(lines[i]):
                block.append(lines[i])
                i += 1
            if i < len(lines):
                block.append(lines[i])
            yield "AddressSanitizer", block
        elif LEAK_START.match(line):
            block = [line]
            i += 1
            while i < len(lines) and FRAME.match(lines[i]):
                block.append(lines[i])
                i += 1
            yield "LeakSanitizer", block
            continue
        elif UBSAN.search(line):
            block = [line]
            i += 1
            while i < len(lines) and FRAME.match(lines[i]):
                block.append(lines[i])
                i += 1
            yield "UndefinedBehaviorSanitizer", block
            continue
        i += 1


def origin(block):
    """A short name for where a report comes from: its first frame that is not
    the allocator or the sanitizer runtime."""
    for line in block:
        if FRAME.match(line) and not RUNTIME_FRAME.search(line):
            m = re.search(r"\((/[^)+]+)", line) or re.search(r" (/\S+?):\d+", line)
            where = pathlib.Path(m.group(1)).name if m else line.split(" in ", 1)[-1][:60]
            return where
    return block[0].strip()[:80]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ours", action="append", required=True, help="text that marks a frame as ours")
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args()

    files = []
    for p in map(pathlib.Path, args.paths):
        files += sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p] if p.exists() else []
    ours, others = [], collections.Counter()
    for f in files:
        lines = f.read_text(errors="replace").splitlines()
        for kind, block in reports(lines):
            # Only our code is compiled with UBSan, so each of its reports is ours
            # even when its stack (print_stacktrace) is missing.
            if kind == "UndefinedBehaviorSanitizer" or any(p in line for line in block for p in args.ours):
                ours.append((f, kind, block))
            else:
                others[(kind, origin(block))] += 1

    for f, kind, block in ours:
        print(f"--- {kind} report involving our code ({f}):")
        print("\n".join(block[:40]) + ("\n    ..." if len(block) > 40 else ""))
    if others:
        print(f"sanitizer reports not involving our code: {sum(others.values())}")
        for (kind, where), n in others.most_common(15):
            print(f"  {n:5d}  {kind:27s} {where}")
    print(f"sanitizer scan: {len(files)} log files, {len(ours)} reports involving our code, "
          f"{sum(others.values())} others")
    return 1 if ours else 0


if __name__ == "__main__":
    sys.exit(main())
