#!/usr/bin/env python3
"""corosim run --chrome: the Chrome Trace Event Format export.

Usage: test_cli_chrome.py COROSIM [SCENARIO.json...]

For each scenario (default: scenarios/08-fork.json, 13-queue-window.json and
every other bundled scenario), the Chrome trace must be valid JSON with
traceEvents; have one named track (thread_name metadata) per task of the
outcome plus main and the event loop; B/E slices strictly nested per track in
file order with non-decreasing ts; every flow start paired with one flow end
(bp "e") that lies inside a step slice of a task track; each task's first
step at or after its creation; the prints as instants with the outcome's
times and texts, in order; wait slices only between steps.
"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FAILS = []


def fail(name, msg):
    FAILS.append(f"{name}: {msg}")


def run(corosim, scenario, tmp):
    """The Chrome trace and the outcome of one run."""
    chrome = os.path.join(tmp, "trace.json")
    outcome = os.path.join(tmp, "outcome.json")
    r = subprocess.run([corosim, "run", scenario, "--chrome", chrome, "--outcome", outcome,
                        "--quiet"], capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise AssertionError(f"corosim run failed ({r.returncode}): {r.stderr}")
    with open(chrome, encoding="utf-8") as f:
        trace = json.load(f)
    with open(outcome, encoding="utf-8") as f:
        return trace, json.load(f)


def check_shape(name, trace):
    """Top-level keys and the fields every event needs."""
    if not isinstance(trace, dict) or not isinstance(trace.get("traceEvents"), list):
        fail(name, "no traceEvents list")
        return False
    if trace.get("displayTimeUnit") != "ms":
        fail(name, "displayTimeUnit is not 'ms'")
    for i, ev in enumerate(trace["traceEvents"]):
        for key in ("name", "ph", "pid", "tid"):
            if key not in ev:
                fail(name, f"event {i} has no '{key}': {ev}")
                return False
        if ev["ph"] != "M" and not isinstance(ev.get("ts"), (int, float)):
            fail(name, f"event {i} has no numeric ts: {ev}")
            return False
        if ev["ph"] == "i" and ev.get("s") != "t":
            fail(name, f"instant {i} is not thread-scoped: {ev}")
    return True


def check_tracks(name, events, outcome):
    """One named track per task, plus main and the event loop; returns
    {task name: tid}."""
    names = {ev["tid"]: ev["args"]["name"] for ev in events
             if ev["ph"] == "M" and ev["name"] == "thread_name"}
    if sorted(names.values()).count("main") != 1 or "event loop" not in names.values():
        fail(name, f"main and event loop tracks missing: {sorted(names.values())}")
    by_task = {}
    for tid, label in names.items():
        by_task[label.split(" ")[0]] = tid
    for task in outcome["tasks"]:
        label = f"{task['name']} ({task['coro']})"
        if label not in names.values():
            fail(name, f"no track named '{label}'")
    if len(names) != len(outcome["tasks"]) + 2:
        fail(name, f"{len(names)} tracks for {len(outcome['tasks'])} tasks (expected tasks + 2)")
    if len(set(names)) != len(names):
        fail(name, "two tracks share a tid")
    return by_task


def check_nesting(name, events):
    """B/E strictly nested per track in file order, ts never decreasing on
    a track; returns the slices as (tid, name, cat, begin, end, begin index,
    end index)."""
    stacks, last_ts, slices = {}, {}, []
    for i, ev in enumerate(events):
        if ev["ph"] == "M":
            continue
        tid, ts = ev["tid"], ev["ts"]
        if ts < last_ts.get(tid, float("-inf")):
            fail(name, f"event {i} goes back in time on tid {tid}: {ev}")
            return slices
        last_ts[tid] = ts
        if ev["ph"] == "X":
            fail(name, f"event {i} is an X slice (only B/E are used)")
        if ev["ph"] == "B":
            stacks.setdefault(tid, []).append((i, ev))
        elif ev["ph"] == "E":
            if not stacks.get(tid):
                fail(name, f"event {i}: E with no open slice on tid {tid}")
                return slices
            j, b = stacks[tid].pop()
            if ts < b["ts"]:
                fail(name, f"slice '{b['name']}' ends before it begins")
            slices.append((tid, b["name"], b.get("cat"), b["ts"], ts, j, i))
    for tid, st in stacks.items():
        if st:
            fail(name, f"tid {tid} has {len(st)} slices never closed: {st[-1][1]['name']}")
    return slices


def enclosing(slices, tid, index, cat):
    """Is event index inside a slice of cat on tid (in file order)?"""
    return any(s[0] == tid and s[2] == cat and s[5] < index < s[6] for s in slices)


def check_flows(name, events, slices):
    """Every flow start has exactly one end with the same id, bp 'e', inside
    a step slice, not earlier than the start."""
    starts, ends = {}, {}
    for i, ev in enumerate(events):
        if ev["ph"] == "s":
            starts.setdefault(ev["id"], []).append((i, ev))
        elif ev["ph"] == "f":
            ends.setdefault(ev["id"], []).append((i, ev))
            if ev.get("bp") != "e":
                fail(name, f"flow end {ev['id']} without bp 'e'")
    if set(starts) != set(ends):
        fail(name, f"unpaired flows: {sorted(set(starts) ^ set(ends))[:5]}")
    for fid, lst in starts.items():
        if len(lst) != 1 or len(ends.get(fid, [])) != 1:
            fail(name, f"flow {fid} has {len(lst)} starts, {len(ends.get(fid, []))} ends")
            continue
        (si, s), (ei, e) = lst[0], ends[fid][0]
        if ei < si or e["ts"] < s["ts"]:
            fail(name, f"flow {fid} ends before it starts")
        if not enclosing(slices, e["tid"], ei, "step"):
            fail(name, f"flow {fid} does not end inside a step slice")
    return len(starts)


def check_against_outcome(name, events, slices, outcome, by_task):
    """Prints as instants with the outcome's times and texts; each task's
    first step at or after its creation; waits never overlap steps."""
    prints = [ev for ev in events if ev["ph"] == "i" and ev.get("cat") == "print"]
    got = [(round(ev["ts"] / 1e6, 6), ev["name"], ev["args"].get("detail")) for ev in prints]
    want = [(round(p["t"], 6), p["text"], p["task"] or "main") for p in outcome["prints"]]
    if got != want:
        fail(name, f"print instants differ from the outcome: {got[:3]} vs {want[:3]}")
    for p, ev in zip(outcome["prints"], prints):
        tid = by_task.get(p["task"] or "main")
        if ev["tid"] != tid:
            fail(name, f"print '{p['text']}' is not on {p['task'] or 'main'}'s track")
    created = {}
    for i, ev in enumerate(events):
        if ev["ph"] == "i" and ev["name"].startswith("create_task: "):
            created.setdefault(ev["name"].split(" ")[1], (i, ev["ts"]))
    for task in outcome["tasks"]:
        tid = by_task.get(task["name"])
        steps = sorted(s for s in slices if s[0] == tid and s[2] == "step")
        if task["name"] not in created:
            fail(name, f"no create_task instant for {task['name']}")
            continue
        if steps and (steps[0][3] < created[task["name"]][1] or
                      min(s[5] for s in steps) < created[task["name"]][0]):
            fail(name, f"{task['name']}'s first step begins before its creation")
        waits = [s for s in slices if s[0] == tid and s[2] == "wait"]
        for w in waits:
            for s in steps:
                if s[5] < w[5] < s[6] or w[5] < s[5] < w[6]:
                    fail(name, f"{task['name']}: wait '{w[1]}' overlaps step '{s[1]}'")


def check_one(corosim, scenario):
    name = os.path.basename(scenario)
    with tempfile.TemporaryDirectory() as tmp:
        trace, outcome = run(corosim, scenario, tmp)
    if not check_shape(name, trace):
        return
    events = trace["traceEvents"]
    by_task = check_tracks(name, events, outcome)
    slices = check_nesting(name, events)
    flows = check_flows(name, events, slices)
    check_against_outcome(name, events, slices, outcome, by_task)
    return events, slices, flows, by_task


def check_fork(corosim):
    """08-fork: two runs, four tasks; each c1 sleep is a wait slice between
    steps; the timer pops wake the steps by flows."""
    res = check_one(corosim, os.path.join(ROOT, "scenarios", "08-fork.json"))
    if not res:
        return
    events, slices, flows, by_task = res
    t1 = by_task["Task-1"]
    waits = [(s[1], s[3] / 1e6, s[4] / 1e6) for s in slices if s[0] == t1 and s[2] == "wait"]
    if waits != [("scheduled", 0.0, 0.0), ("asyncio.sleep(1)", 0.0, 1.0),
                 ("asyncio.sleep(1)", 1.0, 2.0)]:
        fail("08-fork.json", f"Task-1 waits: {waits}")
    steps = [s for s in slices if s[0] == t1 and s[2] == "step"]
    if len(steps) != 3:
        fail("08-fork.json", f"Task-1 has {len(steps)} steps, expected 3")
    frames = [s[1] for s in slices if s[0] == t1 and s[2] == "frame"]
    if frames.count("c1") != 3 or "asyncio.sleep" not in frames:
        fail("08-fork.json", f"Task-1 frames: {frames}")
    if flows < 8:
        fail("08-fork.json", f"only {flows} flows")
    interrupts = [ev for ev in events if ev["ph"] == "i" and ev["name"].startswith("interrupt")]
    if [ev["ts"] for ev in interrupts] != [6e6]:
        fail("08-fork.json", f"interrupt instants: {interrupts}")


def check_queue_window(corosim):
    """13-queue-window: jobs 5..10 wait on window.put between their first
    two steps; a queue get wakes them (a flow from the get instant)."""
    res = check_one(corosim, os.path.join(ROOT, "scenarios", "13-queue-window.json"))
    if not res:
        return
    events, slices, flows, by_task = res
    t5 = by_task["Task-5"]
    waits = [s[1] for s in slices if s[0] == t5 and s[2] == "wait"]
    if waits[:2] != ["scheduled", "await window.put()"]:
        fail("13-queue-window.json", f"Task-5 waits: {waits}")
    starts = {ev["id"]: ev for ev in events if ev["ph"] == "s"}
    ends = [(i, ev) for i, ev in enumerate(events) if ev["ph"] == "f" and ev["tid"] == t5]
    sources = []
    for i, e in ends:
        s = starts[e["id"]]
        src = [ev for ev in events if ev["ph"] == "i" and ev["tid"] == s["tid"]
               and ev["ts"] == s["ts"]]
        sources.append([ev["name"] for ev in src])
    if not any("window.get() -> 0" in names for names in sources):
        fail("13-queue-window.json", f"Task-5 not woken by a queue get: {sources}")


def check_send_into_awaited(corosim):
    """421: main sends into beats and napper, which tasks' user awaits
    inline: each send slice holds the frames it resumes, from the coroutine
    sent into up, and never user's, which stays suspended."""
    name = "421-send-into-coroutine-a-task-awaits.json"
    res = check_one(corosim, os.path.join(ROOT, "tests", "conformance", name))
    if not res:
        return
    events, slices, flows, by_task = res
    sends = [s for s in slices if s[2] == "send"]
    if not sends:
        fail(name, "no send slice")
    for tid, _, _, _, _, b, e in sends:
        inside = [s[1] for s in slices if s[0] == tid and s[2] == "frame" and b < s[5] < e]
        if not inside or "user" in inside or not {"beats", "napper"} & set(inside):
            fail(name, f"frames inside main's send: {inside}")


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    corosim = sys.argv[1]
    check_fork(corosim)
    check_queue_window(corosim)
    check_send_into_awaited(corosim)
    others = sys.argv[2:] or sorted(
        os.path.join(ROOT, "scenarios", f) for f in os.listdir(os.path.join(ROOT, "scenarios"))
        if f[:2].isdigit() and f.endswith(".json") and not f.startswith("19-"))
    for sc in others:
        check_one(corosim, sc)
    for f in FAILS:
        print("FAIL", f)
    print(f"{len(FAILS)} failures")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
