#!/usr/bin/env python3
"""Each scenario's Python listing prints what the scenario prints.

For every scenario named in scenarios/index.json, the `source` listing is
written to a temporary file and run by python3 under the differential
tester's virtual clock (tests/difftest/vclock.py, run_source: loop time and
time.sleep are virtual, so nothing takes real time). Its printed lines must
equal, text only and in the same order, the prints of CPython's outcome for
the scenario itself: the scenario's `expect.prints` when it has them, else
the outcome of `difftest.py --cpython-only`.

A listing may end stopped because its loop would wait forever (the course
presses Ctrl-C there) only if the scenario's outcome records an interrupt at
that same time; every line must still match.

usage: scenarios_listing_test.py [--scenarios DIR] [NAME...]
Prints one line per scenario and `N passed, N failed`; exits 1 on failure.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DIFFTEST = os.path.join(HERE, "difftest")
TIMEOUT = 900

# Runs one listing in a fresh interpreter (the virtual clock patches the
# process) and writes {"lines": [[t, text], ...], "stop": ..., "clock": ...}.
RUNNER = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import vclock
out = sys.argv[3]
lines, stop = vclock.run_source(sys.argv[2])
with open(out, "w", encoding="utf-8") as f:
    json.dump({"lines": lines, "stop": stop, "clock": vclock.RUN.clock}, f)
"""


def run_listing(source_lines):
    """Run a listing under the virtual clock; (lines, stop, clock) or an error."""
    with tempfile.TemporaryDirectory() as tmp:
        prog = os.path.join(tmp, "listing.py")
        out = os.path.join(tmp, "result.json")
        with open(prog, "w", encoding="utf-8") as f:
            f.write("\n".join(source_lines) + "\n")
        try:
            proc = subprocess.run(
                [sys.executable, "-c", RUNNER, DIFFTEST, prog, out],
                capture_output=True, text=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            return None, f"timed out after {TIMEOUT} s"
        if not os.path.exists(out):
            err = proc.stderr.strip().splitlines()
            return None, "runner failed: " + (err[-1] if err else f"exit {proc.returncode}")
        with open(out, encoding="utf-8") as f:
            return json.load(f), None


def cpython_outcome(path):
    """The CPython outcome of a scenario, from the differential tester."""
    proc = subprocess.run(
        [sys.executable, os.path.join(DIFFTEST, "difftest.py"), "--cpython-only", path],
        capture_output=True, text=True, timeout=TIMEOUT)
    text = proc.stdout
    start = text.find("{")
    if start < 0:
        raise RuntimeError(f"difftest --cpython-only gave no outcome: {proc.stderr.strip()}")
    return json.JSONDecoder().raw_decode(text[start:])[0]


def expected(path, scenario):
    """(print texts, interrupts) that CPython gives for the scenario."""
    expect = scenario.get("expect") or {}
    if "prints" in expect and "interrupts" in expect:
        return [p["text"] for p in expect["prints"]], expect["interrupts"]
    outcome = cpython_outcome(path)
    prints = expect.get("prints", outcome["prints"])
    return [p["text"] for p in prints], expect.get("interrupts", outcome.get("interrupts", []))


def first_difference(want, got):
    """A short message about where two line lists part."""
    for i, (w, g) in enumerate(zip(want, got)):
        if w != g:
            return f"line {i + 1}: scenario prints {w!r}, listing prints {g!r}"
    if len(want) > len(got):
        return f"listing stops after {len(got)} lines; next expected {want[len(got)]!r}"
    return f"listing prints {len(got) - len(want)} extra lines, first {got[len(want)]!r}"


def check(path):
    """None when the listing agrees with the scenario, else the reason."""
    with open(path, encoding="utf-8") as f:
        scenario = json.load(f)
    if not scenario.get("source"):
        return "no source listing"
    want, interrupts = expected(path, scenario)
    result, error = run_listing(scenario["source"])
    if error:
        return error
    got = [text for _t, text in result["lines"]]
    if got != want:
        return first_difference(want, got)
    stop = result["stop"]
    if stop is not None:
        waits = stop.startswith("the loop would wait forever")
        if not (waits and interrupts and abs(interrupts[-1] - result["clock"]) < 1e-6):
            return f"listing stopped: {stop}"
    return None


def main(argv):
    args = list(argv)
    scen_dir = os.path.join(ROOT, "scenarios")
    if "--scenarios" in args:
        i = args.index("--scenarios")
        scen_dir = args[i + 1]
        del args[i:i + 2]
    with open(os.path.join(scen_dir, "index.json"), encoding="utf-8") as f:
        index = json.load(f)
    files = [e["file"] for e in index["scenarios"]]
    passed = failed = 0
    listed = set(files)
    for name in sorted(os.listdir(scen_dir)):
        if name.endswith(".json") and name != "index.json" and name not in listed and not args:
            print(f"FAIL {name}: not listed in index.json")
            failed += 1
    for name in files:
        if args and not any(a in name for a in args):
            continue
        try:
            problem = check(os.path.join(scen_dir, name))
        except Exception as exc:  # a broken scenario file or tester
            problem = f"{type(exc).__name__}: {exc}"
        if problem is None:
            print(f"ok   {name}")
            passed += 1
        else:
            print(f"FAIL {name}: {problem}")
            failed += 1
        sys.stdout.flush()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
