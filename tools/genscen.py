"""Seeded random generator of small, tricky coroscope scenarios.

    python3 tools/genscen.py --seed S --count N --out DIR [--prefix P]

Writes N scenario files DIR/P-S-K.json (K = 0 .. N-1), each valid per the
scenario format (coroscope-scenario/1), meant to be run through the
differential tester:

    python3 tests/difftest/difftest.py DIR --corosim BUILD/corosim -j 2

The same seed always writes the same files. Scenarios aim at combinations
where a simulator of asyncio is easy to get wrong:

- cancellation landing while a task waits on a queue put/get, on a gather,
  on another task, or inside try/finally with awaits in the finally;
- nested gathers with return_exceptions mixing failures and cancellations;
- tasks created from inside tasks and awaited twice;
- run_until_complete / run_forever / stop_loop sequences across new_loop,
  and asyncio_run;
- coroutines driven by hand (send, drive with each policy and a seed) that
  await sleeps, queues and awaitables;
- exceptions raised in except and finally clauses; repeat/break with awaits;
- delays of 0, 1e-9 and 1e9, equal timer deadlines, queues of maxsize 1;
- max_steps and max_time limits hit in the middle of a run.

Four shapes are mixed: free scenarios (random bodies, random main
statements), calm ones (few raises, main as short runs with cancels between
them, then every task's result or exception read back) and cancel probes
(workers waiting on a queue, a nested gather, another task or a sleep,
cancelled once, twice or during a finally clause that awaits), and loop
sequences (run_until_complete, run_forever, stop_loop, new_loop and
asyncio_run in a random order over tasks of several loops).

Coroutine k only calls or spawns coroutines with a larger index, so no
scenario recurses without end; loops without end are cut by max_steps.

Expect some differences that are not divergences: the reprs of tasks and
queues inside exception messages (CPython's carry a source path, an
address and callbacks; the format leaves them unspecified), and which of
CPython's RecursionError messages a cancel cycle ends with.
"""
import argparse
import json
import os
import random

DELAYS = [0, 0, 0, 1e-9, 0.1, 0.5, 1, 1, 1, 2, 2, 3, 0.3, 1e9]
EXC_TYPES = ["ValueError", "KeyError", "ZeroDivisionError", "RuntimeError",
             "Boom", "CancelledError", "StopIteration", "KeyboardInterrupt",
             "GeneratorExit", "TimeoutError", "BaseException", "SystemExit"]
CATCH_TYPES = ["Exception", "ValueError", "CancelledError", "BaseException",
               ["ValueError", "KeyError"], "LookupError", "ArithmeticError"]
QUEUES = ["q", "r"]


class Gen:
    """State of one scenario being generated: the random source, the
    coroutine and awaitable names, and a counter for unique labels."""

    def __init__(self, rng):
        self.rng = rng
        self.ncoros = rng.randint(1, 4)
        self.coros = [f"c{i}" for i in range(self.ncoros)]
        self.awaitables = ["pause", "ask"]
        self.label = 0
        # A calm scenario raises seldom and runs main as a fixed sequence
        # of short runs and cancels, so that the cancels land mid-wait.
        self.calm = rng.random() < 0.5

    def pick(self, seq):
        return self.rng.choice(seq)

    def chance(self, p):
        return self.rng.random() < p

    def text(self, prefix):
        """A print statement with a unique label and the clock."""
        self.label += 1
        extra = self.pick(["", " {now}", " {task_name}", " {now} {task_name}"])
        return {"print": f"{prefix}{self.label}{extra}"}

    def delay(self):
        return self.pick(DELAYS)

    # ---- targets ---------------------------------------------------------

    def call_after(self, k):
        """A call of a coroutine with an index above k, or None."""
        later = self.coros[k + 1:]
        if not later:
            return None
        return {"call": self.pick(later), "args": [self.rng.randint(0, 3)]}

    def target(self, k, tasks, depth):
        """An awaitable target for coroutine k (k = -1 for main)."""
        choices = ["sleep", "queue_get", "queue_put", "awaitable"]
        call = self.call_after(k)
        if call:
            choices += ["call", "call"]
        if tasks:
            choices += ["task", "task", "task"]
        if depth < 2:
            choices += ["gather", "gather"]
        kind = self.pick(choices)
        if kind == "sleep":
            return {"sleep": self.delay()}
        if kind == "queue_get":
            return {"queue_get": self.pick(QUEUES)}
        if kind == "queue_put":
            return {"queue_put": self.pick(QUEUES), "value": self.rng.randint(0, 9)}
        if kind == "awaitable":
            if self.chance(0.5):
                return {"awaitable": "pause", "args": []}
            return {"awaitable": "ask", "args": [self.rng.randint(0, 9)]}
        if kind == "call":
            return call
        if kind == "task":
            return {"task": self.pick(tasks)}
        parts = [self.target(k, tasks, depth + 1)
                 for _ in range(self.rng.randint(0, 3))]
        return {"gather": parts, "return_exceptions": self.chance(0.5)}

    # ---- coroutine bodies ------------------------------------------------

    def body(self, k, depth, tasks, in_loop=False, in_except=False):
        """A list of statements for coroutine k; tasks are the task
        variable names in scope (globals from main and locals)."""
        out = []
        for _ in range(self.rng.randint(1, 4 if depth == 0 else 3)):
            out.append(self.stmt(k, depth, tasks, in_loop, in_except))
        return out

    def stmt(self, k, depth, tasks, in_loop, in_except):
        """One statement of coroutine k."""
        r = self.rng
        kinds = ["print", "sleep", "sleep", "await", "await", "await",
                 "cancel", "put_nowait", "get_nowait", "block"]
        if not self.calm or r.random() < 0.2:
            kinds += ["raise"]
        if depth < 2:
            kinds += ["try", "try", "try", "repeat", "if"]
        if self.call_after(k):
            kinds += ["create_task", "create_task"]
        if in_loop:
            kinds += ["break"]
        if in_except:
            kinds += ["reraise", "reraise"]
        kinds += ["return"] if r.random() < 0.3 else []
        kinds += ["stop"] if r.random() < 0.1 else []
        kinds += ["never"] if self.call_after(k) and r.random() < 0.1 else []
        kind = self.pick(kinds)
        if kind == "print":
            return self.text(f"c{k}.")
        if kind == "sleep":
            if self.calm and self.chance(0.3):
                return {"sleep": self.pick(["=n * 0.5", "=0.1 * n", "=n"])}
            return {"sleep": self.delay()}
        if kind == "block":
            return {"block": self.pick([0, 0.5, 1, 1e-9])}
        if kind == "await":
            st = {"await": self.target(k, tasks, 0)}
            if self.chance(0.5):
                st["as"] = "v"
                return {"try": [st, {"print": f"c{k} got {{v}}"}],
                        "except": [{"type": "BaseException", "as": "e",
                                    "body": [{"print": f"c{k} await: {{[e]}}"},
                                             {"raise": None}]}]}
            return st
        if kind == "raise":
            return {"raise": self.pick(EXC_TYPES), "message": self.pick(["", "m"])}
        if kind == "reraise":
            return {"raise": None}
        if kind == "cancel":
            if tasks:
                return {"cancel": self.pick(tasks)}
            return {"sleep": 0}
        if kind == "put_nowait":
            return {"queue_put_nowait": self.pick(QUEUES), "value": r.randint(0, 9)}
        if kind == "get_nowait":
            return {"queue_get_nowait": self.pick(QUEUES), "as": "g"}
        if kind == "break":
            return {"break": True}
        if kind == "return":
            return {"return": self.pick([1, "=now", "='x'", None, "=[1, now]"])}
        if kind == "stop":
            return {"stop_loop": True}
        if kind == "never":
            return self.call_after(k)
        if kind == "create_task":
            name = f"s{k}_{self.label}"
            self.label += 1
            st = {"create_task": self.call_after(k), "as": name}
            tasks.append(name)
            return st
        if kind == "repeat":
            n = self.pick([2, 3, None])
            body = self.body(k, depth + 1, tasks, True, in_except)
            if n is None:
                body.append({"if": "=i >= 2", "then": [{"break": True}]})
            return {"repeat": n, "var": "i", "body": body}
        if kind == "if":
            return {"if": self.pick(["=now > 0.5", "=task_name == 'Task-2'",
                                     "=True", "=False"]),
                    "then": self.body(k, depth + 1, tasks, in_loop, in_except),
                    "else": self.body(k, depth + 1, tasks, in_loop, in_except)}
        return self.try_stmt(k, depth, tasks, in_loop, in_except)

    def try_stmt(self, k, depth, tasks, in_loop, in_except):
        """try with except clauses and/or a finally that may await."""
        st = {"try": self.body(k, depth + 1, tasks, in_loop, in_except)}
        if self.chance(0.8):
            clauses = []
            n = self.rng.randint(1, 2)
            for j in range(n):
                c = {"body": self.body(k, depth + 1, tasks, in_loop, True)}
                bare = j == n - 1 and self.chance(0.15)
                if not bare:
                    c["type"] = self.pick(CATCH_TYPES)
                if not bare and self.chance(0.6):
                    c["as"] = "e"
                    c["body"].insert(0, {"print": f"c{k} caught {{[e]}}"})
                clauses.append(c)
            st["except"] = clauses
        if "except" not in st or self.chance(0.5):
            st["finally"] = [self.text(f"c{k} fin")] + \
                self.body(k, depth + 1, tasks, in_loop, in_except)
        return st

    # ---- main --------------------------------------------------------------

    def main(self):
        """main: create tasks, run the loop in several ways, cancel, drive."""
        r = self.rng
        out = []
        gtasks = []
        for i in range(self.nmain):
            name = f"t{i}"
            out.append({"create_task": {"call": self.pick(self.coros),
                                        "args": [i]}, "as": name})
            gtasks.append(name)
        if self.calm:
            return out + self.calm_main(gtasks)
        for _ in range(r.randint(1, 5)):
            out += self.main_stmt(gtasks)
        return out

    def calm_main(self, gtasks):
        """Short runs of the loop with cancels between them, then the
        tasks' results read back."""
        r = self.rng
        out = []
        for _ in range(r.randint(1, 4)):
            d = self.pick([0, 0.5, 1, 1.5, 2, 1e-9])
            out += self.guarded([{"run_until_complete": {"sleep": d}}])
            for _ in range(r.randint(0, 2)):
                if gtasks:
                    out.append({"cancel": self.pick(gtasks)})
            if self.chance(0.2):
                out += self.main_stmt(gtasks)
        if gtasks and self.chance(0.5):
            out += self.guarded([{"run_until_complete": {
                "gather": [{"task": t} for t in gtasks],
                "return_exceptions": self.chance(0.7)}, "as": "x"},
                {"print": "main all {x}"}])
        elif self.chance(0.5):
            out += [{"stop_loop": True}] if self.chance(0.3) else []
            out += [{"run_forever": True}, {"print": "main forever back {now}"}]
        for t in gtasks:
            verb = self.pick(["task_result", "task_exception"])
            out += self.guarded([{verb: t, "as": "x"},
                                 {"print": f"main {t} {{[x]}}"}])
        return out

    def guarded(self, stmts):
        """stmts in a try that prints what escaped them."""
        return [{"try": stmts,
                 "except": [{"type": "BaseException", "as": "e",
                             "body": [{"print": "main caught {[e]}"}]}]}]

    def drop(self, c):
        """Maybe let go of the coroutine in variable c: CPython closes a
        suspended one there and then (its finally blocks run)."""
        kind = self.pick(["keep", "none", "list", "rebind"])
        if kind == "none":
            return [{"set": c, "value": None}, {"print": "main dropped " + c}]
        if kind == "list":
            return [{"set": "held", "value": f"=[1, {c}]"}, {"set": c, "value": None},
                    {"print": "main holds it in a list"}, {"set": "held", "value": 0},
                    {"print": "main dropped the list"}]
        if kind == "rebind":
            return [{"coroutine": {"call": self.pick(self.coros),
                                   "args": [self.rng.randint(0, 3)]}, "as": c},
                    {"print": "main rebound " + c}]
        return []

    def main_stmt(self, gtasks):
        """A few main statements."""
        r = self.rng
        kind = self.pick(["ruc", "ruc", "ruc", "forever", "cancel", "stop",
                          "new_loop", "result", "exception", "run", "send",
                          "drive", "put_nowait", "get_nowait", "create",
                          "block", "half", "half", "call"])
        if kind == "call":
            return [{"call": self.pick(self.coros), "args": [r.randint(0, 3)]}]
        if kind == "half":
            # Sent by hand first, then handed to the loop (or twice to it).
            self.label += 1
            c = f"h{self.label}"
            out = [{"coroutine": {"call": self.pick(self.coros),
                                  "args": [r.randint(0, 3)]}, "as": c}]
            for _ in range(r.randint(0, 2)):
                out += self.guarded([{"send": c, "value": None, "as": "y"},
                                     {"print": "main sent, got {y}"}])
            if self.chance(0.5):
                out.append({"stop_loop": True})   # the task starts, then waits
            for _ in range(r.randint(1, 3)):
                tgt = {"task": c}
                if self.chance(0.4):
                    tgt = {"gather": [{"task": c}, {"task": c}],
                           "return_exceptions": self.chance(0.5)}
                out += self.guarded([{"run_until_complete": tgt, "as": "x"},
                                     {"print": "main half {x} {now}"}])
            return out + self.drop(c)
        if kind == "ruc":
            st = {"run_until_complete": self.target(-1, gtasks, 0), "as": "x"}
            return self.guarded([st, {"print": "main ruc {x} {now}"}])
        if kind == "forever":
            return [{"run_forever": True}, {"print": "main forever back {now}"}]
        if kind == "cancel":
            if gtasks:
                return [{"cancel": self.pick(gtasks)}]
            return []
        if kind == "stop":
            return [{"stop_loop": True}]
        if kind == "new_loop":
            return [{"new_loop": True}]
        if kind in ("result", "exception"):
            if not gtasks:
                return []
            verb = "task_result" if kind == "result" else "task_exception"
            return self.guarded([{verb: self.pick(gtasks), "as": "x"},
                                 {"print": f"main {kind} {{[x]}}"}])
        if kind == "run":
            st = {"asyncio_run": {"call": self.pick(self.coros),
                                  "args": [r.randint(0, 3)]}, "as": "x"}
            return self.guarded([st, {"print": "main run {x} {now}"}])
        if kind == "send":
            self.label += 1
            c = f"h{self.label}"
            out = [{"coroutine": {"call": self.pick(self.coros),
                                  "args": [r.randint(0, 3)]}, "as": c}]
            sends = [{"send": c, "value": self.pick([None, None, 5]), "as": "y"},
                     {"print": "main sent, got {y}"}]
            for _ in range(r.randint(1, 3)):
                out += self.guarded(list(sends))
            return out + self.drop(c)
        if kind == "drive":
            names = []
            out = []
            for _ in range(r.randint(1, 3)):
                self.label += 1
                c = f"h{self.label}"
                names.append(c)
                out.append({"coroutine": {"call": self.pick(self.coros),
                                          "args": [r.randint(0, 3)]}, "as": c})
            st = {"drive": names, "policy": self.pick(["in_order", "round_robin",
                                                       "random"]), "as": "x"}
            if st["policy"] == "random":
                st["seed"] = self.pick([0, 1, 7, 42, -3, "abc", 2.5])
            return out + self.guarded([st, {"print": "main drive {x}"}])
        if kind == "put_nowait":
            return self.guarded([{"queue_put_nowait": self.pick(QUEUES),
                                  "value": r.randint(0, 9)}])
        if kind == "get_nowait":
            return self.guarded([{"queue_get_nowait": self.pick(QUEUES), "as": "x"},
                                 {"print": "main got {x}"}])
        if kind == "block":
            return [{"block": self.pick([0, 1, 1e-9])}]
        name = f"t{len(gtasks)}"
        gtasks.append(name)
        return [{"create_task": {"call": self.pick(self.coros),
                                 "args": [len(gtasks)]}, "as": name}]

    # ---- focused templates -------------------------------------------------

    def probe_target(self, others):
        """What a probed worker waits on when the cancel lands."""
        kind = self.pick(["get", "put", "gather", "task", "sleep", "nested"])
        if kind == "get":
            return {"queue_get": "r"}
        if kind == "put":
            return {"queue_put": "q", "value": "=n"}
        if kind == "task" and others:
            return {"task": self.pick(others)}
        if kind in ("gather", "nested"):
            parts = [{"sleep": self.pick([0, 1, 2, "=n"])},
                     {"call": "leaf", "args": [self.rng.randint(0, 3)]}]
            if kind == "nested":
                parts.append({"gather": [{"call": "leaf", "args": [5]},
                                         {"queue_get": "r"}],
                              "return_exceptions": self.chance(0.5)})
            if others and self.chance(0.5):
                parts.append({"task": self.pick(others)})
            self.rng.shuffle(parts)
            return {"gather": parts, "return_exceptions": self.chance(0.5)}
        return {"sleep": self.pick([1, 2, "=n", 1e9])}

    def probe_handler(self):
        """What a probed worker does with its CancelledError."""
        body = [{"print": "w{n} cancelled {now}"}]
        if self.chance(0.4):
            body.append({"sleep": self.pick([0, 0.5, 1])})
        body.append(self.pick([{"raise": None}, {"raise": None},
                               {"return": "='swallowed'"},
                               {"raise": "ValueError", "message": "=n"},
                               {"print": "w{n} goes on"}]))
        return body

    def probe_finally(self):
        """A finally clause that awaits (where a second cancel can land)."""
        body = [{"print": "w{n} finally {now}"}]
        body.append(self.pick([{"sleep": self.pick([0, 0.5, 1])},
                               {"await": {"queue_put": "q", "value": "=n"}},
                               {"await": {"call": "leaf", "args": ["=n"]}},
                               {"queue_put_nowait": "r", "value": "=n"}]))
        body.append({"print": "w{n} finally done {now}"})
        if self.chance(0.2):
            body.append(self.pick([{"return": "='from finally'"},
                                   {"raise": "KeyError", "message": "f"}]))
        return body

    def probe_scenario(self):
        """Workers that wait on queues, gathers, tasks and sleeps, cancelled
        by main (once, twice, again during their finally clause)."""
        r = self.rng
        n = r.randint(2, 4)
        names = [f"t{i}" for i in range(n)]
        workers = {}
        for i in range(n):
            try_st = {"try": [{"print": "w{n} waits {now}"},
                              {"await": self.probe_target(names[:i]), "as": "v"},
                              {"print": "w{n} got {v} {now}"}]}
            if self.chance(0.8):
                try_st["except"] = [{"type": self.pick(["CancelledError",
                                                        "BaseException"]),
                                     "body": self.probe_handler()}]
            if "except" not in try_st or self.chance(0.6):
                try_st["finally"] = self.probe_finally()
            body = [try_st, {"return": "=n"}]
            if self.chance(0.3):
                body = [{"repeat": 2, "var": "i", "body": [try_st]},
                        {"return": "=n"}]
            workers[f"w{i}"] = {"params": ["n"], "body": body}
        workers["leaf"] = {"params": ["n"], "body": [
            {"sleep": self.pick([0, 1, "=n * 0.5"])},
            {"if": "=n == 2", "then": [{"raise": "ZeroDivisionError", "message": "leaf"}]},
            {"return": "=n * 10"}]}
        main = []
        if self.chance(0.6):
            main.append({"queue_put_nowait": "q", "value": "full"})
        for i in range(n):
            main.append({"create_task": {"call": f"w{i}", "args": [i]},
                         "as": names[i]})
        for _ in range(r.randint(1, 3)):
            d = self.pick([0, 0, 0.5, 1, 1.5, 2])
            main += self.guarded([{"run_until_complete": {"sleep": d}}])
            for _ in range(r.randint(1, 3)):
                main += self.pick([
                    [{"cancel": self.pick(names)}], [{"cancel": self.pick(names)}],
                    self.guarded([{"queue_put_nowait": "r", "value": "item"}]),
                    self.guarded([{"queue_get_nowait": "q", "as": "x"}])])
        main += self.guarded([{"run_until_complete": {
            "gather": [{"task": t} for t in names],
            "return_exceptions": self.chance(0.8)}, "as": "x"},
            {"print": "main all {x} {now}"}])
        for t in names:
            main += self.guarded([{self.pick(["task_result", "task_exception"]): t,
                                   "as": "x"}, {"print": f"main {t} {{[x]}}"}])
        return workers, main

    def loops_scenario(self):
        """run_until_complete, run_forever, stop_loop, new_loop and
        asyncio_run in a random order, over tasks of several loops."""
        r = self.rng
        coros = {
            "worker": {"params": ["n"], "body": [
                {"try": [{"print": "w{n} starts {now}"}, {"sleep": "=n * 0.5"},
                         {"print": "w{n} ends {now}"}],
                 "finally": [{"print": "w{n} finally {now}"},
                             {"sleep": self.pick([0, 0.5])}]},
                {"return": "=n"}]},
            "stopper": {"params": ["n"], "body": [
                {"sleep": "=n"}, {"print": "stopper {now}"}, {"stop_loop": True},
                {"sleep": self.pick([0, 1])}, {"print": "stopper after {now}"}]},
            "spawner": {"params": ["n"], "body": [
                {"create_task": {"call": "worker", "args": ["=n"]}, "as": "a"},
                {"create_task": {"call": "worker", "args": ["=n + 1"]}, "as": "b"},
                {"sleep": self.pick([0, 0.5, 1])},
                {"if": "=n == 2", "then": [{"stop_loop": True}]},
                {"return": "=n"}]},
        }
        main, tasks = [], []
        for k in range(r.randint(3, 7)):
            move = self.pick(["task", "task", "ruc", "ruc_task", "forever",
                              "stop", "new_loop", "run", "gather"])
            if move == "task" or (move in ("ruc_task", "gather") and not tasks):
                t = f"t{k}"
                tasks.append(t)
                main.append({"create_task": {"call": self.pick(
                    ["worker", "worker", "stopper", "spawner"]),
                    "args": [r.randint(0, 3)]}, "as": t})
            elif move == "ruc":
                main += self.guarded([{"run_until_complete": {
                    self.pick(["sleep", "sleep"]): self.pick([0, 0.5, 1, 2])}}])
            elif move == "ruc_task":
                main += self.guarded([{"run_until_complete": {"task": self.pick(tasks)},
                                       "as": "x"}, {"print": "main ruc {x} {now}"}])
            elif move == "gather":
                main += self.guarded([{"run_until_complete": {
                    "gather": [{"task": t} for t in tasks],
                    "return_exceptions": self.chance(0.7)}, "as": "x"},
                    {"print": "main all {x} {now}"}])
            elif move == "forever":
                main += self.guarded([{"run_forever": True},
                                      {"print": "main forever back {now}"}])
            elif move == "stop":
                main.append({"stop_loop": True})
            elif move == "new_loop":
                main.append({"new_loop": True})
            else:
                main += self.guarded([{"asyncio_run": {"call": self.pick(
                    ["spawner", "worker", "stopper"]), "args": [r.randint(0, 3)]},
                    "as": "x"}, {"print": "main run {x} {now}"}])
        for t in tasks:
            main += self.guarded([{"task_result": t, "as": "x"},
                                  {"print": f"main {t} {{[x]}}"}])
        return coros, main

    def scenario(self, name):
        """The whole scenario."""
        r = self.rng
        if self.chance(0.2):
            coros, main = self.loops_scenario()
            return {"format": "coroscope-scenario/1", "name": name,
                    "title": "generated (loops)", "coroutines": coros,
                    "main": main, "limits": {"max_steps": 20000}}
        if self.chance(0.35):
            coros, main = self.probe_scenario()
            sc = {"format": "coroscope-scenario/1", "name": name,
                  "title": "generated (cancel probe)", "coroutines": coros,
                  "queues": {"q": {"maxsize": 1}, "r": {"maxsize": 0}},
                  "main": main, "limits": {"max_steps": 20000}}
            if self.chance(0.2):
                sc["limits"] = {"max_steps": r.randint(10, 120)}
            return sc
        self.nmain = r.randint(0, 3)
        main_tasks = [f"t{i}" for i in range(self.nmain)]
        coros = {}
        for k, c in enumerate(self.coros):
            # Globals t0..t3 may be undefined when read: a NameError is
            # an outcome too, but keep most references to defined ones.
            tasks = list(main_tasks[:r.randint(0, self.nmain)])
            coros[c] = {"params": ["n"], "body": self.body(k, 0, tasks)}
        awaitables = {
            "pause": {"params": [], "body": [{"yield": None}]},
            "ask": {"params": ["a"], "body": [{"yield": None, "as": "b"},
                                              {"return": "=[a, b]"}]},
        }
        queues = {"q": {"maxsize": 1}, "r": {"maxsize": self.pick([0, 1, 2])}}
        sc = {"format": "coroscope-scenario/1", "name": name,
              "title": "generated", "coroutines": coros,
              "awaitables": awaitables, "queues": queues, "main": self.main()}
        if self.chance(0.3):
            sc["limits"] = {"max_steps": r.randint(5, 300)}
        elif self.chance(0.15):
            sc["limits"] = {"max_time": self.pick([0.5, 1, 2.5, 3])}
        else:
            sc["limits"] = {"max_steps": 20000}
        return sc


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--prefix", default="gen")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for k in range(a.count):
        rng = random.Random(f"{a.seed}-{k}")
        name = f"{a.prefix}-{a.seed}-{k}"
        sc = Gen(rng).scenario(name)
        with open(os.path.join(a.out, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(sc, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
