"""Self-test of the differential tester (no corosim needed).

    python3 selftest.py

Checks, against behaviour known from CPython (ASYNCIO-RULES.md e1, e2, e3,
e12, e16, e17) and from the format: the virtual clock on plain programs
(programs/), the CPython outcome of a few scenarios (conformance/ and
cases/), the comparison pipeline with a stand-in corosim that echoes each
scenario's expect block, and --write-expect. Exit 0 when all pass.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
CONFORMANCE = os.path.join(TESTS, "conformance")
CASES = os.path.join(HERE, "cases")
DIFFTEST = os.path.join(HERE, "difftest.py")
ENV = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")

FAILURES = []


def expect_equal(name, got, want):
    """Record one check."""
    if got == want:
        print(f"ok   {name}")
    else:
        FAILURES.append(name)
        print(f"FAIL {name}\n     got:  {got!r}\n     want: {want!r}")


def run(args, **kw):
    """Run a Python script of this folder; (exit status, stdout)."""
    proc = subprocess.run([sys.executable] + args, capture_output=True,
                          text=True, env=ENV, timeout=300, **kw)
    if proc.stderr.strip():
        sys.stderr.write(proc.stderr)
    return proc.returncode, proc.stdout


def json_stream(text):
    """The JSON objects printed one after another."""
    dec, objs, i = json.JSONDecoder(), [], 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return objs
        obj, i = dec.raw_decode(text, i)
        objs.append(obj)


def texts(outcome, t=None):
    """The print texts of an outcome (at time t only, when given)."""
    return [p["text"] for p in outcome["prints"] if t is None or p["t"] == t]


# ---- the virtual clock on ordinary programs --------------------------------

def check_programs():
    """vclock.py PROGRAM: e1, e2, e17 and the ten-timer tie (e3)."""
    want = {
        "e1_create_task.py": [
            "main created; sleep0", "child start 1", "child start 2",
            "waiter start", "main after sleep0", "child after sleep0 1",
            "child after sleep0 2", "waiter got 1", "main awaited t1 -> 1"],
        "e2_block.py": [
            "call_soon cb", "main resumed after sleep0", "Y woke", "Z woke",
            "X woke"],
        "e17_stop.py": [
            "A: stop + call_soon(B)", "C (same snapshot)",
            "T (timer due now)", "run_forever returned", "B"],
        "ties.py": [str(i) for i in range(10)] + ["done"],
    }
    times = {"e2_block.py": {"0.5"}, "ties.py": {"5.0", "6.0"},
             "e1_create_task.py": {"0.0"}, "e17_stop.py": {"0.0"}}
    for name, lines in want.items():
        rc, out = run([os.path.join(HERE, "vclock.py"),
                       os.path.join(HERE, "programs", name)])
        rows = [line.split("\t", 1) for line in out.splitlines()]
        expect_equal(f"vclock {name}: lines", [r[1] for r in rows], lines)
        expect_equal(f"vclock {name}: times", {r[0] for r in rows}, times[name])
        expect_equal(f"vclock {name}: exit", rc, 0)


# ---- CPython outcomes of scenarios ----------------------------------------

def check_outcomes():
    """--cpython-only on scenarios whose outcome is known independently."""
    files = ["001-sleep-ties", "003-create-task", "006-run-until-complete",
             "007-asyncio-run", "008-queue", "009-cancel"]
    paths = [os.path.join(CONFORMANCE, f + ".json") for f in files]
    paths += [os.path.join(CASES, f + ".json")
              for f in ("limit-steps", "limit-time", "names", "system-exit", "bom")]
    rc, out = run([DIFFTEST, "--cpython-only"] + paths)
    expect_equal("cpython-only exit", rc, 0)
    o = dict(zip(files + ["limit-steps", "limit-time", "names", "system-exit", "bom"],
                 json_stream(out)))
    expect_equal("a scenario file may start with a UTF-8 BOM", texts(o["bom"]),
                 ["read past the BOM"])

    ties = o["001-sleep-ties"]
    expect_equal("timer ties fire in scheduling order",
                 texts(ties, 1.0), ["A woke at 1.0", "C woke at 1.0",
                                    "D woke at 1.0", "main got D! at 1.0"])
    expect_equal("overdue timers after block, in when order", texts(ties, 3.5),
                 ["blocker done blocking at 3.50", "F woke at 3.5", "E woke at 3.5"])
    expect_equal("print outside a task has task null",
                 ties["prints"][0]["task"], None)

    create = o["003-create-task"]
    expect_equal("e1 order", texts(create)[:9], [
        "main created; sleep0", "child start 1", "child start 2",
        "waiter start", "main after sleep0", "child after sleep0 1",
        "child after sleep0 2", "waiter got 10", "main awaited t1 -> 10"])
    expect_equal("never awaited: a bare call and a task that never ran",
                 create["warnings"],
                 [{"kind": "coroutine_never_awaited", "coro": "never"}] * 2)

    ruc = o["006-run-until-complete"]
    expect_equal("interrupt snapshot: end", ruc["end"],
                 {"status": "interrupted", "t": 5.0, "error": None})
    expect_equal("interrupt snapshot: interrupts", ruc["interrupts"], [5.0])
    expect_equal("interrupt snapshot: waiting task pending", ruc["tasks"][-1],
                 {"name": "Task-5", "coro": "get", "state": "pending"})
    expect_equal("interrupt snapshot: warnings", ruc["warnings"], [
        {"kind": "exception_never_retrieved", "task": "Task-4"},
        {"kind": "coroutine_never_awaited", "coro": "forgotten"}])
    expect_equal("KeyError message is its repr",
                 ruc["tasks"][1]["exception"], "KeyError: 'missing'")

    arun = o["007-asyncio-run"]
    expect_equal("asyncio.run cancels leftovers in creation order",
                 texts(arun, 1.0)[1:4], ["P finally at 1.0",
                                         "stubborn swallows the cancel",
                                         "Q finally at 1.0"])
    expect_equal("asyncio.run cleanup tasks",
                 [t["coro"] for t in arun["tasks"][4:6]],
                 ["shutdown_asyncgens", "shutdown_default_executor"])
    expect_equal("uncaught end", arun["end"],
                 {"status": "uncaught", "t": 1.5, "error": "KeyError: 'main failed'"})

    expect_equal("e12 queue hand-over", texts(o["008-queue"])[:13], [
        "P put 0 begin", "P put 0 done", "P put 1 begin", "C get begin",
        "C got 0", "C get begin", "P put 1 done", "P put 2 begin", "C got 1",
        "C get begin", "P put 2 done", "P finished", "C got 2"])

    cancel = o["009-cancel"]
    expect_equal("e16 cancel after the timer fired",
                 "T got CancelledError at 1.5" in texts(cancel), True)
    expect_equal("cancelled before its first step: no warning",
                 (cancel["tasks"][2]["state"], cancel["warnings"]),
                 ("cancelled", []))

    steps = o["limit-steps"]
    expect_equal("max_steps end", steps["end"],
                 {"status": "limit", "t": 0.0, "error": "max_steps"})
    expect_equal("max_steps counts statements", texts(steps)[-1], "spin 5")
    expect_equal("max_time end", o["limit-time"]["end"],
                 {"status": "limit", "t": 3.0, "error": "max_time"})
    expect_equal("max_time prints", texts(o["limit-time"]),
                 ["tick 1.0", "tick 2.0", "tick 3.0"])
    expect_equal("names and templates", texts(o["names"]), [
        "local now=42 task_name=Task-1 {literal} quoted dq 0.333",
        "[1, 3, 'x'] 42 1 False 3 True",
        "name 'undefined_name' is not defined"])
    expect_equal("new exception type", o["names"]["end"]["error"], "Oops: the end")
    expect_equal("SystemExit escaping main", (texts(o["system-exit"]),
                                              o["system-exit"]["end"]),
                 (["before"], {"status": "uncaught", "t": 0.0, "error": "SystemExit: bye"}))


# ---- the comparison pipeline -----------------------------------------------

def fake_corosim(argv):
    """Stand-in for `corosim run FILE --outcome OUT`: writes the scenario's
    expect block as the outcome, perturbed as MODE says."""
    mode, _run, path, _flag, out = argv
    with open(path, encoding="utf-8") as f:
        scenario = json.load(f)
    outcome = {"format": "coroscope-outcome/1", "scenario": scenario["name"]}
    outcome.update(scenario.get("expect", {}))
    if mode in ("tiny", "big") and outcome.get("prints"):
        outcome["prints"][-1]["t"] += 1e-7 if mode == "tiny" else 1e-3
    if mode == "text" and outcome.get("prints"):
        outcome["prints"][0]["text"] += "!"
    with open(out, "w", encoding="utf-8") as f:
        json.dump(outcome, f)
    return 0


def make_fake(tmp, mode):
    """A corosim executable running fake_corosim in `mode`."""
    path = os.path.join(tmp, f"corosim-{mode}")
    with open(path, "w") as f:
        f.write(f'#!/bin/sh\nexec "{sys.executable}" "{os.path.abspath(__file__)}"'
                f' --fake-corosim {mode} "$@"\n')
    os.chmod(path, 0o755)
    return path


def check_pipeline():
    """difftest against stand-ins: equal, within tolerance, different."""
    with tempfile.TemporaryDirectory() as tmp:
        mine = sorted(os.path.join(CONFORMANCE, f) for f in os.listdir(CONFORMANCE)
                      if f.endswith(".json") and f[:3] <= "010")
        rc, out = run([DIFFTEST, "--corosim", make_fake(tmp, "same")] + mine)
        expect_equal("expects of 001-010 match CPython",
                     (rc, out.strip().splitlines()[-1]),
                     (0, f"{len(mine)} passed, 0 failed"))
        one = os.path.join(CONFORMANCE, "001-sleep-ties.json")
        rc, out = run([DIFFTEST, one, "--corosim", make_fake(tmp, "tiny")])
        expect_equal("times within 1e-6 are equal", rc, 0)
        rc, out = run([DIFFTEST, one, "--corosim", make_fake(tmp, "big")])
        expect_equal("a time off by 1e-3 fails",
                     (rc, "+  " in out and "4.001" in out), (1, True))
        rc, out = run([DIFFTEST, one, "--corosim", make_fake(tmp, "text")])
        expect_equal("a different text fails with a diff",
                     (rc, "start at 0.0, task None!" in out, out.strip().splitlines()[-1]),
                     (1, True, "0 passed, 1 failed"))
        rc, out = run([DIFFTEST, one, "--corosim", os.path.join(tmp, "missing")])
        expect_equal("a missing corosim fails", rc, 1)
        props = os.path.join(tmp, "props.json")          # expect properties CPython refutes
        with open(one, encoding="utf-8") as f:
            scenario = json.load(f)
        scenario["expect"] = {"end_time": 99, "order": ["main got D! at 1.0", "A woke at 1.0"]}
        with open(props, "w", encoding="utf-8") as f:
            json.dump(scenario, f)
        rc, out = run([DIFFTEST, props, "--corosim", make_fake(tmp, "same")])
        expect_equal("a wrong end_time or order in expect fails",
                     (rc, "expect's end_time 99" in out, "is not the order of CPython's" in out),
                     (1, True, True))
        empty = os.path.join(tmp, "empty")
        os.mkdir(empty)
        rc, _ = run([DIFFTEST, empty])
        expect_equal("no scenario: skipped (77)", rc, 77)


def check_write_expect():
    """--write-expect adds, then replaces, the expect block; idempotent."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(CONFORMANCE, "005-stop-loop.json")
        with open(src, encoding="utf-8") as f:
            scenario = json.load(f)
        want = scenario.pop("expect")
        path = os.path.join(tmp, "s.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(scenario, f, indent=2)
        run([DIFFTEST, "--write-expect", path])
        with open(path, encoding="utf-8") as f:
            first = f.read()
        expect_equal("write-expect adds the block", json.loads(first)["expect"], want)
        run([DIFFTEST, "--write-expect", path])
        with open(path, encoding="utf-8") as f:
            expect_equal("write-expect is idempotent", f.read(), first)
        shutil.copy(src, path)
        run([DIFFTEST, "--write-expect", path])
        with open(path, encoding="utf-8") as f, open(src, encoding="utf-8") as g:
            expect_equal("write-expect keeps an up-to-date file", f.read(), g.read())
        # a teacher's properties stay: max_concurrent as written, end_time as
        # CPython ends, an order CPython refutes dropped
        texts = [p["text"] for p in want["prints"]]
        scenario["expect"] = {"max_concurrent": 2, "end_time": 99,
                              "order": texts[:2] if len(texts) > 1 else texts}
        with open(path, "w", encoding="utf-8") as f:
            json.dump(scenario, f, indent=2)
        run([DIFFTEST, "--write-expect", path])
        with open(path, encoding="utf-8") as f:
            got = json.load(f)["expect"]
        expect_equal("write-expect keeps the properties",
                     (got["max_concurrent"], got["end_time"], got["order"]),
                     (2, want["end"]["t"], scenario["expect"]["order"]))
        scenario["expect"] = {"order": list(reversed(texts))}
        with open(path, "w", encoding="utf-8") as f:
            json.dump(scenario, f, indent=2)
        run([DIFFTEST, "--write-expect", path])
        with open(path, encoding="utf-8") as f:
            expect_equal("write-expect drops a refuted order",
                         "order" in json.load(f)["expect"], len(texts) < 2)


def main(argv):
    """Run every check; exit 1 on any failure."""
    if argv[:1] == ["--fake-corosim"]:
        return fake_corosim(argv[1:])
    check_programs()
    check_outcomes()
    check_pipeline()
    check_write_expect()
    print(f"selftest: {len(FAILURES)} failed" if FAILURES else "selftest: all passed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
