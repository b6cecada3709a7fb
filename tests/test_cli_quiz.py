#!/usr/bin/env python3
"""corosim quiz: question.md and answer.md, and whether each sentence of
answer.md is true of the run.

Usage: test_cli_quiz.py COROSIM

For several bundled scenarios and every conformance scenario: question.md holds the title, the whole
Python listing and the question; answer.md the transcript ("T TEXT" lines,
which `corosim grade` scores 100/100) and one numbered line per print whose
sentence is checked against the JSON Lines trace of the same run: every
claim (who created a task and when, which timer was set when and fired,
which queue operation woke whom, which task finished, which cancel) must
be found in the trace, and every sentence must be of a known form.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIOS = ["01-gather-sleeps", "04-famine", "09-until-complete-then-forever", "05-awaitable-protocol", "08-fork", "10-task-outcomes",
             "11-cancel", "12-producer-consumer", "13-queue-window", "14-countdown-vs-compute"]
# Cancels passed on to what a task awaits (testers' round 3): the task
# resumes with the outcome of what it awaited; _must_cancel only when the
# cancel could not reach an awaited future.
CANCEL_SCENARIOS = {
    'q01-quiz-cancel-through-awaited-task':
        '{"format":"coroscope-scenario/1","name":"q01","coroutines":{"inner":{"params":[],"body":[{"sleep":5}]},"outer":{"params":["t"],"body":[{"try":[{"await":{"task":"t"}}],"except":[{"type":"CancelledError","body":[{"print":"outer cancelled"}]}]}]}},"main":[{"create_task":{"call":"inner","args":[]},"as":"i"},{"create_task":{"call":"outer","args":["=i"]},"as":"o"},{"run_until_complete":{"sleep":1}},{"cancel":"o"},{"run_until_complete":{"sleep":1}}]}',
    'q02-quiz-cancel-turned-valueerror':
        '{"format":"coroscope-scenario/1","name":"q02","coroutines":{"inner":{"params":[],"body":[{"try":[{"sleep":5}],"except":[{"type":"CancelledError","body":[{"raise":"ValueError","message":"refused"}]}]}]},"outer":{"params":["t"],"body":[{"try":[{"await":{"task":"t"}}],"except":[{"type":"ValueError","as":"e","body":[{"print":"outer got ValueError {e}"}]}]}]}},"main":[{"create_task":{"call":"inner","args":[]},"as":"i"},{"create_task":{"call":"outer","args":["=i"]},"as":"o"},{"run_until_complete":{"sleep":1}},{"cancel":"o"},{"run_until_complete":{"sleep":1}}]}',
    'q03-quiz-gather-finishes-later':
        '{"format":"coroscope-scenario/1","name":"q03","coroutines":{"kid":{"params":[],"body":[{"try":[{"sleep":5}],"except":[{"type":"CancelledError","body":[{"sleep":2}]}]}]},"w":{"params":[],"body":[{"try":[{"await":{"gather":[{"call":"kid","args":[]}]}}],"except":[{"type":"CancelledError","body":[{"print":"w cancelled at {now}"}]}]}]}},"main":[{"create_task":{"call":"w","args":[]},"as":"t"},{"run_until_complete":{"sleep":1}},{"cancel":"t"},{"run_until_complete":{"task":"t"}}]}',
    'a01-gather-cancel-child-raises':
        '{"format":"coroscope-scenario/1","name":"a01","coroutines":{"a":{"params":[],"body":[{"try":[{"sleep":5}],"except":[{"type":"CancelledError","body":[{"print":"a converts"},{"raise":"ValueError","message":"a-bad"}]}]}]},"b":{"params":[],"body":[{"try":[{"sleep":5}],"finally":[{"print":"b finally"}]}]},"w":{"params":[],"body":[{"try":[{"await":{"gather":[{"call":"a","args":[]},{"call":"b","args":[]}]},"as":"r"}],"except":[{"type":"ValueError","as":"e","body":[{"print":"w got ValueError {e} at {now}"},{"sleep":1},{"print":"w after sleep"}]},{"type":"CancelledError","body":[{"print":"w cancelled"}]}]},{"return":"w-done"}]}},"main":[{"create_task":{"call":"w","args":[]},"as":"t"},{"run_until_complete":{"sleep":1}},{"cancel":"t"},{"run_until_complete":{"task":"t"},"as":"x"},{"print":"main {x}"}]}',
    'a04-cancel-awaiter-inner-swallows':
        '{"format":"coroscope-scenario/1","name":"a04","coroutines":{"inner":{"params":[],"body":[{"try":[{"sleep":5}],"except":[{"type":"CancelledError","body":[{"print":"inner swallows"}]}]},{"return":"inner-value"}]},"outer":{"params":[],"body":[{"create_task":{"call":"inner","args":[]},"as":"ti"},{"await":{"task":"ti"},"as":"v"},{"print":"outer got {v}"},{"sleep":1},{"print":"outer still alive at {now}"},{"return":"outer-ok"}]}},"main":[{"create_task":{"call":"outer","args":[]},"as":"t"},{"run_until_complete":{"sleep":1}},{"cancel":"t"},{"run_until_complete":{"task":"t"},"as":"x"},{"print":"main {x}"}]}',
    'a05-gather-done-cancel-1':
        '{"format":"coroscope-scenario/1","name":"a05-1","coroutines":{"child":{"params":[],"body":[{"sleep":1},{"return":"c"}]},"w":{"params":[],"body":[{"try":[{"await":{"gather":[{"call":"child","args":[]}]},"as":"r"},{"print":"w got {r}"}],"except":[{"type":"CancelledError","body":[{"print":"w cancelled"}]}]}]},"canceller":{"params":[],"body":[{"sleep":1},{"sleep":0},{"print":"cancel w"},{"cancel":"tw"}]}},"main":[{"create_task":{"call":"w","args":[]},"as":"tw"},{"create_task":{"call":"canceller","args":[]}},{"run_until_complete":{"task":"tw"}}]}',
    'a09-shared-task-cancel':
        '{"format":"coroscope-scenario/1","name":"a09","coroutines":{"job":{"params":[],"body":[{"try":[{"sleep":5}],"finally":[{"print":"job finally {now}"}]},{"return":"j"}]},"w1":{"params":["t"],"body":[{"try":[{"await":{"task":"t"},"as":"r"},{"print":"w1 {r}"}],"except":[{"type":"CancelledError","body":[{"print":"w1 cancelled"},{"raise":null}]}]}]},"w2":{"params":["t"],"body":[{"try":[{"await":{"gather":[{"task":"t"},{"sleep":3,"_":""}],"return_exceptions":true},"as":"r"},{"print":"w2 {r} at {now}"}],"except":[{"type":"CancelledError","body":[{"print":"w2 cancelled"}]}]}]},"w3":{"params":["t"],"body":[{"try":[{"await":{"gather":[{"task":"t"}]},"as":"r"},{"print":"w3 {r}"}],"except":[{"type":"CancelledError","as":"e","body":[{"print":"w3 CancelledError {[e]} at {now}"}]}]}]}},"main":[{"create_task":{"call":"job","args":[]},"as":"j"},{"create_task":{"call":"w1","args":["=j"]},"as":"a"},{"create_task":{"call":"w2","args":["=j"]},"as":"b"},{"create_task":{"call":"w3","args":["=j"]},"as":"c"},{"run_until_complete":{"sleep":1}},{"cancel":"a"},{"run_until_complete":{"sleep":5}},{"print":"end"}]}',
    'a10-cancel-tree-order':
        '{"format":"coroscope-scenario/1","name":"a10","coroutines":{"leaf":{"params":["n"],"body":[{"try":[{"sleep":5}],"finally":[{"print":"leaf {n} unwinds"}]}]},"mid":{"params":["n"],"body":[{"create_task":{"call":"leaf","args":["=n"]},"as":"t"},{"try":[{"await":{"task":"t"}}],"finally":[{"print":"mid {n} unwinds"}]}]},"top":{"params":[],"body":[{"try":[{"await":{"gather":[{"call":"mid","args":[1]},{"call":"leaf","args":[2]},{"gather":[{"call":"mid","args":[3]},{"call":"leaf","args":[4]}],"return_exceptions":true}]}}],"finally":[{"print":"top unwinds"}]}]},"early":{"params":[],"body":[{"create_task":{"call":"top","args":[]},"as":"t"},{"sleep":0},{"cancel":"t"},{"print":"early cancelled top after its first step"}]}},"main":[{"create_task":{"call":"top","args":[]},"as":"t"},{"run_until_complete":{"sleep":1}},{"cancel":"t"},{"run_until_complete":{"sleep":1}},{"print":"--"},{"run_until_complete":{"call":"early","args":[]}},{"run_until_complete":{"sleep":1}}]}',
    'a12-double-cancel-gather':
        '{"format":"coroscope-scenario/1","name":"a12","coroutines":{"kid":{"params":["n"],"body":[{"repeat":3,"var":"i","body":[{"try":[{"sleep":"=n"}],"except":[{"type":"CancelledError","body":[{"print":"kid {n} swallow #{i} at {now}"}]}]}]},{"return":"=n"}]},"w":{"params":[],"body":[{"try":[{"await":{"gather":[{"call":"kid","args":[2]},{"call":"kid","args":[3]}],"return_exceptions":true},"as":"r"},{"print":"w got {r}"}],"except":[{"type":"CancelledError","as":"e","body":[{"print":"w cancelled {[e]} at {now}"}]}]},{"return":"w"}]}},"main":[{"create_task":{"call":"w","args":[]},"as":"t"},{"run_until_complete":{"sleep":1}},{"cancel":"t"},{"run_until_complete":{"sleep":1}},{"cancel":"t"},{"cancel":"t"},{"run_until_complete":{"task":"t"},"as":"x"},{"print":"main {x} {now}"}]}',
    'g01-awaitable-cancel-finally-yield':
        '{"format":"coroscope-scenario/1","name":"g01","awaitables":{"spin":{"params":["bad"],"body":[{"try":[{"repeat":null,"body":[{"yield":null}]}],"finally":[{"print":"spin finally, bad={bad}"},{"if":"=bad","then":[{"yield":"oops","as":"z"},{"print":"after bad yield {z}"}],"else":[{"yield":null,"as":"z"},{"print":"after good yield {z}"}]},{"return":"spin-ret"}]}]}},"coroutines":{"w":{"params":["bad"],"body":[{"try":[{"await":{"awaitable":"spin","args":["=bad"]},"as":"r"},{"print":"w got {r}"}],"except":[{"type":"BaseException","as":"e","body":[{"print":"w caught {[e]}"}]}]},{"return":"=bad"}]}},"main":[{"create_task":{"call":"w","args":[false]},"as":"a"},{"create_task":{"call":"w","args":[true]},"as":"b"},{"run_until_complete":{"sleep":0}},{"cancel":"a"},{"cancel":"b"},{"run_until_complete":{"sleep":0}},{"run_until_complete":{"sleep":0}},{"run_until_complete":{"sleep":0}},{"task_result":"a","as":"x"},{"print":"a {x}"},{"task_result":"b","as":"x"},{"print":"b {x}"}]}',
}
# Prints that answer.md's transcript must write so that it grades 100
# (testers' round 4, g/): a print "1 x" before a print "x" at the same
# time; a carriage return, a blank print, padding; a multi-line print
# whose lines look like a comment and a time.
TRICKY_SCENARIOS = {
    'r4-collide':
        '{"format":"coroscope-scenario/1","name":"collide","coroutines":{"w":{"params":[],"body":[{"sleep":1},{"print":"1 x"},{"print":"x"},{"print":"main done"},{"print":"done"},{"sleep":1},{"print":"tick"},{"sleep":1},{"print":"tick"},{"print":"tick"}]}},"main":[{"run_until_complete":{"call":"w","args":[]}},{"print":"main done"},{"print":"done"}]}',
    'r4-odd':
        '{"format":"coroscope-scenario/1","name":"odd","coroutines":{"w":{"params":[],"body":[{"print":"#1 wins"},{"print":"   "},{"print":"  padded  "},{"print":"two\\nlines\\n\\nend"},{"sleep":1},{"print":"tab\\there"},{"print":"cr\\rhere"},{"print":"\u00e9"},{"print":"1,5 ratio"},{"print":"t=1"},{"print":"1"},{"print":"esc\\u001b[0m"}]}},"main":[{"run_until_complete":{"call":"w","args":[]}}]}',
    'r4-mainblk':
        '{"format":"coroscope-scenario/1","name":"mainblk","coroutines":{"s":{"params":["d","n"],"body":[{"print":"{n} start"},{"sleep":"=d"},{"print":"{n} woke at {now}"}]},"bad":{"params":[],"body":[{"sleep":0.5},{"raise":"KeyError","message":"k"}]},"blocker":{"params":[],"body":[{"print":"blocker in"},{"block":0.25},{"block":0.25},{"block":0.5},{"print":"blocker out"},{"block":0.5}]}},"main":[{"print":"before loop"},{"create_task":{"call":"s","args":[0.3,"X"]}},{"create_task":{"call":"s","args":[0.1,"Y"]}},{"create_task":{"call":"s","args":[0.2,"Z"]}},{"run_until_complete":{"sleep":0}},{"block":0.5},{"print":"main blocked"},{"run_until_complete":{"sleep":0}},{"print":"after second ruc"},{"create_task":{"call":"blocker","args":[]}},{"create_task":{"call":"s","args":[0.1,"W"]}},{"try":[{"run_until_complete":{"call":"bad","args":[]}}],"except":[{"type":"KeyError","as":"e","body":[{"print":"ruc raised {e}"}]}]},{"print":"end"}]}',
    'r4-mainblk2':
        '{"format":"coroscope-scenario/1","name":"mb2","coroutines":{"t":{"params":[],"body":[{"print":"t runs"},{"block":0.5},{"stop_loop":true},{"print":"t after stop"},{"sleep":1},{"print":"t woke"}]}},"main":[{"block":1},{"block":2},{"print":"main first"},{"create_task":{"call":"t","args":[]}},{"run_forever":true},{"block":0.25},{"print":"main after rf"},{"run_forever":true},{"print":"main end"}]}',
    'r4-multiline':
        '{"format":"coroscope-scenario/1","name":"ml","coroutines":{"w":{"params":[],"body":[{"sleep":2},{"print":"results:\\n# 1 first\\n2 second"},{"print":"second"}]}},"main":[{"run_until_complete":{"call":"w","args":[]}}]}',
}
# a phrase the answer of some of them must hold
SAYS = {
    "r4-mainblk": "and the loop reached it in the ready queue at t=2, after Task-6's step",
    "r4-mainblk2": "Its two time.sleep calls (1 and 2 s) before the print held main for 3 s in all",
    "q02-quiz-cancel-turned-valueerror": "the task it awaited, Task-1, ended with ValueError: refused at t=1",
    "q03-quiz-gather-finishes-later": "the gather it awaited ended with CancelledError at t=3",
    "a05-gather-done-cancel-1": "while the gather it awaited could not be cancelled",
    "a12-double-cancel-gather": "main called Task-1.cancel() at t=1; main called Task-1.cancel() at t=2 (twice)",
    "g01-awaitable-cancel-finally-yield": "while Task-1 awaited nothing",
}
# Sleeps whose delay, as when - now, has float noise (2.1 - 2): the
# sentence must give the delay the scenario wrote.
SLEEP_SCENARIOS = {
    'bug-quiz-sleep-delay':
        '{"format":"coroscope-scenario/1","name":"quiz-sleep-delay","source":["import asyncio","async def job():","    await asyncio.sleep(2)","    await asyncio.sleep(0.1)","    print(\\"done\\")","asyncio.run(job())"],"coroutines":{"job":{"params":[],"body":[{"sleep":2,"line":3},{"sleep":0.1,"line":4},{"print":"done","line":5}]}},"main":[{"asyncio_run":{"call":"job","args":[]},"line":6}]}',
    '01-famine-ticker':
        '{"format":"coroscope-scenario/1","name":"famine-ticker","title":"Famine: a blocking compute delays a ticker","source":["import asyncio","import time","","async def ticker():","    for i in range(4):","        print(f\\"tick {i} at {loop.time():.1f}\\")","        await asyncio.sleep(0.3)","","async def compute(n):","    for i in range(n):","        time.sleep(0.5)          # blocking: nobody else runs","        print(f\\"computed {i} at {loop.time():.1f}\\")","    await asyncio.sleep(0)","    print(\\"compute yielded once\\")","","loop = asyncio.get_event_loop()","t1 = asyncio.ensure_future(ticker())","t2 = asyncio.ensure_future(compute(3))","loop.run_until_complete(t1)","print(f\\"done at {loop.time():.1f}\\")"],"coroutines":{"ticker":{"params":[],"body":[{"repeat":4,"var":"i","line":5,"body":[{"print":"tick {i} at {now:.1f}","line":6},{"sleep":0.3,"line":7}]}]},"compute":{"params":["n"],"body":[{"repeat":"=n","var":"i","line":10,"body":[{"block":0.5,"line":11},{"print":"computed {i} at {now:.1f}","line":12}]},{"sleep":0,"line":13},{"print":"compute yielded once","line":14}]}},"main":[{"create_task":{"call":"ticker","args":[]},"as":"t1","line":17},{"create_task":{"call":"compute","args":[3]},"as":"t2","line":18},{"run_until_complete":{"task":"t1"},"line":19},{"print":"done at {now:.1f}","line":20}]}',
    '11-run-teardown':
        '{"format":"coroscope-scenario/1","name":"run-teardown","title":"asyncio.run cancels what main leaves behind","source":["import asyncio","","async def background(name):","    try:","        while True:","            print(f\\"{name} beats at {asyncio.get_running_loop().time()}\\")","            await asyncio.sleep(0.75)","    finally:","        print(f\\"{name} stops\\")","        await asyncio.sleep(0.1)","        print(f\\"{name} stopped\\")","","async def main():","    asyncio.ensure_future(background(\\"A\\"))","    asyncio.ensure_future(background(\\"B\\"))","    await asyncio.sleep(2)","    print(\\"main fails\\")","    raise RuntimeError(\\"main gave up\\")","","asyncio.run(main())","print(\\"never printed\\")"],"coroutines":{"background":{"params":["name"],"body":[{"try":[{"repeat":null,"line":5,"body":[{"print":"{name} beats at {now}","line":6},{"sleep":0.75,"line":7}]}],"line":4,"finally":[{"print":"{name} stops","line":9},{"sleep":0.1,"line":10},{"print":"{name} stopped","line":11}]}]},"main":{"params":[],"body":[{"create_task":{"call":"background","args":["A"]},"line":14},{"create_task":{"call":"background","args":["B"]},"line":15},{"sleep":2,"line":16},{"print":"main fails","line":17},{"raise":"RuntimeError","message":"main gave up","line":18}]}},"main":[{"asyncio_run":{"call":"main","args":[]},"line":20},{"print":"never printed","line":21}]}',
}
# time.sleep calls in one step, several before a print (testers' round 3)
BLOCK_SCENARIOS = {
    "bug-quiz-block": json.dumps({
        "format": "coroscope-scenario/1", "name": "quiz-block",
        "coroutines": {"job": {"params": [], "body": [
            {"repeat": 3, "var": "i", "body": [{"block": 0.5}, {"print": "step {i}"}]},
            {"repeat": 3, "body": [{"block": 0.5}]}, {"print": "three blocks"},
            {"block": 0.1}, {"block": 0.2}, {"print": "two blocks"},
            {"sleep": 1}, {"block": 0.25}, {"block": 0.25}, {"print": "after a sleep"}]}},
        "main": [{"asyncio_run": {"call": "job", "args": []}}]}),
}
SAYS["bug-quiz-block"] = ("Its three time.sleep(0.5) calls since its previous print held the "
                          "whole loop for 1.5 s in all.")

# main's send() returns a yield, raises StopIteration, then RuntimeError
SEND_SCENARIOS = {
    "07-send-ask": json.dumps({
        "format": "coroscope-scenario/1", "name": "send-ask",
        "awaitables": {"Ask": {"params": ["q"], "body": [
            {"yield": "=q", "as": "answer"}, {"print": "got {answer} for {q}"}, {"return": "=answer"}]}},
        "coroutines": {
            "add": {"params": [], "body": [{"await": {"awaitable": "Ask", "args": ["first?"]}, "as": "a"},
                                           {"await": {"awaitable": "Ask", "args": ["second?"]}, "as": "b"},
                                           {"return": "=a + b"}]},
            "total": {"params": [], "body": [{"await": {"call": "add", "args": []}, "as": "s"},
                                             {"print": "sum is {s}"}, {"return": "=s * 2"}]},
            "boom": {"params": [], "body": [{"raise": "ValueError", "message": "no"}]}},
        "main": [{"coroutine": {"call": "total", "args": []}, "as": "c"},
                 {"send": "c", "value": None, "as": "q"}, {"print": "loop received {q}"},
                 {"send": "c", "value": 3, "as": "q"}, {"print": "loop received {q}"},
                 {"try": [{"send": "c", "value": 4}], "except": [
                     {"type": "StopIteration", "as": "stop", "body": [{"print": "finished with {stop.value}"}]}]},
                 {"try": [{"send": "c", "value": None}], "except": [
                     {"type": "RuntimeError", "as": "e", "body": [{"print": "again: {e}"}]}]},
                 {"coroutine": {"call": "boom", "args": []}, "as": "d"},
                 {"try": [{"send": "d", "value": None}], "except": [
                     {"type": "ValueError", "as": "e", "body": [{"print": "boom: {e}"}]}]}]}),
}
SAYS["07-send-ask"] = ("its last send() raised RuntimeError: cannot reuse already awaited coroutine: "
                       "send() itself refused")

FAILS = []
CHECKED = [0]
T = r"(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)"


def close(a, b):
    return abs(float(a) - float(b)) < 1e-6


def sleep_constants(node):
    """The constant delays of the sleeps anywhere in a scenario's JSON."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "sleep" and isinstance(v, (int, float)) and not isinstance(v, bool):
                yield float(v)
            yield from sleep_constants(v)
    elif isinstance(node, list):
        for v in node:
            yield from sleep_constants(v)


class Run:
    """The trace of one run, with helpers to look claims up."""

    def __init__(self, corosim, path):
        out = subprocess.run([corosim, "run", path, "--trace", "-"], capture_output=True,
                             text=True, check=True).stdout
        self.ev = [json.loads(l) for l in out.splitlines()]
        self.names = {e["task"]: e["text"] for e in self.ev if e["kind"] == "task_new"}
        self.ids = {v: k for k, v in self.names.items()}
        with open(path, encoding="utf-8") as f:
            self.sleeps = set(sleep_constants(json.load(f)))
        self.steps = []                     # (task, begin seq, end seq)
        open_ = {}
        for e in self.ev:
            if e["kind"] == "step_begin":
                open_[e["task"]] = e["seq"]
            elif e["kind"] == "step_end":
                self.steps.append((e["task"], open_.pop(e["task"]), e["seq"]))

    def who(self, seq):
        """The task whose step holds event seq, or main."""
        for task, b, e in self.steps:
            if b < seq < e:
                return self.names[task]
        return "main"

    def find(self, kind, **kw):
        return [e for e in self.ev if e["kind"] == kind and
                all(close(e[k], v) if k in ("t", "x") else e[k] == v for k, v in kw.items())]

    def in_asyncio_run(self, seq):
        """Whether the last loop run begun before event seq is an
        asyncio.run that has not ended."""
        for e in reversed(self.ev[:seq]):
            if e["kind"] == "run_end":
                return False
            if e["kind"] == "run_begin":
                return e["a"] == 2          # SIM_RUN_ASYNCIO
        return False

    # what a cancel() does between the cancels of one chain
    CANCEL_EFFECTS = ("future_done", "ready_push", "timer_cancel", "queue_unwait")

    def cancel_chain(self, seq):
        """The tasks of the run of cancel events that starts at seq (one
        cancel() call and the cancels it passed on, with what each of them
        did in between)."""
        tasks = []
        for e in self.ev[seq:]:
            if e["kind"] == "cancel":
                tasks.append(e["task"])
            elif e["kind"] not in self.CANCEL_EFFECTS:
                break
        return tasks

    def chain_start(self, seq):
        """The first cancel event of the chain the cancel at seq is in."""
        first = seq
        for e in reversed(self.ev[:seq]):
            if e["kind"] == "cancel":
                first = e["seq"]
            elif e["kind"] not in self.CANCEL_EFFECTS:
                break
        return first

    def ev_at(self, seq):
        return next(e for e in self.ev if e["seq"] == seq)

    def step_of(self, seq):
        for task, b, e in self.steps:
            if b < seq < e:
                return task, b, e
        return None


NUMBER = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10}


def verify_blocked(run, p, claim, prev_print):
    """The claim about the time.sleep calls of the print's step since its
    previous print (or the step's beginning): each call as it was made."""
    st = run.step_of(p["seq"])
    since = prev_print["seq"] if prev_print and st and st[1] < prev_print["seq"] else st[1] if st else 0
    blocks = [e["x"] for e in run.ev if e["kind"] == "block" and since < e["seq"] < p["seq"]]
    when = "since its previous print" if since != (st[1] if st else 0) else "in this step before the print"
    held, tail = "the whole loop", ""
    if p["task"] == -1:                 # main's calls since main's previous print
        before = [e["seq"] for e in run.ev if e["kind"] == "print" and e["task"] == -1
                  and e["seq"] < p["seq"]]
        since = before[-1] if before else -1
        blocks = [e["x"] for e in run.ev if e["kind"] == "block" and e["task"] == -1
                  and since < e["seq"] < p["seq"]]
        when = "since its previous print" if before else "before the print"
        held, tail = "main", ", no loop running"
    m = re.fullmatch(rf" Its time\.sleep\({T}\) held {held} for {T} s before the print{tail}\.", claim)
    if m:
        ok = blocks == [float(m.group(1))] and close(m.group(1), m.group(2))
        return None if ok else "time.sleep claim false"
    m = re.fullmatch(rf" Its (\w+) time\.sleep(\({T}\) calls| calls \(([^)]*) s\)| calls) (.*) held "
                     rf"{held} for {T} s in all{tail}\.", claim)
    if not m:
        return "unknown time.sleep claim: " + claim
    n = NUMBER.get(m.group(1)) or int(m.group(1))
    ok = len(blocks) == n and close(sum(blocks), m.group(6)) and m.group(5) == when
    if m.group(3):
        ok = ok and all(close(b, m.group(3)) for b in blocks)
    if m.group(4):
        ok = ok and [float(x) for x in re.split(r", | and ", m.group(4))] == blocks
    return None if ok else "time.sleep claim false"


def blockers_in(run, lo, hi, after, inside=False):
    """The steps between events lo and hi that blocked the loop (time.sleep)
    and ended after time after: (task name, [seconds of each call]); inside:
    the step in progress at lo too, with its calls after lo."""
    out = []
    for task, b, e in run.steps:
        blocks = [x["x"] for x in run.ev if x["kind"] == "block" and max(b, lo) < x["seq"] < e]
        if (lo < b or (inside and lo < e)) and e < hi and run.ev_at(e)["t"] > after + 1e-9 and blocks:
            out.append((run.names[task], blocks))
    return out


BLOCKER = re.compile(rf"(\S+)'s step \((time\.sleep\({T}\)|(\w+) time\.sleep\({T}\) calls|"
                     rf"time\.sleep calls, {T} s in all)\)")


def verify_blockers(run, text, lo, hi, after, inside=False):
    """Does text name the steps that blocked the loop between events lo and
    hi, each with its time.sleep calls? None when it does."""
    want = blockers_in(run, lo, hi, after, inside)
    got = BLOCKER.findall(text)
    more = re.search(r" and (\d+) other steps that blocked$", text)
    if len(got) + (int(more.group(1)) if more else 0) != len(want) or not want:
        return f"blockers claim false: {text!r}, the trace has {want}"
    for (name, _, one, n, each, total), (wname, blocks) in zip(got, want):
        ok = name == wname
        if one:
            ok = ok and blocks == [float(one)]
        elif each:
            ok = ok and len(blocks) == (NUMBER.get(n) or int(n)) and all(close(b, each) for b in blocks)
        else:
            ok = ok and close(sum(blocks), total)
        if not ok:
            return f"blocker claim false: {name}'s step, the trace has {wname} {blocks}"
    return None


def verify_timer(run, push, st, me, rest):
    """The claims of a resume after an asyncio.sleep, against the trace:
    when its timer fired (TIMER_POP), late or not, and what held the loop
    past when it was due; when its callback ran (the READY_POP of the timer
    handle) and which steps ran ahead of it; and which steps queued ahead of
    the task's own step blocked the loop before it."""
    after = [e for e in run.ev if e["seq"] > push["seq"] and e["a"] == push["a"]]
    pop = next((e for e in after if e["kind"] == "timer_pop"), None)
    cb = next((e for e in after if e["kind"] == "ready_pop" and pop and e["seq"] > pop["seq"]), None)
    begin = run.ev_at(st[1])
    if not pop or not cb or pop["seq"] > begin["seq"]:
        return "timer claim false: it never fired before the step"
    prev_end = max(e for k, b, e in run.steps if k == st[0] and e < st[1])
    stopped = lambda lo, hi: any(e["kind"] == "run_end" and lo < e["seq"] < hi for e in run.ev)
    late = pop["t"] > push["x"] + 1e-6
    slow, wait = cb["t"] > pop["t"] + 1e-6, begin["t"] > cb["t"] + 1e-6
    m = re.match(rf"(was due at t={T} but fired late, at t={T}: (.*?) until then|came due at t={T}|"
                 rf"fired at t={T}|fired)(, and its callback ran at t={T}, (when the loop ran again|"
                 rf"after (.*?)))?(; {me} was then ready, but (the loop was not running until t={T}|"
                 rf"waited until t={T} behind (.*)))?$", rest)
    if not m:
        return "unknown timer claim: " + rest
    if late != bool(m.group(2)) or (slow and not late) != bool(m.group(5)) \
            or bool(m.group(6)) != (wait and not late and not slow) or slow != bool(m.group(7)) \
            or wait != bool(m.group(11)):
        return f"timer claim false: fired {pop['t']} (due {push['x']}), callback {cb['t']}, step {begin['t']}"
    if late:
        if not close(m.group(2), push["x"]) or not close(m.group(3), pop["t"]):
            return "lateness claim false"
        cause = m.group(4)
        if stopped(prev_end, pop["seq"]) != (cause == "the loop was not running"):
            return "lateness cause false"
        if cause not in ("the loop was not running", "the loop was busy"):
            err = verify_blockers(run, cause[:-len(" held the loop")], prev_end, pop["seq"], push["x"])
            if err or not cause.endswith(" held the loop"):
                return err or "lateness cause: " + cause
    for num in (m.group(5), m.group(6)):
        if num and not close(num, pop["t"]):
            return "firing time claim false"
    if slow:
        if not close(m.group(8), cb["t"]) or (m.group(9) == "when the loop ran again") != \
                stopped(pop["seq"], cb["seq"]):
            return "callback claim false"
        if m.group(10) and m.group(10) != "the callbacks ahead of it in the ready queue":
            err = verify_blockers(run, m.group(10).removesuffix(" ahead of it in the ready queue"),
                                  pop["seq"], cb["seq"], pop["t"])
            if err:
                return err
    if wait:
        if stopped(cb["seq"], begin["seq"]) != bool(m.group(13)):
            return "waiting claim false: the loop was or was not running"
        if not close(m.group(13) or m.group(14), begin["t"]):
            return "waiting claim false: the time"
        if m.group(15) and m.group(15) != "the callbacks ahead of it in the ready queue":
            err = verify_blockers(run, m.group(15).removesuffix(" ahead of it in the ready queue"),
                                  cb["seq"], begin["seq"], cb["t"])
            if err:
                return err
    return None


def verify(run, p, sentence, prev_print):
    """Is the sentence about print event p true? Returns an error or None.
    A trailing claim about time.sleep is checked first, then the rest."""
    m = re.search(r" Its (\w+ )?time\.sleep.*$", sentence)
    if m:
        err = verify_blocked(run, p, m.group(0), prev_print)
        if err:
            return err
        sentence = sentence[:m.start()]
    elif p["task"] == -1 and any(e["kind"] == "block" and e["task"] == -1 and e["seq"] < p["seq"]
                                 and e["seq"] > max([q["seq"] for q in run.ev if q["kind"] == "print"
                                                     and q["task"] == -1 and q["seq"] < p["seq"]],
                                                    default=-1) for e in run.ev):
        return "main's time.sleep calls since its previous print are not told"
    elif "time.sleep" in sentence and "bare yield" not in sentence and "timer set at" not in sentence \
            and "runs its first step" not in sentence:
        return "unknown time.sleep claim"
    return verify_main_claim(run, p, sentence, prev_print)


def verify_main_claim(run, p, sentence, prev_print):
    """The first sentence: why the print runs at that moment."""
    task = p["task"]
    me = run.names.get(task, "main")
    st = run.step_of(p["seq"])
    m = re.match(rf"{me} runs its first step at t={T}: (\S+) created it at t={T}", sentence)
    if m:
        news = run.find("task_new", task=task, t=m.group(3))
        earlier = [s for s in run.steps if s[0] == task and s[1] < st[1]]
        if not news or run.who(news[0]["seq"]) != m.group(2) or earlier:
            return "creation claim false"
        # begun later than created: the steps that held the loop meanwhile
        late = re.search(rf"reached it in the ready queue at t={T}, after (.*)\.$", sentence)
        if (late is not None) != (run.ev_at(st[1])["t"] > news[0]["t"] + 1e-6):
            return "first-step delay claim false"
        if late and not close(late.group(1), run.ev_at(st[1])["t"]):
            return "first-step time false"
        if late and late.group(2) != "the loop had run what was ahead of it":
            err = verify_blockers(run, late.group(2).removesuffix(" held the loop"),
                                  news[0]["seq"], st[1], news[0]["t"], inside=True)
            if err:
                return err
        return None if close(m.group(1), run.ev_at(st[1])["t"]) else "time of the step"
    m = re.match(rf"{me} resumes at t={T} because its asyncio.sleep\({T}\) timer set at t={T} "
                 rf"(.*)\.$", sentence)
    if m:
        t, d, since = (float(x) for x in m.groups()[:3])
        pushes = run.find("timer_push", task=task, t=since, x=since + d)
        if not pushes or not close(t, run.ev_at(st[1])["t"]):
            return "timer claim false"
        given = [k for k in run.sleeps if pushes[0]["t"] + k == pushes[0]["x"]]
        if given and d not in given:    # the scenario's delay, not when - now
            return f"sleep delay {m.group(2)} is not the one given, {given[0]!r}"
        return verify_timer(run, pushes[0], st, me, m.group(4))
    m = re.match(rf"{me} resumes at t={T} because its await (\w+)\.(get|put)\(\), waiting since "
                 rf"t={T}.* (got the item (\S+) put|when (\S+) took an item) at t={T}", sentence)
    if m:
        kind = "queue_put" if m.group(3) == "get" else "queue_get"
        waiter = m.group(6) or m.group(7)
        waits = run.find("queue_wait", task=task, t=m.group(4), b=int(m.group(3) == "put"))
        acts = [e for e in run.find(kind, t=m.group(8)) if run.who(e["seq"]) == waiter]
        return None if waits and acts else "queue claim false"
    m = re.match(rf"{me} resumes at t={T} because its bare yield to the loop at t={T} ", sentence)
    if m:
        prev_step = [s for s in run.steps if s[0] == task and s[2] < st[1]][-1]
        end = run.ev_at(prev_step[2])
        ok = end["a"] == 1 and close(end["t"], m.group(2)) and close(run.ev_at(st[1])["t"], m.group(1))
        return None if ok else "sleep(0) claim false"
    m = re.match(rf"{me} resumes at t={T} because the task it awaited since t={T}, (\S+), "
                 rf"finished at t={T}", sentence)
    if m:
        done = run.find("task_done", task=run.ids.get(m.group(3)), t=m.group(4))
        return None if done else "task-done claim false"
    if re.match(rf"{me} resumes at t={T} because (asyncio.run\(\) cancelled|\S+ called \S+\.cancel)",
                sentence):
        return verify_cancel(run, st, me, sentence)
    m = re.match(rf"{me} resumes at t={T} because the loop throws (.+) into it where it waited "
                 rf"since t={T}", sentence)
    if m:
        b = run.ev_at(st[1])
        if b["a"] != 1 or b["text"] != m.group(2):
            return "thrown-in claim false"
        why = sentence[m.end():]
        prev = [s for s in run.steps if s[0] == task and s[2] < st[1]]
        yielded = [e["text"] for e in run.ev if e["kind"] == "yield" and e["task"] == task
                   and prev and prev[-1][1] < e["seq"] < prev[-1][2]]
        if why.startswith(": the gather it awaited failed with it."):
            return None if yielded and "_GatheringFuture" in yielded[-1] else "gather-failed claim false"
        t2 = re.match(rf": the task it awaited, (\S+), (ended with it|was cancelled) at t={T}\.", why)
        if t2:
            done = run.find("task_done", task=run.ids.get(t2.group(1)), t=t2.group(3))
            state = 2 if t2.group(2) == "ended with it" else 3
            ok = done and done[0]["a"] == state and yielded and t2.group(1) in yielded[-1]
            return None if ok else "awaited-task-ended claim false"
        return None if why.startswith(".") else "thrown-in claim: unknown reason " + why
    m = re.match(rf"{me} resumes at t={T} because the gather it awaited since t={T} completed",
                 sentence)
    if m:
        return None if run.find("future_done", b=1) else "gather claim false"
    m = re.match(rf"{me} resumes at t={T} because what it awaited since t={T} completed\.",
                 sentence)
    if m:  # the generic form: a step of this task ended then, and this one begins now
        t, since = float(m.group(1)), float(m.group(2))
        ev = {e["seq"]: e for e in run.ev}
        mine = [(ev[b]["t"], ev[e]["t"]) for k, b, e in run.steps if k == task]
        ok = any(close(a[1], since) and close(b[0], t) for a, b in zip(mine, mine[1:]))
        return None if ok else "awaited-since claim false"
    m = re.match(rf"Nothing holds the coroutine (\S+) any more \({re.escape(me)}'s frame let go",
                 sentence)
    if m:
        # a close inside the step: the step's last throw is a GeneratorExit
        # into the coroutine whose statement runs now
        begin = max(b for k, b, e in run.steps if k == task and run.ev[b]["seq"] < p["seq"])
        inside = [e for e in run.ev[begin:] if e["seq"] < p["seq"] and e["task"] == task]
        throws = [e for e in inside if e["kind"] == "throw"]
        stmts = [e for e in inside if e["kind"] == "stmt"]
        fns = [e["text"] for e in run.ev if e["kind"] == "frame_push" and throws
               and e["coro"] == throws[-1]["coro"] and e["c"] == 0]
        ok = throws and throws[-1]["text"] == "GeneratorExit" and stmts \
            and stmts[-1]["coro"] == throws[-1]["coro"] and fns[:1] == [m.group(1)]
        return None if ok else "task close claim false"
    if sentence.startswith(f"{me} is still in the same step"):
        ends = [s for s in run.steps if s[0] == task and prev_print and
                prev_print["seq"] < s[2] < p["seq"]]
        return None if prev_print and prev_print["task"] == task and not ends else "same-step false"
    m = re.match(rf"Main prints after (\S+) (returned|raised (\w+)) at t={T}", sentence)
    if m:
        ends = [i for i, e in enumerate(run.ev) if e["kind"] == "run_end" and e["seq"] < p["seq"]]
        how = ["loop.run_until_complete()", "loop.run_forever()", "asyncio.run()"]
        end = run.ev[ends[-1]] if ends else None
        after = run.ev[ends[-1] + 1] if ends else None
        raised = after is not None and after["kind"] == "raise" and after["task"] == -1 \
            and after["coro"] == -1
        ok = task == -1 and end and how[end["a"]] == m.group(1) and close(end["t"], m.group(4))
        if m.group(3):
            ok = ok and raised and after["text"].split(":")[0] == m.group(3)
        else:
            ok = ok and not raised
        return None if ok else "run-returned/raised claim false"
    if sentence.startswith("Main prints at t=") and "after driving a coroutine by hand" in sentence:
        return verify_after_send(run, p, sentence)
    if sentence.startswith("Main prints at t=") and "before the loop runs" in sentence:
        begun = [e for e in run.ev if e["kind"] == "run_begin" and e["seq"] < p["seq"]]
        return None if task == -1 and not begun else "before-the-loop claim false"
    m = re.match(r"Nothing holds the coroutine (\S+) any more \(main let go", sentence)
    if m:
        # a close: main's last throw (GeneratorExit) came after main's own last
        # statement, into the coroutine whose statement runs now
        mine = [e for e in run.ev if e["seq"] < p["seq"] and e["task"] == -1
                and (e["kind"] == "throw" or (e["kind"] == "stmt" and e["coro"] == -1))]
        stmts = [e for e in run.ev if e["kind"] == "stmt" and e["task"] == -1 and e["seq"] < p["seq"]]
        fns = [e["text"] for e in run.ev if e["kind"] == "frame_push" and stmts
               and e["coro"] == stmts[-1]["coro"] and e["c"] == 0]
        ok = task == -1 and mine and mine[-1]["kind"] == "throw" \
            and mine[-1]["text"] == "GeneratorExit" and stmts and stmts[-1]["coro"] == mine[-1]["coro"] \
            and fns[:1] == [m.group(1)]
        return None if ok else "close claim false: main threw no GeneratorExit into it"
    m = re.match(r"Main drives the coroutine (\S+) by hand", sentence)
    if m:
        stmts = [e for e in run.ev if e["kind"] == "stmt" and e["task"] == -1 and e["seq"] < p["seq"]]
        coro = stmts[-1]["coro"] if stmts else -1
        fns = [e["text"] for e in run.ev if e["kind"] == "frame_push" and e["coro"] == coro
               and e["c"] == 0]
        held = re.search(r"\(send/throw, the one in (\S+)\)", sentence)
        binds = [e["text"] for e in run.ev if e["kind"] == "coro_bind" and e["coro"] == coro]
        if held and binds[:1] != [held.group(1)]:
            return "hand-driving claim false: not the coroutine's variable"
        last = [e for e in run.ev if e["seq"] < p["seq"] and e["task"] == -1
                and e["kind"] in ("send", "throw")]
        if last and last[-1]["kind"] == "throw" and last[-1]["text"] == "GeneratorExit" \
                and last[-1]["coro"] == coro:
            return "hand-driving claim false: main is closing it, not sending"
        return None if task == -1 and coro >= 0 and fns and fns[0] == m.group(1) \
            else "hand-driving claim false"
    return "unknown sentence form"


CALLER = (rf"(?:asyncio\.run\(\) cancelled the tasks its main coroutine left pending at t={T}|"
          rf"(\S+) called (\S+)\.cancel\(\) at t={T}(, and the cancel was passed on to \S+ through "
          rf"what \S+ was awaiting)?)")


def clause_cancels(run, me, clause):
    """The cancel events of task me that a canceller clause describes:
    asyncio.run's cleanup, a cancel() call on me, or one passed on to me
    from the call on another task."""
    task = run.ids.get(me, -1)
    m = re.fullmatch(CALLER, clause)
    if not m:
        return []
    if m.group(1) is not None:
        return [e for e in run.find("cancel", task=task, t=m.group(1)) if e["loop"] == 0
                and run.who(e["seq"]) == "main" and run.in_asyncio_run(e["seq"])]
    who, on, t, passed = m.group(2), m.group(3), m.group(4), m.group(5)
    if not passed:
        return [e for e in run.find("cancel", task=task, t=t) if on == me
                and run.who(e["seq"]) == who and run.chain_start(e["seq"]) == e["seq"]]
    if passed != f", and the cancel was passed on to {me} through what {on} was awaiting":
        return []
    found = []
    for e in run.find("cancel", task=run.ids.get(on), t=t):
        if run.who(e["seq"]) != who or run.chain_start(e["seq"]) != e["seq"] or on == me:
            continue
        i = run.ev.index(e)
        for f in run.ev[i:]:
            if f["kind"] == "cancel" and f["task"] == task:
                found.append(f)
            elif f["kind"] != "cancel" and f["kind"] not in run.CANCEL_EFFECTS:
                break
    return found


def verify_cancel(run, st, me, sentence):
    """A resumption explained by cancels of the task: one that cancelled
    the future it waited on (b = 1, its wakeup thrown CancelledError), one
    that only set _must_cancel (b = 0), or ones passed on to the task or
    gather it awaited, which then ended (the task resumes with that end)."""
    begin = run.ev_at(st[1])
    prev = [s for s in run.steps if s[0] == st[0] and s[2] < st[1]][-1]
    between = lambda e: prev[2] < e["seq"] < st[1]
    m = re.fullmatch(rf"{me} resumes at t={T} because ({CALLER}), so CancelledError is thrown in "
                     r"where it waited\.", sentence)
    if m:   # the cancel reached the future the task waited on
        c = [e for e in clause_cancels(run, me, m.group(2)) if between(e) and e["b"] == 1]
        return None if c and begin["text"] == "CancelledError" else "cancel claim false"
    m = re.fullmatch(rf"{me} resumes at t={T} because ({CALLER}) during its own step, which set "
                     r"_must_cancel: (when the step then awaited, the loop cancelled what it "
                     r"awaited, so CancelledError is thrown in where it waited|the step ended in a "
                     r"bare yield, so CancelledError is thrown in at its next step)\.", sentence)
    if m:   # a cancel of itself in its step: the future it then awaited is cancelled
        c = [e for e in clause_cancels(run, me, m.group(2)) if prev[1] < e["seq"] < prev[2]
             and e["b"] == 0]
        fut = [e for e in run.ev if e["kind"] == "future_done" and e["c"] == 3 and c
               and c[0]["seq"] < e["seq"] < prev[2]]
        bare = run.ev_at(prev[2])["a"] == 1
        ok = c and (bare if m.group(8).startswith("the step ended") else fut)
        return None if ok and begin["text"] == "CancelledError" else "self-cancel claim false"
    m = re.fullmatch(rf"{me} resumes at t={T} because ({CALLER}) (.*), so that cancel\(\) only "
                     r"set _must_cancel: CancelledError is thrown in at its next step instead\.",
                     sentence)
    if m:
        c = [e for e in clause_cancels(run, me, m.group(2)) if between(e) and e["a"] == 1
             and e["b"] == 0]
        if not c or begin["text"] != "CancelledError":
            return "_must_cancel claim false: no such cancel"
        return verify_must_cancel(run, prev, st, me, c[0], m.group(8))
    m = re.fullmatch(rf"{me} resumes at t={T} because (.*); {me}\.cancel\(\) passed (it|each) on to "
                     rf"what {me} awaited instead of cancelling {me}: (.*) at t={T}, so {me} resumes "
                     rf"with that(: (.+) is thrown in where it waited since t={T}\.| result: the "
                     rf"cancel never reached {me} itself\.)", sentence)
    if m:
        fwd = [e for e in run.ev if e["kind"] == "cancel" and e["task"] == st[0] and between(e)
               and e["a"] == 1 and e["b"] == 1]
        told = []
        for clause in m.group(2).split("; "):
            n = re.search(r" \((twice|(\d+) times)\)$", clause)
            clause = clause[:n.start()] if n else clause
            times = 1 if not n else 2 if n.group(1) == "twice" else int(n.group(2))
            cs = [e["seq"] for e in clause_cancels(run, me, clause) if e in fwd]
            if len(cs) < times:
                return "passed-on cancel claim false: " + clause
            told += cs[:times]
        if sorted(set(told)) != [e["seq"] for e in fwd] or (m.group(3) == "each") != (len(fwd) > 1):
            return "passed-on cancel claim false: not the cancels passed on"
        if (m.group(7) is not None) != (begin["a"] == 1) or (m.group(7) and m.group(7) != begin["text"]):
            return "passed-on cancel claim false: not what was thrown in"
        return verify_awaited_end(run, prev, st, m.group(4), m.group(5), begin)
    return "unknown cancel sentence: " + sentence


def verify_must_cancel(run, prev, st, me, c, why):
    """Why the cancel c only set _must_cancel: the task awaited nothing,
    what it awaited had completed before, or (a gather whose children had
    all finished) could not be cancelled and completed later."""
    done = ("timer_pop", "task_done", "future_done")
    m = re.fullmatch(rf"while {me} awaited nothing \(its bare yield at t={T} had put its next step "
                     r"in the ready queue\)", why)
    if m:
        end = run.ev_at(prev[2])
        return None if end["a"] == 1 and close(end["t"], m.group(1)) else "bare-yield claim false"
    m = re.fullmatch(rf"after what it awaited had already completed at t={T}", why)
    if m:
        ok = [e for e in run.ev if e["kind"] in done and prev[2] < e["seq"] < c["seq"]
              and close(e["t"], m.group(1))]
        return None if ok and run.ev_at(prev[2])["a"] != 1 else "already-completed claim false"
    m = re.fullmatch(rf"while the gather it awaited could not be cancelled \(its children had all "
                     rf"finished\) but had not completed yet; it completed at t={T}", why)
    if m:
        chain = []
        for f in run.ev[run.ev.index(c) + 1:]:
            if f["kind"] == "cancel":
                chain.append(f)
            elif f["kind"] not in run.CANCEL_EFFECTS:
                break
        later = [e for e in run.ev if e["kind"] == "future_done" and e["b"] == 1
                 and c["seq"] < e["seq"] < st[1] and close(e["t"], m.group(1))]
        ok = chain and all(f["a"] == 0 for f in chain) and later
        return None if ok else "gather-not-cancellable claim false"
    return "unknown _must_cancel reason: " + why


def verify_awaited_end(run, prev, st, what, t, begin):
    """'the task it awaited, X, was cancelled / ended with E / returned R'
    or 'the gather it awaited was cancelled / ended with E / completed' at
    t: the end event of what the previous step yielded, before this step."""
    yielded = [e["text"] for e in run.ev if e["kind"] == "yield" and e["task"] == st[0]
               and prev[1] < e["seq"] < prev[2]]
    m = re.fullmatch(r"the task it awaited, (\S+), (was cancelled|ended with (.+)|returned (.+))", what)
    if m:
        ends = [e for e in run.find("task_done", task=run.ids.get(m.group(1)), t=t)
                if e["seq"] < st[1]]
        state = 3 if m.group(2) == "was cancelled" else 2 if m.group(3) else 1
        ok = ends and ends[0]["a"] == state and (state == 3 or ends[0]["text"] == (m.group(3) or m.group(4)))
        ok = ok and yielded and f"name='{m.group(1)}'" in yielded[-1]
        return None if ok else "awaited-task end claim false"
    m = re.fullmatch(r"the gather it awaited (was cancelled|ended with (.+)|completed)", what)
    if m:
        ends = [e for e in run.find("future_done", b=1, t=t) if prev[2] < e["seq"] < st[1]]
        state = 3 if m.group(1) == "was cancelled" else 2 if m.group(2) else 1
        ok = ends and ends[-1]["c"] == state and (not m.group(2) or m.group(2) == begin["text"])
        ok = ok and yielded and "_GatheringFuture" in yielded[-1]
        return None if ok else "awaited-gather end claim false"
    return "unknown awaited end: " + what


def verify_after_send(run, p, sentence):
    """A print of main's after its last send() into a coroutine it drives
    by hand (no loop run begun since): what that send did, the first of
    these after it in the trace: the yield that came back up, the pop of
    the coroutine's bottom frame (at the send's depth: it may be awaited
    inline by a task; it returned, or an exception left it), or an
    exception raised in main (send() refused)."""
    m = re.fullmatch(rf"Main prints at t={T}, after driving a coroutine by hand: its last send\(\) "
                     r"(returned (.+), what the innermost yield gave up|ran the coroutine to its end: "
                     r"it returned (.+), so send\(\) raised StopIteration with that value|raised (.+?): "
                     r"(the exception left the coroutine, which is finished now|send\(\) itself "
                     r"refused, and none of the coroutine ran))\.", sentence)
    if not m or p["task"] != -1:
        return "unknown hand-driven print sentence"
    sends = [e for e in run.ev if e["kind"] == "send" and e["task"] == -1 and e["loop"] == 0
             and e["seq"] < p["seq"]]
    if not sends or any(e["kind"] == "run_begin" and sends[-1]["seq"] < e["seq"] < p["seq"]
                        for e in run.ev):
        return "hand-driven print claim false: no send since the last run"
    d = sends[-1]
    for e in run.ev[run.ev.index(d) + 1:]:
        if e["kind"] == "yield" and e["task"] == -1 and e["coro"] == d["coro"]:
            ok = m.group(3) == e["text"]
        elif e["kind"] == "frame_pop" and e["coro"] == d["coro"] and e["c"] == d["c"]:
            ok = (m.group(4) if e["a"] == 0 else m.group(5)) == e["text"] and \
                (e["a"] == 0 or m.group(6).startswith("the exception left"))
        elif e["kind"] == "raise" and e["task"] == -1 and e["coro"] == -1:
            ok = m.group(5) == e["text"] and m.group(6).startswith("send() itself refused")
        else:
            continue
        return None if ok else "hand-driven print claim false: not what the send did"
    return "hand-driven print claim false: the send never came back"


def ctrl_escaped(s):
    """A print's text as answer.md writes it: control characters but tab
    and new line as their escapes (\\r, \\x1b), as grade expects them."""
    def esc(c):
        o = ord(c)
        if c in "\t\n" or not (o < 0x20 or 0x7F <= o <= 0x9F):
            return c
        return "\\r" if c == "\r" else f"\\x{o:02x}"
    return "".join(esc(c) for c in s)


def check(corosim, name, says=None):
    path = name if name.endswith(".json") else os.path.join(ROOT, "scenarios", name + ".json")
    name = os.path.basename(path)
    with open(path, encoding="utf-8") as f:
        sc = json.load(f)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "new", "sheet")      # created with its parent
        r = subprocess.run([corosim, "quiz", path, "--out", out], capture_output=True, text=True)
        if r.returncode != 0:
            FAILS.append(f"{name}: exit {r.returncode}: {r.stderr}")
            return
        if sorted(os.listdir(out)) != ["answer.md", "question.md"]:
            FAILS.append(f"{name}: files {os.listdir(out)}")
        with open(os.path.join(out, "question.md"), encoding="utf-8") as f:
            question = f.read()
        with open(os.path.join(out, "answer.md"), encoding="utf-8") as f:
            answer = f.read()
        transcript = answer.split("```\n")[1]
        ans = os.path.join(tmp, "transcript.txt")
        with open(ans, "w", encoding="utf-8") as f:
            f.write(transcript)
        g = subprocess.run([corosim, "grade", path, ans], capture_output=True, text=True)
        if g.returncode != 0 or "100.00/100" not in g.stdout:
            FAILS.append(f"{name}: the answer's transcript does not grade 100:\n{g.stdout}")
        if says and says not in answer:
            FAILS.append(f"{name}: answer.md does not say {says!r}")
    if not sc.get("source"):
        expect_q = "(This scenario carries no Python listing.)"
        if expect_q not in question:
            FAILS.append(f"{name}: question.md does not say it has no listing")
    elif "\n".join(sc["source"]) not in question:
        FAILS.append(f"{name}: question.md lacks the listing")
    if "What is printed, and at which virtual time?" not in question:
        FAILS.append(f"{name}: question.md lacks the question")
    if "`t=1.5`" not in question or "`1.5 s`" not in question:
        FAILS.append(f"{name}: question.md does not give the accepted forms of a time")
    if not question.startswith("# " + sc.get("title", sc["name"])):
        FAILS.append(f"{name}: question.md has no title")
    run = Run(corosim, path)
    prints = [e for e in run.ev if e["kind"] == "print"]
    # a print's text is a code span (a longer fence when it holds
    # backticks; a new line inside it shown as U+23CE)
    found = re.findall(r"^(\d+)\. t=(\S+), (\S+): (`+)(.*?)\4\. (.*)$", answer, re.M)
    lines = [(num, t, who, (text[1:-1] if len(fence) > 1 else text).replace("\u23ce", "\n"),
              sentence) for num, t, who, fence, text, sentence in found]
    if len(lines) != len(prints):
        FAILS.append(f"{name}: {len(lines)} explained lines for {len(prints)} prints")
    prev = None
    for (num, t, who, text, sentence), p in zip(lines, prints):
        if not close(t, p["t"]) or text != ctrl_escaped(p["text"]) or who != run.names.get(p["task"], "main"):
            FAILS.append(f"{name} #{num}: header does not match the print {p}")
        err = verify(run, p, sentence, prev)
        CHECKED[0] += 1
        if err:
            FAILS.append(f"{name} #{num}: {err}: {sentence}")
        prev = p


def check_transcript(corosim, path):
    """Only the transcript of answer.md, graded against its own scenario:
    it must score 100 (for the scenarios whose sentences check() does not
    verify)."""
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run([corosim, "quiz", path, "--out", tmp], capture_output=True, text=True)
        if r.returncode != 0:
            FAILS.append(f"{path}: exit {r.returncode}: {r.stderr}")
            return
        with open(os.path.join(tmp, "answer.md"), encoding="utf-8") as f:
            transcript = f.read().split("```\n")[1]
        ans = os.path.join(tmp, "transcript.txt")
        with open(ans, "w", encoding="utf-8") as f:
            f.write(transcript)
        g = subprocess.run([corosim, "grade", path, ans], capture_output=True, text=True)
        if g.returncode != 0 or "100.00/100" not in g.stdout:
            FAILS.append(f"{os.path.basename(path)}: the answer's transcript does not grade "
                         f"100:\n{g.stdout}")


def check_usage(corosim):
    """--out needs a directory: missing, '-' or an existing file is exit 2
    with a message that says so, and nothing is written."""
    fork = os.path.join(ROOT, "scenarios", "08-fork.json")
    with tempfile.TemporaryDirectory() as tmp:
        afile = os.path.join(tmp, "afile")
        open(afile, "w").close()
        for args, want in ((["--out"], "--out needs a directory name"),
                           (["--out", "-"], "--out needs a directory name"),
                           (["--out", afile], "exists and is not a directory")):
            r = subprocess.run([corosim, "quiz", fork, *args], capture_output=True, text=True,
                               cwd=tmp)
            if r.returncode != 2 or want not in r.stderr:
                FAILS.append(f"quiz {args}: exit {r.returncode}: {r.stderr.strip()}")
        if sorted(os.listdir(tmp)) != ["afile"]:
            FAILS.append(f"quiz usage errors wrote {os.listdir(tmp)}")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    conformance = os.path.join(ROOT, "tests", "conformance")
    names = SCENARIOS + [os.path.join(ROOT, "tests", "grade", "quiz-markdown.json")] + sorted(os.path.join(conformance, f) for f in os.listdir(conformance)
                               if f.endswith(".json"))
    for name in names:
        check(sys.argv[1], name)
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in {**CANCEL_SCENARIOS, **SLEEP_SCENARIOS, **BLOCK_SCENARIOS,
                           **SEND_SCENARIOS, **TRICKY_SCENARIOS}.items():
            path = os.path.join(tmp, name + ".json")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            check(sys.argv[1], path, SAYS.get(name))
            names.append(name)
    bundled = os.path.join(ROOT, "scenarios")
    for f in sorted(os.listdir(bundled)):
        if f.endswith(".json") and f[:-5] not in SCENARIOS and f != "index.json":
            check_transcript(sys.argv[1], os.path.join(bundled, f))
    check_usage(sys.argv[1])
    print(f"{len(names)} scenarios, {CHECKED[0]} sentences checked")
    for f in FAILS:
        print("FAIL", f)
    print(f"{len(FAILS)} failures")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
