#!/usr/bin/env python3
"""corosim grade, its Gradescope JSON and CSV batch, and the expect
properties (max_concurrent, end_time, order) of corosim check.

Usage: test_cli_grade.py COROSIM

Fixtures are in tests/grade/ (answers to scenarios/08-fork.json and
13-queue-window.json). Scores are checked against the rule of
docs/FORMAT-EXTENSIONS.md: ok 1, wrong time 1/2, out of order 1/2, missing 0,
each unexpected line -1/2; the sum (at least 0) over the expected count x 100.
"""
import csv
import io
import json
import os
import shutil
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRADE = os.path.join(ROOT, "tests", "grade")
FORK = os.path.join(ROOT, "scenarios", "08-fork.json")
WINDOW = os.path.join(ROOT, "scenarios", "13-queue-window.json")
COROSIM = None
FAILS = []


def corosim(*args):
    r = subprocess.run([COROSIM, *args], capture_output=True, timeout=300)
    return r.returncode, r.stdout.decode("utf-8"), r.stderr.decode("utf-8")


def expect(cond, msg):
    if not cond:
        FAILS.append(msg)
    return cond


def rule(ok=0, wrong_time=0, out_of_order=0, missing=0, unexpected=0):
    """The documented score for these counts."""
    n = ok + wrong_time + out_of_order + missing
    pts = max(0.0, ok + 0.5 * (wrong_time + out_of_order) - 0.5 * unexpected)
    return 100.0 * pts / n if n else (0.0 if unexpected else 100.0)


def report_counts(out):
    """The counts from the last line of the readable report."""
    m = re.search(r"^score: ([0-9.]+)/100 \((.*)\)", out, re.M)
    if not m:
        return None, {}
    counts = {}
    for part in m.group(2).split(":")[0].split(", "):
        num, name = part.split(" ", 1)
        counts[name.replace(" ", "_")] = int(num)
    return float(m.group(1)), counts


def case(answer, scenario, status, **counts):
    """Grade one fixture; check the exit status, counts and score."""
    rc, out, err = corosim("grade", scenario, os.path.join(GRADE, answer))
    expect(rc == status, f"{answer}: exit {rc}, expected {status}\n{out}{err}")
    score, got = report_counts(out)
    want = {k: v for k, v in counts.items() if v}
    got = {k: v for k, v in got.items() if v}
    expect(got == want, f"{answer}: counts {got}, expected {want}\n{out}")
    if score is not None:
        expect(abs(score - rule(**counts)) < 0.006,
               f"{answer}: score {score}, the rule gives {rule(**counts):.2f}")
    return out


def test_single_answers():
    case("fork-perfect.txt", FORK, 0, ok=11)
    case("fork-perfect-crlf-notimes.txt", FORK, 0, ok=11)
    out = case("fork-missing.txt", FORK, 1, ok=10, missing=1)
    expect(re.search(r"^- missing +1\.000  Task-2 +c2 starts", out, re.M),
           f"missing line not shown in the diff:\n{out}")
    out = case("fork-extra.txt", FORK, 1, ok=11, unexpected=1)
    expect(re.search(r"^\+ unexpected .*c3 starts +\(your line 6\)", out, re.M),
           f"extra line not shown in the diff:\n{out}")
    out = case("fork-swapped.txt", FORK, 1, ok=10, out_of_order=1)
    expect("out of order" in out and "misplaced" in out
           and "in the wrong order among the lines around it)" in out, f"swap not shown:\n{out}")
    out = case("fork-wrong-time.txt", FORK, 1, ok=10, wrong_time=1)
    expect(re.search(r"^~ wrong time +2\.000  Task-1 +c1 ends .*t=2\.5", out, re.M),
           f"wrong time not shown:\n{out}")
    case("empty.txt", FORK, 1, missing=11)
    # the transcript's own layout (time, task, text) grades as time + text,
    # but only with the name of the task that prints it: "Task-9" on line 3
    # is not c2's task, so that line is unexpected and c2's line missing
    out = case("fork-transcript-layout.txt", FORK, 1, ok=10, missing=1, unexpected=1)
    expect("Task-9    c2 starts" in out, f"the wrong task's line not shown whole:\n{out}")
    # Texts that begin with a number: "0 s: job 0 starts" is a whole
    # expected text; "0 0 s: job 1 starts" is time 0 + that text; the
    # last line "7 10 jobs in 6 s" has the wrong time.
    case("queue-window-numbers.txt", WINDOW, 1, ok=20, wrong_time=1)


def test_invalid_answers():
    for name, what in (("binary.bin", "NUL byte"), ("latin1.txt", "not valid UTF-8")):
        path = os.path.join(GRADE, name)
        rc, out, err = corosim("grade", FORK, path)
        expect(rc == 2, f"{name}: exit {rc}, expected 2")
        expect(what in err and f"{path}:2:" in err, f"{name}: message {err!r}")
        expect(out == "", f"{name}: printed a report: {out!r}")
    rc, out, err = corosim("grade", FORK, os.path.join(GRADE, "no-such-file.txt"))
    expect(rc == 2 and "cannot read" in err, f"missing file: {rc} {err}")


def test_usage():
    for args in (["grade"], ["grade", FORK], ["grade", FORK, "a", "b"],
                 ["grade", FORK, os.path.join(GRADE, "empty.txt"), "--bogus"],
                 ["grade", FORK, os.path.join(GRADE, "batch"), "--json"],
                 ["quiz", FORK]):
        rc, out, err = corosim(*args)
        expect(rc == 2 and "usage: corosim" in err, f"{args}: exit {rc}, stderr {err!r}")
    rc, out, err = corosim("--help")
    for word in ("corosim grade", "corosim quiz", "--chrome", "--json", "--csv"):
        expect(word in out, f"--help does not mention {word}")


def check_gradescope(doc, where):
    """The shape of Gradescope's results.json (the subset we write)."""
    top = {"score", "max_score", "output", "tests", "execution_time", "visibility",
           "stdout_visibility", "extra_data", "output_format", "leaderboard"}
    per_test = {"score", "max_score", "status", "name", "number", "output", "tags",
                "visibility", "extra_data", "output_format", "name_format"}
    num = (int, float)
    ok = expect(isinstance(doc, dict), f"{where}: not an object")
    ok = ok and expect(set(doc) <= top, f"{where}: unknown keys {set(doc) - top}")
    ok = ok and expect(isinstance(doc.get("score"), num) and not isinstance(doc["score"], bool),
                       f"{where}: score must be a number")
    ok = ok and expect(isinstance(doc.get("max_score"), num), f"{where}: max_score")
    ok = ok and expect(isinstance(doc.get("output"), str), f"{where}: output must be a string")
    ok = ok and expect(isinstance(doc.get("tests"), list), f"{where}: tests must be a list")
    if not ok:
        return
    expect(0 <= doc["score"] <= doc["max_score"], f"{where}: score out of range")
    for t in doc["tests"]:
        expect(isinstance(t, dict) and set(t) <= per_test, f"{where}: test keys {t}")
        expect(isinstance(t.get("name"), str) and t["name"], f"{where}: test name {t}")
        expect(isinstance(t.get("score"), num) and isinstance(t.get("max_score"), num),
               f"{where}: test scores {t}")
        expect(t.get("status") in ("passed", "failed"), f"{where}: status {t.get('status')}")
        expect(isinstance(t.get("output"), str), f"{where}: test output {t}")
        expect(0 <= t["score"] <= t["max_score"] + 1e-9, f"{where}: test score range {t}")
        expect((t["status"] == "passed") == (abs(t["score"] - t["max_score"]) < 1e-9),
               f"{where}: status does not follow the score {t}")
    if doc["tests"]:
        total = sum(t["max_score"] for t in doc["tests"])
        expect(abs(total - doc["max_score"]) < 0.01, f"{where}: max_scores sum to {total}")


def test_json():
    for answer, status, score, failed in (("fork-perfect.txt", 0, 100, 0),
                                          ("fork-swapped.txt", 1, rule(ok=10, out_of_order=1), 1),
                                          ("fork-extra.txt", 1, rule(ok=11, unexpected=1), 0),
                                          ("empty.txt", 1, 0, 11)):
        rc, out, err = corosim("grade", FORK, os.path.join(GRADE, answer), "--json")
        expect(rc == status, f"--json {answer}: exit {rc}")
        doc = json.loads(out)
        check_gradescope(doc, answer)
        expect(abs(doc["score"] - score) < 0.006, f"--json {answer}: score {doc['score']}")
        expect(len(doc["tests"]) == 11, f"--json {answer}: {len(doc['tests'])} tests")
        nfail = sum(t["status"] == "failed" for t in doc["tests"])
        expect(nfail == failed, f"--json {answer}: {nfail} failed tests, expected {failed}")
    rc, out, err = corosim("grade", FORK, os.path.join(GRADE, "binary.bin"), "--json")
    doc = json.loads(out)
    check_gradescope(doc, "binary.bin")
    expect(rc == 2 and doc["score"] == 0 and "NUL byte" in doc["output"],
           f"--json on a binary file: {rc} {doc}")
    with tempfile.TemporaryDirectory() as tmp:      # the teacher's scenario is broken
        bad = os.path.join(tmp, "bad.json")
        with open(bad, "w") as f:
            f.write("{}")
        rc, out, err = corosim("grade", bad, os.path.join(GRADE, "fork-perfect.txt"), "--json")
        doc = json.loads(out)
        check_gradescope(doc, "bad.json")
        expect(rc == 2 and doc["score"] == 0 and "scenario is invalid" in doc["output"]
               and "bad.json:1:1: error:" in doc["output"] and "bad.json:1:1" in err,
               f"--json with an invalid scenario: {rc} {doc}")


def test_batch():
    with tempfile.TemporaryDirectory() as tmp:
        dest = os.path.join(tmp, "grades.csv")
        rc, out, err = corosim("grade", FORK, os.path.join(GRADE, "batch"), "--csv", dest)
        expect(rc == 2, f"batch with a broken file: exit {rc}, expected 2")
        expect(os.listdir(tmp) == ["grades.csv"], f"left files: {os.listdir(tmp)}")
        with open(dest, newline="", encoding="utf-8") as f:
            text = f.read()
    expect(text.endswith("\r\n") and "\n" not in text.replace("\r\n", ""),
           "CSV lines must end with CRLF (RFC 4180)")
    rows = list(csv.reader(io.StringIO(text)))
    expect(rows[0] == ["file", "score", "ok", "wrong_time", "out_of_order", "missing",
                       "unexpected", "error"], f"header {rows[0]}")
    names = [r[0] for r in rows[1:]]
    expect(names == ["alice.txt", "bob.txt", "carol.txt", "dave, jr.txt"], f"rows {names}")
    by = {r[0]: r for r in rows[1:]}
    expect(by["alice.txt"][1:] == ["100.00", "11", "0", "0", "0", "0", ""], f"{by['alice.txt']}")
    expect(by["bob.txt"][1:7] == [f"{rule(ok=10, out_of_order=1):.2f}", "10", "0", "1", "0",
                                  "0"], f"{by['bob.txt']}")
    expect(by["carol.txt"][1] == "" and "NUL byte" in by["carol.txt"][7],
           f"broken row {by['carol.txt']}")
    expect(by["dave, jr.txt"][1:7] == ["0.00", "0", "0", "0", "11", "0"],
           f"{by['dave, jr.txt']}")
    rc, out, err = corosim("grade", FORK, os.path.join(GRADE, "batch"))
    expect(out == text, "a directory without --csv writes the same CSV to standard output")
    with tempfile.TemporaryDirectory() as tmp:      # the CSV inside the graded folder
        shutil.copy(os.path.join(GRADE, "batch", "alice.txt"), tmp)
        dest = os.path.join(tmp, "results.csv")
        for _ in range(2):
            corosim("grade", FORK, tmp, "--csv", dest)
        with open(dest, newline="", encoding="utf-8") as f:
            names = [r[0] for r in list(csv.reader(f))[1:]]
        expect(names == ["alice.txt"], f"the second run graded its own CSV: {names}")
    with tempfile.TemporaryDirectory() as tmp:      # a file name that is not UTF-8
        shutil.copy(os.path.join(GRADE, "batch", "alice.txt"),
                    os.path.join(tmp.encode(), b"bad\xffname.txt"))
        rc, out, err = corosim("grade", FORK, tmp)
        expect(out.splitlines()[1].startswith("bad\ufffdname.txt,100.00"),
               f"the CSV row of a non-UTF-8 name: {out!r}")


def test_long_answers():
    """A right or nearly right answer of 6,000 lines grades (the common
    start and end are matched without the LCS table); one too far from the
    expected lines to align says so, with the limit."""
    with tempfile.TemporaryDirectory() as tmp:
        sc = os.path.join(tmp, "long.json")
        with open(sc, "w") as f:
            json.dump({"format": "coroscope-scenario/1", "name": "long",
                       "main": [{"repeat": 6000, "var": "i", "body": [{"print": "line {i}"}]}]}, f)
        lines = [f"line {i}" for i in range(6000)]
        for name, body, want in (("right", lines, "score: 100.00/100 (6000 ok): perfect"),
                                 ("near", lines[:3000] + lines[3001:] + ["extra"],
                                  "score: 99.97/100 (5999 ok, 1 missing, 1 unexpected)")):
            ans = os.path.join(tmp, name + ".txt")
            with open(ans, "w") as f:
                f.write("\n".join(body) + "\n")
            rc, out, err = corosim("grade", sc, ans)
            expect(rc in (0, 1) and want in out, f"{name}: exit {rc}: {out[-200:]} {err}")
        with open(os.path.join(GRADE, "fork-perfect.txt"), encoding="utf-8") as f:
            cr = f.read().replace("\r\n", "\n").replace("\n", "\r")
        ans = os.path.join(tmp, "cr.txt")
        with open(ans, "w", newline="") as f:
            f.write(cr)
        rc, out, err = corosim("grade", FORK, ans)
        expect(rc == 0 and "100.00/100" in out, f"CR line ends: exit {rc}: {out[-200:]}")
        ans = os.path.join(tmp, "reversed.txt")
        with open(ans, "w") as f:
            f.write("\n".join(reversed(lines)) + "\n")
        rc, out, err = corosim("grade", sc, ans)
        expect(rc == 2 and "too many to align (grade aligns at most 25 million pairs" in err,
               f"reversed: exit {rc}: {err}")


def max_concurrent_from_trace(jsonl, ntasks):
    """The documented definition, on the JSON Lines trace: a task is at
    work during a step that does not end parked (waiting on a queue, a task
    or a gather) and until its next step begins; a first step with an
    exception thrown in (cancelled before it ran) is no work."""
    working, now, best, step = set(), 0, 0, {}
    for line in jsonl.splitlines():
        e = json.loads(line)
        k, kind = e["task"], e["kind"]
        if kind == "step_begin":
            first = k not in step
            step[k] = {"parked": False, "done": False, "skip": first and e["a"] == 1}
            working.discard(k)
        elif k in step and kind == "queue_wait":
            step[k]["parked"] = True
        elif k in step and kind == "yield" and re.match(r"<(Task|_GatheringFuture)", e["text"]):
            step[k]["parked"] = True
        elif k in step and kind == "task_done":
            step[k]["done"] = True
        elif kind == "step_end":
            s = step[k]
            if s["parked"] or s["skip"]:
                continue
            best = max(best, len(working) + 1)
            if not s["done"]:
                working.add(k)
    return best


def scenario_with(path, expect_block, tmp):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    doc["expect"] = expect_block
    out = os.path.join(tmp, os.path.basename(path))
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
    return out


def test_properties():
    with tempfile.TemporaryDirectory() as tmp:
        good = scenario_with(WINDOW, {"max_concurrent": 4, "end_time": 6.0000001,
                                      "order": ["0 s: job 0 starts", "1 s: job 4 starts",
                                                "10 jobs in 6 s"]}, tmp)
        rc, out, err = corosim("check", good)
        expect(rc == 0, f"13 properties: exit {rc}\n{out}{err}")
        for line in ("max_concurrent 4: ok", "end_time 6: ok", "order of 3 prints: ok"):
            expect(line in out, f"13 properties: no '{line}' in\n{out}")
        bad = scenario_with(WINDOW, {"max_concurrent": 3, "end_time": 5,
                                     "order": ["1 s: job 4 starts", "0 s: job 0 starts"]}, tmp)
        rc, out, err = corosim("check", bad)
        expect(rc == 1, f"13 wrong properties: exit {rc}")
        for msg in ("max_concurrent differs: expected 3 tasks at work at once at most, the run has 4",
                    "end_time differs: expected 5, the run ends at t=6",
                    'order differs: "0 s: job 0 starts" is not printed after "1 s: job 4 starts"'):
            expect(msg in out, f"13 wrong properties: no '{msg}' in\n{out}")
        one = scenario_with(WINDOW, {"max_concurrent": 1}, tmp)
        rc, out, err = corosim("check", one)
        expect("expected 1 task at work at once at most, the run has 4" in out,
               f"13 max_concurrent 1: {out}")
        big = scenario_with(os.path.join(ROOT, "scenarios", "19-window-100k.json"),
                            {"max_concurrent": 100}, tmp)
        rc, out, err = corosim("check", big)
        expect(rc == 0 and "max_concurrent 100: ok" in out, f"19: {rc}\n{out}{err}")
        # corosim's count equals the definition recomputed here from the trace.
        for name in ("01-gather-sleeps", "08-fork", "11-cancel", "12-producer-consumer",
                     "13-queue-window", "14-countdown-vs-compute"):
            path = os.path.join(ROOT, "scenarios", name + ".json")
            rc, jsonl, err = corosim("run", path, "--trace", "-")
            rc, outcome, err = corosim("run", path, "--outcome", "-")
            want = max_concurrent_from_trace(jsonl, len(json.loads(outcome)["tasks"]))
            probe = scenario_with(path, {"max_concurrent": 999}, tmp)
            rc, out, err = corosim("check", probe)
            m = re.search(r"the run has (\d+)", out)
            expect(m and int(m.group(1)) == want,
                   f"{name}: corosim counts {m and m.group(1)}, the definition gives {want}")
    rc, out, err = corosim("validate", os.path.join(GRADE, "props-invalid.json"))
    with open(os.path.join(GRADE, "props-invalid.expected"), encoding="utf-8") as f:
        want = f.read()
    got = err.replace(os.path.join(GRADE, ""), "")
    expect(rc == 2 and got == want, f"props-invalid.json: exit {rc}\n{got!r}\nexpected\n{want!r}")


def test_control_characters():
    """A print holding a carriage return is graded against its escape, as
    the window shows it (an answer line cannot hold the CR itself), and the
    report writes it escaped."""
    with tempfile.TemporaryDirectory() as tmp:
        sc = os.path.join(tmp, "cr.json")
        with open(sc, "w") as f:
            json.dump({"format": "coroscope-scenario/1", "name": "cr",
                       "main": [{"print": "progress\r50%"}, {"print": "done"}]}, f)
        ans = os.path.join(tmp, "a.txt")
        with open(ans, "w") as f:
            f.write("0 progress\\r50%\n0 done\n")
        rc, out, err = corosim("grade", sc, ans)
        expect(rc == 0 and "100.00/100" in out and "\r" not in out,
               f"escaped CR answer: exit {rc}\n{out!r}{err}")


def test_decimal_comma():
    """Times written with a decimal comma (a French class) are times."""
    with tempfile.TemporaryDirectory() as tmp:
        ans = os.path.join(tmp, "fr.txt")
        with open(ans, "w") as f:
            f.write("0 c1 starts\n1,0 c1 forks c2\n1 c2 starts\n2,5 c1 ends\n")
        rc, out, err = corosim("grade", FORK, ans)
        score, got = report_counts(out)
        expect(got.get("ok") == 3 and got.get("wrong_time") == 1 and "says t=2.5" in out,
               f"decimal comma: {got}\n{out}")


def test_loose_time_prefixes():
    """Near-miss times are times when the rest of the line then is a print
    ("2.5 s", "t=3", "t = 3", "3:", "[3]", "(3)", "[t=3s]:"); a line that
    is a print is never split, and a print that begins with "s " or a
    number keeps it (testers' round 3, answers/04-sloppy.txt)."""
    prints = [(0, "W works 0"), (2.5, "boss cancelled both"), (3, "W clean"), (3, "W finally"),
              (3, "boss sees W cancelled at 3.0"), (3, "boss sleeps"), (3, "boss wakes"),
              (3, "last"), (4, "s marks the spot"), (4, "3: three"), (4, "[5] five"),
              (4, "t=6 six"), (4, "s t"), (5, "done")]
    answers = [("0s W works 0", "ok"), ("2.5 s boss cancelled both", "ok"), ("t=3 W clean", "ok"),
               ("3: W finally", "ok"), ("[3] boss sees W cancelled at 3.0", "ok"),
               ("t = 3 s: boss sleeps", "ok"), ("(3) boss wakes", "ok"), ("[t=3s]: last", "ok"),
               ("4 s marks the spot", "ok"), ("3: three", "ok"), ("[5] five", "ok"),
               ("t=6 six", "ok"), ("4 s s t", "ok"), ("t=4 done", "wrong time")]
    main = []
    for i, (t, text) in enumerate(prints):
        if i and t > prints[i - 1][0]:
            main.append({"run_until_complete": {"sleep": t - prints[i - 1][0]}})
        main.append({"print": text})
    with tempfile.TemporaryDirectory() as tmp:
        sc = os.path.join(tmp, "loose.json")
        with open(sc, "w") as f:
            json.dump({"format": "coroscope-scenario/1", "name": "loose", "main": main}, f)
        ans = os.path.join(tmp, "a.txt")
        with open(ans, "w") as f:
            f.write("\n".join(a for a, _ in answers) + "\n")
        rc, out, err = corosim("grade", sc, ans, "--json")
        doc = json.loads(out)
        for (t, text), (line, verdict), test in zip(prints, answers, doc["tests"]):
            got = test["output"].split(":")[0]
            expect(got == verdict, f"loose time {line!r}: {test['output']}, expected {verdict}")
        expect(len(doc["tests"]) == len(prints), f"loose times: {doc['output']}")
        with open(ans, "w") as f:          # a loose time before a text that is no print
            f.write("t=3 W unclean\n2.5 s boss cancelled all\n")
        rc, out, err = corosim("grade", sc, ans)
        expect("t=3 W unclean   (your line 1)" in out and "s boss cancelled all   (your line 2)" in out,
               f"loose times before no print:\n{out}")


# testers' round 4 (g/collide.json): a print "1 x" then a print "x", both at t=1
COLLIDE = {"format": "coroscope-scenario/1", "name": "collide",
           "coroutines": {"w": {"params": [], "body": [
               {"sleep": 1}, {"print": "1 x"}, {"print": "x"}, {"print": "main done"},
               {"print": "done"}, {"sleep": 1}, {"print": "tick"}, {"sleep": 1},
               {"print": "tick"}, {"print": "tick"}]}},
           "main": [{"run_until_complete": {"call": "w", "args": []}},
                    {"print": "main done"}, {"print": "done"}]}


def test_both_readings():
    """A line that is a whole expected text ("1 x") may also be a time and
    the rest ("x" at t=1): the alignment takes the reading that matches
    best, so the fully right answer grades 100, and so does one with no
    times (each line then the whole text)."""
    right = "1 1 x\n1 x\n1 main done\n1 done\n2 tick\n3 tick\n3 tick\n3 main done\n3 done\n"
    bare = "1 x\nx\nmain done\ndone\ntick\ntick\ntick\nmain done\ndone\n"
    with tempfile.TemporaryDirectory() as tmp:
        sc = os.path.join(tmp, "collide.json")
        with open(sc, "w") as f:
            json.dump(COLLIDE, f)
        for name, text, want in (("right", right, "100.00/100"), ("bare", bare, "100.00/100"),
                                 ("late", right.replace("\n1 x\n", "\n2 x\n"), "94.44/100")):
            ans = os.path.join(tmp, name + ".txt")
            with open(ans, "w") as f:
                f.write(text)
            rc, out, err = corosim("grade", sc, ans)
            expect(want in out, f"both readings, {name}: exit {rc}, expected {want}\n{out}{err}")


def test_wide_spaces_and_fences():
    """A no-break space (or another Unicode space) where a space is meant is
    a space, in the answer and in the prints; the ``` lines around a
    transcript pasted from answer.md are not lines of the answer."""
    with tempfile.TemporaryDirectory() as tmp:
        sc = os.path.join(tmp, "sp.json")
        with open(sc, "w", encoding="utf-8") as f:
            json.dump({"format": "coroscope-scenario/1", "name": "sp",
                       "main": [{"print": "a b"}, {"print": "x\u00a0y"}]}, f)
        ans = os.path.join(tmp, "a.txt")
        with open(ans, "w", encoding="utf-8") as f:
            f.write("```text\n0\u00a0a\u2009b\u00a0\n0 x y\n```\n")
        rc, out, err = corosim("grade", sc, ans)
        score, got = report_counts(out)
        expect(rc == 0 and "100.00/100" in out and got.get("unexpected", 0) == 0,
               f"wide spaces and fences: exit {rc}\n{out}{err}")
        with open(ans, "w", encoding="utf-8") as f:
            f.write("``` not a fence\n0 a b\n0 x y\n")
        rc, out, err = corosim("grade", sc, ans)
        score, got = report_counts(out)
        expect(got.get("unexpected") == 1, f"a line of backticks and words is a line: {got}\n{out}")


def test_list_markers():
    """Lines copied as a Markdown list ("- 0 text", "3. 1 text", "2) text")
    are read past the marker when the rest is a time and a print, or a
    print; a print that itself begins like a list item stays whole."""
    with tempfile.TemporaryDirectory() as tmp:
        sc = os.path.join(tmp, "l.json")
        with open(sc, "w", encoding="utf-8") as f:
            json.dump({"format": "coroscope-scenario/1", "name": "l",
                       "main": [{"print": "start"}, {"block": 1}, {"print": "- item"},
                                {"print": "1. first"}, {"block": 1}, {"print": "end"}]}, f)
        cases = [("- 0 start\n- 1 - item\n* 1 1. first\n\u2022 2 end\n", 4),
                 ("1. 0 start\n2. 1 - item\n3) 1 1. first\n4. 2 end\n", 4),
                 ("1. start\n- item\n1. first\n4. end\n", 4)]
        for text, ok in cases:
            ans = os.path.join(tmp, "a.txt")
            with open(ans, "w", encoding="utf-8") as f:
                f.write(text)
            rc, out, err = corosim("grade", sc, ans)
            score, got = report_counts(out)
            expect(got.get("ok") == ok and "100.00/100" in out,
                   f"list markers {text!r}: {got}\n{out}")


def main():
    global COROSIM
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    COROSIM = sys.argv[1]
    for test in (test_single_answers, test_invalid_answers, test_usage, test_json, test_batch,
                 test_long_answers, test_properties, test_control_characters,
                 test_decimal_comma, test_loose_time_prefixes, test_both_readings,
                 test_wide_spaces_and_fences, test_list_markers):
        test()
    for f in FAILS:
        print("FAIL", f)
    print(f"{len(FAILS)} failures")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
