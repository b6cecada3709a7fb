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
SCENARIOS = ["01-gather-sleeps", "04-famine", "05-awaitable-protocol", "08-fork", "10-task-outcomes",
             "11-cancel", "12-producer-consumer", "13-queue-window", "14-countdown-vs-compute"]
FAILS = []
CHECKED = [0]
T = r"(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)"


def close(a, b):
    return abs(float(a) - float(b)) < 1e-6


class Run:
    """The trace of one run, with helpers to look claims up."""

    def __init__(self, corosim, path):
        out = subprocess.run([corosim, "run", path, "--trace", "-"], capture_output=True,
                             text=True, check=True).stdout
        self.ev = [json.loads(l) for l in out.splitlines()]
        self.names = {e["task"]: e["text"] for e in self.ev if e["kind"] == "task_new"}
        self.ids = {v: k for k, v in self.names.items()}
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


def verify(run, p, sentence, prev_print):
    """Is the sentence about print event p true? Returns an error or None.
    A trailing claim about time.sleep is checked first, then the rest."""
    m = re.search(rf" Its time.sleep calls blocked the whole loop for {T} s in this step "
                  r"before the print\.$", sentence)
    if m:
        st = run.step_of(p["seq"])
        blocks = [e["x"] for e in run.ev if e["kind"] == "block" and st and st[1] < e["seq"] < p["seq"]]
        if not blocks or not close(sum(blocks), m.group(1)):
            return "time.sleep claim false"
        sentence = sentence[:m.start()]
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
        return None if close(m.group(1), run.ev_at(st[1])["t"]) else "time of the step"
    m = re.match(rf"{me} resumes at t={T} because its asyncio.sleep\({T}\) timer set at t={T} "
                 rf"fired", sentence)
    if m:
        t, d, since = (float(x) for x in m.groups())
        pushes = run.find("timer_push", task=task, t=since, x=since + d)
        pops = [e for e in run.ev if e["kind"] == "timer_pop" and
                any(e["a"] == q["a"] for q in pushes)]
        due = re.search(rf"due at t={T}", sentence)
        if due and not (close(due.group(1), since + d) and t > since + d):
            return "lateness claim false"
        if due and pushes:
            stopped = any(e["kind"] == "run_end" and pushes[0]["seq"] < e["seq"] < st[1]
                          for e in run.ev)
            if stopped != ("the loop was not running" in sentence):
                return "lateness cause false"
        if not pushes or not pops or not close(t, run.ev_at(st[1])["t"]) or pops[0]["seq"] > st[1]:
            return "timer claim false"
        return None
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
    m = re.match(rf"{me} resumes at t={T} because asyncio.run\(\) cancelled the tasks its main "
                 rf"coroutine left pending at t={T}", sentence)
    if m:
        ok = [e for e in run.find("cancel", task=task, t=m.group(2))
              if e["loop"] == 0 and run.who(e["seq"]) == "main" and run.in_asyncio_run(e["seq"])]
        return None if ok else "asyncio.run cleanup claim false"
    m = re.match(rf"{me} resumes at t={T} because (\S+) called (\S+)\.cancel\(\) at t={T}, and "
                 rf"the cancel was passed on to {me} through what \3 was awaiting", sentence)
    if m:
        starts = [e for e in run.find("cancel", task=run.ids.get(m.group(3)), t=m.group(4))
                  if run.who(e["seq"]) == m.group(2)]
        ok = any(task in run.cancel_chain(e["seq"]) for e in starts)
        return None if ok else "passed-on cancel claim false"
    m = re.match(rf"{me} resumes at t={T} because (\S+) called (\S+)\.cancel\(\) at t={T}",
                 sentence)
    if m:
        c = [e for e in run.find("cancel", task=task, t=m.group(4)) if run.who(e["seq"]) == m.group(2)
             and run.chain_start(e["seq"]) == e["seq"]]   # its own call, not one passed on
        return None if c and m.group(3) == me else "cancel claim false"
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
        begun = [e for e in run.ev if e["kind"] == "run_begin" and e["seq"] < p["seq"]]
        sends = [e for e in run.ev if e["kind"] in ("send", "throw") and e["task"] == -1
                 and e["loop"] == 0 and e["seq"] < p["seq"]]
        return None if task == -1 and not begun and sends else "hand-driven print claim false"
    if sentence.startswith("Main prints at t=") and "before the loop runs" in sentence:
        begun = [e for e in run.ev if e["kind"] == "run_begin" and e["seq"] < p["seq"]]
        return None if task == -1 and not begun else "before-the-loop claim false"
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
        return None if task == -1 and coro >= 0 and fns and fns[0] == m.group(1) \
            else "hand-driving claim false"
    return "unknown sentence form"


def check(corosim, name):
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
    if not sc.get("source"):
        expect_q = "(This scenario carries no Python listing.)"
        if expect_q not in question:
            FAILS.append(f"{name}: question.md does not say it has no listing")
    elif "\n".join(sc["source"]) not in question:
        FAILS.append(f"{name}: question.md lacks the listing")
    if "What is printed, and at which virtual time?" not in question:
        FAILS.append(f"{name}: question.md lacks the question")
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
        if not close(t, p["t"]) or text != p["text"] or who != run.names.get(p["task"], "main"):
            FAILS.append(f"{name} #{num}: header does not match the print {p}")
        err = verify(run, p, sentence, prev)
        CHECKED[0] += 1
        if err:
            FAILS.append(f"{name} #{num}: {err}: {sentence}")
        prev = p


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
    check_usage(sys.argv[1])
    print(f"{len(names)} scenarios, {CHECKED[0]} sentences checked")
    for f in FAILS:
        print("FAIL", f)
    print(f"{len(FAILS)} failures")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
