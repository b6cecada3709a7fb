#!/usr/bin/env python3
"""Every malformed scenario in tests/invalid/ makes `corosim validate` exit 2
and print, first, the diagnostic line of its NAME.expected file; `corosim run`
on it exits 2 too and writes no output file."""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def check(corosim, name):
    """Return an error text for fixture name, or None when it behaves."""
    rel = f"tests/invalid/{name}.json"
    want = open(os.path.join(ROOT, "tests/invalid", name + ".expected"), encoding="utf-8").read().strip()
    p = subprocess.run([corosim, "validate", rel], cwd=ROOT, capture_output=True, text=True)
    first = p.stderr.splitlines()[0] if p.stderr else ""
    if p.returncode != 2:
        return f"exit {p.returncode}, expected 2"
    if first != want:
        return f"first line\n    {first}\n  expected\n    {want}"
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "o.json")
        p = subprocess.run([corosim, "run", rel, "--outcome", out], cwd=ROOT, capture_output=True)
        if p.returncode != 2 or os.listdir(d):
            return f"run: exit {p.returncode}, files {os.listdir(d)}"
    return None


def main():
    corosim = os.path.abspath(sys.argv[1])
    names = sorted(f[:-5] for f in os.listdir(os.path.join(ROOT, "tests/invalid")) if f.endswith(".json"))
    failed = 0
    for name in names:
        err = check(corosim, name)
        print(("FAIL " if err else "ok   ") + name + (f": {err}" if err else ""))
        failed += bool(err)
    print(f"{len(names) - failed} passed, {failed} failed")
    return 1 if failed or not names else 0


if __name__ == "__main__":
    sys.exit(main())
