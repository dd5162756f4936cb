#!/usr/bin/env python3
"""Size figures for the Rust sources: lines per file, function lengths.

Usage: scripts/code-stats.py [DIR ...]   (default: every .rs file tracked under src/ and crates/)

Prints the largest files, the longest functions, and the share of functions of 50 and 100
lines or more. Test modules (`#[cfg(test)] mod tests`) are counted separately, so the figures
speak of the product code. A function's length runs from its `fn` line to its closing brace.
"""
import os
import re
import sys

FN = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+(\w+)")


def rust_files(dirs):
    for d in dirs:
        for root, _, files in os.walk(d):
            if "/target" in root:
                continue
            for f in files:
                if f.endswith(".rs"):
                    yield os.path.join(root, f)


def functions(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    in_tests_from = None
    for i, l in enumerate(lines):
        if l.startswith("#[cfg(test)]"):
            in_tests_from = i
            break
    out = []
    for i, l in enumerate(lines):
        m = FN.match(l)
        if not m:
            continue
        depth, started, j = 0, False, i
        while j < len(lines):
            code = re.sub(r"//.*", "", lines[j])
            code = re.sub(r'"([^"\\]|\\.)*"', '""', code)
            code = re.sub(r"'([^'\\]|\\.)'", "''", code)
            for ch in code:
                if ch == "{":
                    depth += 1
                    started = True
                elif ch == "}":
                    depth -= 1
            if not started and code.rstrip().endswith(";"):
                break  # a declaration without a body
            if started and depth <= 0:
                break
            j += 1
        if started:
            test = in_tests_from is not None and i > in_tests_from
            out.append((j - i + 1, m.group(6), i + 1, test))
    return len(lines), (in_tests_from or len(lines)), out


def main():
    dirs = sys.argv[1:] or [d for d in ("src", "crates") if os.path.isdir(d)]
    files, fns = [], []
    for p in rust_files(dirs):
        n, product_lines, f = functions(p)
        files.append((product_lines, n, p))
        fns += [(length, name, p, line) for length, name, line, test in f if not test]
    files.sort(reverse=True)
    fns.sort(reverse=True)
    print(f"files: {len(files)}; product lines (before any test module): {sum(f[0] for f in files)}")
    print("largest files (product lines / total lines):")
    for pl, n, p in files[:8]:
        print(f"  {pl:5} / {n:5}  {p}")
    print(f"functions (outside test modules): {len(fns)}")
    for limit in (50, 100):
        k = sum(1 for f in fns if f[0] >= limit)
        print(f"  >= {limit} lines: {k} ({100.0 * k / max(1, len(fns)):.1f}%)")
    print("longest functions:")
    for length, name, p, line in fns[:8]:
        print(f"  {length:4}  {name}  {p}:{line}")


if __name__ == "__main__":
    main()
