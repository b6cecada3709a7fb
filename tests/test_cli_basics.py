#!/usr/bin/env python3
"""corosim as a user calls it: help and version, exit statuses, outcome and
trace files (valid JSON, written whole or not at all), check on a matching
and on a mismatching expect block."""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FORK = os.path.join(ROOT, "scenarios", "08-fork.json")
TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def run(*args, **kw):
    return subprocess.run([COROSIM, *args], capture_output=True, text=True, **kw)


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


@test
def help_and_version():
    p = run("--help")
    expect(p.returncode == 0 and "corosim run" in p.stdout, "--help")
    p = run("--version")
    expect(p.returncode == 0 and p.stdout.startswith("corosim "), "--version")
    expect(run().returncode == 2, "no arguments is a usage error")
    expect(run("frobnicate").returncode == 2, "unknown command")
    expect(run("run", FORK, "--bogus").returncode == 2, "unknown option")
    p = run("run", FORK, "--outcome")
    expect(p.returncode == 2 and "--outcome needs a file name" in p.stderr, p.stderr)
    p = run("run", FORK, "--trace", "-", "--trace", "t.jsonl")
    expect(p.returncode == 2 and "--trace is given twice" in p.stderr, p.stderr)


@test
def missing_file():
    p = run("run", "/nonexistent/x.json")
    expect(p.returncode == 2, f"exit {p.returncode}")
    expect("x.json" in p.stderr and "error" in p.stderr, p.stderr)


@test
def transcript():
    p = run("run", FORK)
    expect(p.returncode == 0, p.stderr)
    expect("Task-1" in p.stdout and "# end: completed" in p.stdout, p.stdout)


@test
def shutdown_error_reported():
    """asyncio.run's teardown logs a leftover that raised: the transcript and
    the trace say so, the outcome's warnings (format section 6) do not."""
    sc = os.path.join(ROOT, "tests", "conformance", "397-asyncio-run-shutdown-logs-error.json")
    p = run("run", sc)
    expect("# asyncio.run() shutdown: unhandled exception in Task-2 (KeyError: 'boom')"
           in p.stdout, p.stdout)
    p = run("run", sc, "--outcome", "-", "--quiet")
    expect(json.loads(p.stdout)["warnings"] == [], p.stdout)
    p = run("run", sc, "--trace", "-", "--quiet")
    logged = [json.loads(l) for l in p.stdout.splitlines() if '"warning"' in l]
    expect(len(logged) == 1 and logged[0]["task"] == 1 and logged[0]["a"] == 2
           and logged[0]["text"] == "KeyError: 'boom'", str(logged))


@test
def close_of_dropped_coroutine_reported():
    """What closing a coroutine main let go of logs ("Exception ignored in")
    is in the transcript, right after the print the close made, and in the
    trace; the outcome, which compares with CPython's, has none of it."""
    sc = os.path.join(ROOT, "tests", "conformance", "439-dropped-coroutines-are-closed.json")
    lines = run("run", sc).stdout.splitlines()
    at = [i for i, l in enumerate(lines) if "Exception ignored in" in l]
    expect(len(at) == 3, "\n".join(lines))
    expect(lines[at[0]] == "# closing a coroutine nothing holds any more: Exception ignored "
           "in: <coroutine object stubborn>: RuntimeError: coroutine ignored GeneratorExit"
           and lines[at[0] - 1].endswith("stubborn caught GeneratorExit")
           and lines[at[0] + 1].endswith("after stubborn"), "\n".join(lines))
    expect(lines[at[1]].endswith("<coroutine object raiser>: ValueError: from finally"),
           lines[at[1]])
    p = run("run", sc, "--trace", "-", "--quiet")
    logged = [json.loads(l) for l in p.stdout.splitlines() if '"warning"' in l]
    ignored = [e for e in logged if e["a"] == 3]
    expect(len(ignored) == 3 and ignored[1]["text"].endswith("ValueError: from finally"),
           str(logged))
    out = json.loads(run("run", sc, "--outcome", "-", "--quiet").stdout)
    expect(out["warnings"] == [{"kind": "coroutine_never_awaited", "coro": "worker"}],
           str(out["warnings"]))


@test
def transcript_notices_in_order():
    """An interrupt and a shutdown error are shown where they happened among
    the prints, not after all of them."""
    with tempfile.TemporaryDirectory() as d:
        sc = os.path.join(d, "s.json")
        with open(sc, "w") as f:
            json.dump({"format": "coroscope-scenario/1", "name": "s",
                       "coroutines": {"nap": {"params": ["d"], "body": [
                           {"sleep": "=d"}, {"print": "napped {d}"}]}},
                       "main": [{"create_task": {"call": "nap", "args": [1]}},
                                {"run_forever": True},
                                {"print": "back in main"},
                                {"run_until_complete": {"call": "nap", "args": [2]}}]}, f)
        lines = run("run", sc).stdout.splitlines()
    want = ["napped 1", "# interrupted (Ctrl-C) at t=1.000", "back in main", "napped 2",
            "# end: completed at t=3.000"]
    got = [next((i for i, l in enumerate(lines) if w in l), -1) for w in want]
    expect(-1 not in got and got == sorted(got), "\n".join(lines))
    sc = os.path.join(ROOT, "tests", "conformance", "397-asyncio-run-shutdown-logs-error.json")
    lines = run("run", sc).stdout.splitlines()
    expect(lines[3].startswith("# asyncio.run() shutdown: unhandled exception in Task-2")
           and lines[4].endswith("main      after asyncio.run"), "\n".join(lines))


@test
def transcript_says_why_past_2_24():
    """An interrupt past 2**24 s says that the timer is never due there
    (the loop would spin); one at an ordinary time does not."""
    sc = os.path.join(ROOT, "tests", "conformance", "433-timer-past-2-24-never-due.json")
    notes = [l for l in run("run", sc).stdout.splitlines() if l.startswith("# interrupted")]
    expect(len(notes) == 2 and all("a timer at the clock is never due" in n for n in notes),
           "\n".join(notes))
    sc = os.path.join(ROOT, "tests", "conformance", "397-asyncio-run-shutdown-logs-error.json")
    expect("never due" not in run("run", sc).stdout, "ordinary transcript")


@test
def transcript_says_how_tasks_ended():
    """Before its end line the transcript says how each task ended (a few
    tasks), or counts the states (many)."""
    lines = run("run", os.path.join(ROOT, "scenarios", "11-cancel.json")).stdout.splitlines()
    for want in ("# Task-2 (quitter): cancelled",
                 "# Task-4 (stubborn): finished, result 'stubborn finished anyway'"):
        expect(want in lines, "\n".join(lines))
    expect(lines[-1].startswith("# end: "), lines[-1])
    sc = os.path.join(ROOT, "tests", "conformance", "437-verbs-on-names-never-assigned.json")
    expect("# Task-2 (killer): failed, NameError: name 'victim' is not defined"
           in run("run", sc).stdout, "failed task line")
    big = run("run", os.path.join(ROOT, "scenarios", "19-window-100k.json")).stdout
    expect(re.search(r"^# 100004 tasks: 100004 finished, 0 failed, 0 cancelled, 0 pending$",
                     big, re.M) and "# Task-1 " not in big, big[-300:])


@test
def transcript_notices_escape_control_characters():
    """An exception message with a line break is one line in a warning and in
    a task's end, as in the task list (escaped, \\x0a)."""
    with tempfile.TemporaryDirectory() as d:
        sc = os.path.join(d, "s.json")
        with open(sc, "w") as f:
            json.dump({"format": "coroscope-scenario/1", "name": "s",
                       "coroutines": {"g": {"body": [{"raise": "Oops", "message": "a\nb"}]}},
                       "main": [{"create_task": {"call": "g"}},
                                {"run_until_complete": {"sleep": 0}}]}, f)
        out = run("run", sc).stdout
    expect("# warning: Task exception was never retrieved (Task-1: Oops: a\\x0ab)\n" in out
           and "# Task-1 (g): failed, Oops: a\\x0ab\n" in out, out)


@test
def transcript_lines_of_a_print_and_limits():
    """A printed text with line breaks keeps its later lines under its first
    (no trailing blanks); a limit's end names the limit's value."""
    with tempfile.TemporaryDirectory() as d:
        sc = os.path.join(d, "s.json")
        with open(sc, "w") as f:
            json.dump({"format": "coroscope-scenario/1", "name": "s",
                       "limits": {"max_steps": 5},
                       "main": [{"print": "one\ntwo\n"},
                                {"repeat": None, "body": [{"print": "x"}]}]}, f)
        lines = run("run", sc).stdout.splitlines()
    expect(lines[1].endswith("main      one") and lines[2] == " " * 22 + "two"
           and lines[3] == "", "\n".join(lines))
    expect(lines[-1] == "# end: limit at t=0.000: max_steps (more than 5 statements ran)",
           lines[-1])
    with tempfile.TemporaryDirectory() as d:      # a title cannot take over the terminal
        sc = os.path.join(d, "s.json")
        with open(sc, "w") as f:
            json.dump({"format": "coroscope-scenario/1", "name": "s",
                       "title": "red\u001b[31m title", "main": []}, f)
        first = run("run", sc).stdout.splitlines()[0]
    expect(first == "# s: red\\x1b[31m title", first)


@test
def loop_end_events_carry_mains_line():
    """After a loop run, the events main's statement causes (run_end, the
    interrupt) carry that statement's line, not the last task's."""
    p = run("run", FORK, "--trace", "-", "--quiet")
    ev = [json.loads(l) for l in p.stdout.splitlines()]
    ends = [(e["kind"], e["line"]) for e in ev if e["kind"] in ("run_end", "interrupt")]
    expect(ends == [("run_end", 24), ("interrupt", 30), ("run_end", 30)], str(ends))
    loops = os.path.join(ROOT, "scenarios", "17-hand-made-loops.json")
    p = run("run", loops, "--trace", "-", "--quiet")
    sends = {json.loads(l)["line"] for l in p.stdout.splitlines() if '"send"' in l}
    expect(sends <= {46, 51, 54}, f"drive's sends carry main's lines, got {sorted(sends)}")


@test
def outcome_and_trace_files():
    with tempfile.TemporaryDirectory() as d:
        o, t = os.path.join(d, "o.json"), os.path.join(d, "t.jsonl")
        p = run("run", FORK, "--outcome", o, "--trace", t)
        expect(p.returncode == 0, p.stderr)
        expect(sorted(os.listdir(d)) == ["o.json", "t.jsonl"], os.listdir(d))
        out = json.load(open(o))
        expect(out["format"] == "coroscope-outcome/1", "format")
        expect(out["scenario"] == "fork" and out["end"]["status"] == "completed", out["end"])
        events = [json.loads(line) for line in open(t)]
        kinds = {e["kind"] for e in events}
        for k in ("iter", "task_new", "step_begin", "frame_push", "yield", "print", "timer_push", "end"):
            expect(k in kinds, f"trace has no {k} event")
        expect([e["seq"] for e in events] == list(range(len(events))), "seq numbers")
        prints = [e["text"] for e in events if e["kind"] == "print"]
        expect(prints == [p["text"] for p in out["prints"]], "trace prints = outcome prints")


@test
def outcome_to_stdout_is_pure_json():
    p = run("run", FORK, "--outcome", "-")
    expect(p.returncode == 0, p.stderr)
    expect(json.loads(p.stdout)["scenario"] == "fork", "json on stdout")


@test
def outcome_strings_escaped_at_any_length():
    """Quotes, backslashes, tabs, newlines, control bytes and UTF-8, in
    strings shorter and much longer than the writer's first reserve, come
    back from the outcome file exactly as the scenario has them."""
    text = ('quotes "" and \\ back\\slashes, a\ttab, a\nnewline, \u0001\u001f, '
            + '"' * 90 + '\u0002' * 40 + ' é ü 日本 end')
    name = 'esc "q" \\ \t x'
    scenario = {"format": "coroscope-scenario/1", "name": name,
                "coroutines": {"w": {"params": [], "body": [
                    {"print": text}, {"return": '="x" * 300'}]}},
                "main": [{"asyncio_run": {"call": "w", "args": []}}]}
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "esc.json")
        with open(src, "w", encoding="utf-8") as f:
            json.dump(scenario, f, ensure_ascii=False)
        p = run("run", src, "--outcome", "-", "--quiet")
        expect(p.returncode == 0, p.stderr)
        o = json.loads(p.stdout)
        expect(o["scenario"] == name, o["scenario"])
        expect(o["prints"][0]["text"] == text, o["prints"][0]["text"])
        expect(o["tasks"][0]["result"] == repr("x" * 300), o["tasks"][0]["result"][:40])


@test
def unwritable_output_leaves_nothing():
    with tempfile.TemporaryDirectory() as d:
        target = os.path.join(d, "missing-dir", "o.json")
        p = run("run", FORK, "--outcome", target)
        expect(p.returncode == 2 and "cannot write" in p.stderr, p.stderr)
        expect(os.listdir(d) == [], os.listdir(d))


@test
def outputs_to_one_place_refused():
    """Two outputs to standard output, or to one file, would mix or replace
    each other: a usage error before anything runs."""
    p = run("run", FORK, "--outcome", "-", "--chrome", "-")
    expect(p.returncode == 2 and p.stdout == "" and "both write to standard output" in p.stderr,
           p.stderr)
    with tempfile.TemporaryDirectory() as d:
        same = os.path.join(d, "o")
        p = run("run", FORK, "--outcome", same, "--trace", same)
        expect(p.returncode == 2 and "--outcome and --trace both write to" in p.stderr
               and os.listdir(d) == [], p.stderr)
    p = run("validate")
    expect(p.returncode == 2 and "which scenarios?" in p.stderr, p.stderr)
    for cmd in ("validate", "check"):
        p = run(cmd, "--json", FORK)
        expect(p.returncode == 2 and f"corosim {cmd}: unknown option '--json'" in p.stderr,
               p.stderr)


@test
def full_standard_output_is_an_error():
    """A write to standard output that fails (a full disk) exits 2 with a
    message instead of 0."""
    if not os.path.exists("/dev/full"):
        return
    for args in (["run", FORK], ["run", FORK, "--outcome", "-", "--quiet"], ["check", FORK]):
        with open("/dev/full", "w") as full:
            p = subprocess.run([COROSIM, *args], stdout=full, stderr=subprocess.PIPE, text=True)
        expect(p.returncode == 2 and "cannot write standard output" in p.stderr,
               f"{args}: {p.returncode} {p.stderr}")


@test
def killed_run_leaves_no_temporary_file():
    """SIGTERM while a big trace is being written: the temporary file goes,
    and no output file appears."""
    window = os.path.join(ROOT, "scenarios", "19-window-100k.json")
    with tempfile.TemporaryDirectory() as d:
        proc = subprocess.Popen([COROSIM, "run", window, "--trace", os.path.join(d, "t.jsonl"),
                                 "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(600):
            if os.listdir(d) or proc.poll() is not None:
                break
            time.sleep(0.01)
        if proc.poll() is not None:
            return          # the whole trace was written before it could be stopped
        proc.terminate()
        proc.wait(timeout=30)
        expect(os.listdir(d) == [], os.listdir(d))


@test
def output_through_a_symlink_keeps_the_link():
    """--outcome to a symlink writes its target (atomically, next to it) and
    leaves the link a link, also for a relative or dangling one."""
    with tempfile.TemporaryDirectory() as d:
        os.mkdir(os.path.join(d, "sub"))
        with open(os.path.join(d, "real.json"), "w") as f:
            f.write("old")
        os.symlink("../real.json", os.path.join(d, "sub", "up.json"))
        os.symlink("new.json", os.path.join(d, "dangling.json"))
        for link, target in (("sub/up.json", "real.json"), ("dangling.json", "new.json")):
            p = run("run", FORK, "--outcome", os.path.join(d, link), "--quiet")
            expect(p.returncode == 0 and os.path.islink(os.path.join(d, link)), f"{link}: {p.stderr}")
            with open(os.path.join(d, target)) as f:
                expect(json.load(f)["format"] == "coroscope-outcome/1", f"{target} not written")
        expect(sorted(os.listdir(d)) == ["dangling.json", "new.json", "real.json", "sub"],
               sorted(os.listdir(d)))


@test
def check_match_and_mismatch():
    p = run("check", FORK)
    expect(p.returncode == 0, p.stdout + p.stderr)
    doc = json.load(open(FORK))
    doc["expect"]["prints"][0]["text"] = "something else"
    with tempfile.TemporaryDirectory() as d:
        bad = os.path.join(d, "bad.json")
        json.dump(doc, open(bad, "w"))
        p = run("check", bad)
        expect(p.returncode == 1, f"exit {p.returncode}")
        expect("first difference at item 0" in p.stdout and "something else" in p.stdout, p.stdout)
        del doc["expect"]
        json.dump(doc, open(bad, "w"))
        p = run("check", bad, FORK)          # nothing to check: bad input (2), not a mismatch
        expect(p.returncode == 2 and 'no "expect" block' in p.stderr
               and p.stderr.startswith(bad + ":1:1: error: ") and "ok   " + FORK in p.stdout,
               f"exit {p.returncode}: {p.stdout} {p.stderr}")


def main():
    global COROSIM
    COROSIM = os.path.abspath(sys.argv[1])
    failed = 0
    for fn in TESTS:
        try:
            fn()
            print(f"ok   {fn.__name__}")
        except AssertionError as e:
            failed += 1
            print(f"FAIL {fn.__name__}: {e}")
    print(f"{len(TESTS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
