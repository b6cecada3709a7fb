#!/usr/bin/env python3
"""Mutation fuzzing of `corosim run`, seeded and bounded.

    python3 tests/test_cli_fuzz.py COROSIM [--seed S] [--cases N]

Each case is a bundled scenario (scenarios/, tests/conformance/,
tests/invalid/) mutated structurally (a value replaced by a value of another
type, a key dropped, renamed or copied from elsewhere, a value wrapped in a
list, a list item duplicated) or textually (bytes deleted, inserted, flipped
or cut off). Structural cases get a small max_steps so that every run is
short. corosim must then exit 0, 1 or 2 within the time limit, without a
sanitizer report; on exit 2 standard error must hold only
`FILE:LINE:COL: error: MESSAGE` lines (or `FILE: error: ...` for a file that
cannot be read) and no outcome file may be left. The same seed gives the
same cases; the defaults run in well under 30 s.
"""
import json
import os
import random
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = ("scenarios", "tests/conformance", "tests/invalid")
DIAG = re.compile(r"^\S+:\d+:\d+: error: .+$|^\S+: error: .+$")
TIMEOUT = 20
ODD = [None, True, False, 0, -1, 1, 2 ** 63, -2 ** 63 - 1, 1.5, -0.0, 1e308, 1e-320, "", "=",
       "=(", "=1/0", "={", "x", "=x", "=[1,2][5]", "=now", "=task_name", "{", "}",
       "{x:.9f}", "{now:.999f}", "=1 +", "=''''", "=\"", [], [[]], {}, {"call": "nope"},
       "\u00e9\u2028", "=" + "(" * 300 + "1" + ")" * 300, "a" * 5000, 9223372036854775807,
       [None] * 50, {"task": "t"}, {"gather": []}, {"sleep": -1}, {"queue_get": "q"},
       "=-9223372036854775807 - 1", "=[[[[]]]] == [[[[]]]]", "=1e308 * 10"]
INSERTS = [b",", b"]", b"}", b"\"", b"{", b"[", b"\\", b"\xff", b"\x00", b"1e999", b"//",
           b"NaN", b"\xef\xbb\xbf", b"\"_\": 1,"]


def places(obj):
    """Every (container, key) position inside obj."""
    if isinstance(obj, dict):
        for k in list(obj):
            yield obj, k
            yield from places(obj[k])
    elif isinstance(obj, list):
        for i in range(len(obj)):
            yield obj, i
            yield from places(obj[i])


def mutate_tree(rng, sc):
    """One to three structural mutations of a parsed scenario, as JSON text."""
    for _ in range(rng.randint(1, 3)):
        spots = list(places(sc))
        if not spots:
            break
        cont, key = rng.choice(spots)
        op = rng.randrange(6)
        if op == 0:
            cont[key] = rng.choice(ODD)
        elif op == 1:
            del cont[key]
        elif op == 2 and isinstance(cont, dict):
            cont[key + rng.choice(["", "_x", "s"])] = cont.pop(key)
        elif op == 3:
            cont[key] = [cont[key]]
        elif op == 4 and isinstance(cont, list):
            cont.insert(key, json.loads(json.dumps(rng.choice(cont))))
        elif op == 5:
            other, okey = rng.choice(spots)
            cont[key] = json.loads(json.dumps(other[okey]))
    if isinstance(sc, dict):
        sc["limits"] = {"max_steps": 20000}
    return json.dumps(sc, indent=rng.choice([None, 1]), ensure_ascii=rng.random() < 0.5)


def mutate_text(rng, data):
    """One to four byte-level mutations."""
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not b:
            break
        i = rng.randrange(len(b))
        op = rng.randrange(4)
        if op == 0:
            del b[i:i + rng.randint(1, 8)]
        elif op == 1:
            b[i:i] = rng.choice(INSERTS)
        elif op == 2:
            b[i] ^= 1 << rng.randrange(8)
        else:
            del b[i:]
    return bytes(b)


def make_case(rng, path):
    """The bytes of one mutated case made from the file at path."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        sc = json.loads(data)
    except (ValueError, RecursionError):
        sc = None
    if isinstance(sc, dict) and rng.random() < 0.6:
        sc.pop("expect", None)
        return mutate_tree(rng, sc).encode("utf-8", "surrogatepass")
    text = mutate_text(rng, data)
    return text


def problem(corosim, case, out):
    """What is wrong with corosim's handling of the case file, or None."""
    try:
        p = subprocess.run([corosim, "run", case, "--outcome", out], capture_output=True,
                           timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return f"no answer within {TIMEOUT} s"
    err = p.stderr.decode("utf-8", "replace")
    if "Sanitizer" in err or "runtime error" in err:
        return "sanitizer report:\n" + err[-2000:]
    if p.returncode not in (0, 1, 2):
        return f"exit status {p.returncode}:\n" + err[-2000:]
    if p.returncode == 2:
        lines = err.rstrip("\n").split("\n")
        bad = [line for line in lines if not DIAG.match(line)]
        if bad:
            return "not a diagnostic line: " + repr(bad[0][:300])
        if os.path.exists(out):
            return "an outcome file was written for an invalid scenario"
    return None


def main(argv):
    args = list(argv)
    seed, cases = 1, 400
    for flag in ("--seed", "--cases"):
        if flag in args:
            i = args.index(flag)
            value = int(args[i + 1])
            del args[i:i + 2]
            seed, cases = (value, cases) if flag == "--seed" else (seed, value)
    if len(args) != 1:
        sys.stderr.write("usage: test_cli_fuzz.py COROSIM [--seed S] [--cases N]\n")
        return 2
    corosim = os.path.abspath(args[0])
    files = sorted(os.path.join(ROOT, d, f) for d in SOURCES
                   for f in os.listdir(os.path.join(ROOT, d))
                   if f.endswith(".json") and f != "index.json")
    rng = random.Random(seed)
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        case, out = os.path.join(tmp, "case.json"), os.path.join(tmp, "outcome.json")
        for k in range(cases):
            src = rng.choice(files)
            data = make_case(rng, src)
            with open(case, "wb") as f:
                f.write(data)
            if os.path.exists(out):
                os.remove(out)
            why = problem(corosim, case, out)
            if why:
                failed += 1
                print(f"FAIL case {k} (seed {seed}, from {os.path.relpath(src, ROOT)}): {why}")
                print("     case: " + data[:600].decode("utf-8", "replace").replace("\n", " "))
    print(f"{cases - failed} passed, {failed} failed (seed {seed})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
