#!/usr/bin/env python3
"""Regenerate the generated tables of COVERAGE.md from the scenario files.

    python3 tests/conformance/coverage.py          # rewrite COVERAGE.md
    python3 tests/conformance/coverage.py --check  # exit 1 when it is stale

The tables "Scenarios", "Statement verbs", "Await targets", "Exception
types" and "Other features" are computed from tests/conformance/[1-9]NN-*.json
(statements, targets, except clauses and each file's expect block); every
other part of COVERAGE.md (the ranges, the notes under the exception table,
the rules, expressions and gaps) is kept as written by hand.
"""
import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
COVERAGE = os.path.join(HERE, "COVERAGE.md")

VERBS = ["print", "set", "sleep", "block", "await", "yield", "return", "raise", "try",
         "if", "repeat", "break", "create_task", "cancel", "call", "stop_loop",
         "queue_put_nowait", "queue_get_nowait", "run_until_complete", "run_forever",
         "asyncio_run", "new_loop", "task_result", "task_exception", "coroutine", "send",
         "drive"]
TARGETS = ["call", "awaitable", "task", "sleep", "gather", "queue_get", "queue_put"]
EXCEPTIONS = ["BaseException", "Exception", "KeyboardInterrupt", "CancelledError",
              "GeneratorExit", "ArithmeticError", "ZeroDivisionError", "LookupError",
              "KeyError", "IndexError", "RuntimeError", "ValueError", "TypeError",
              "NameError", "StopIteration", "QueueFull", "QueueEmpty", "TimeoutError"]
PLACES = ("main", "coroutine", "awaitable")
GENERATED = ["Scenarios", "Statement verbs", "Await targets", "Exception types",
             "Other features"]


class Scan:
    """What one scenario uses: (table, row, column) keys."""

    def __init__(self, sc):
        self.sc = sc
        self.keys = set()
        for name, fdef in sc.get("coroutines", {}).items():
            self.block(fdef.get("body", []), "coroutine")
        for name, fdef in sc.get("awaitables", {}).items():
            self.block(fdef.get("body", []), "awaitable")
        self.block(sc.get("main", []), "main")
        self.top()

    def add(self, *key):
        self.keys.add(key)

    def block(self, stmts, place):
        for s in stmts if isinstance(stmts, list) else []:
            self.statement(s, place)

    def statement(self, s, place):
        verb = next((k for k in VERBS if k in s), None)
        if verb is None:
            return
        self.add("verb", verb, place)
        getattr(self, "stmt_" + verb, lambda s, place: None)(s, place)
        self.values(s)

    def stmt_print(self, s, place):
        text = s["print"]
        if re.search(r"\{[^{}]*:\.\d+f\}", text):
            self.add("feature", "print {expr:.Nf}")
        if "{{" in text or "}}" in text:
            self.add("feature", "print {{ }} literal braces")
        self.names(text)

    def stmt_await(self, s, place):
        self.target(s["await"], "await")

    def stmt_run_until_complete(self, s, place):
        self.target(s["run_until_complete"], "run_until_complete")

    def stmt_yield(self, s, place):
        self.add("feature", "yield None (bare)" if s["yield"] is None else "yield a value")

    def stmt_raise(self, s, place):
        if s["raise"] is None:
            self.add("feature", "raise (bare re-raise)")
        else:
            self.add("exc", s["raise"], "raised")

    def stmt_try(self, s, place):
        self.block(s["try"], place)
        for h in s.get("except", []):
            types = h.get("type")
            if types is None:
                self.add("feature", "bare except")
            for t in types if isinstance(types, list) else [types] if types else []:
                self.add("exc", t, "caught")
            if isinstance(types, list):
                self.add("feature", "except (tuple of types)")
            self.block(h.get("body", []), place)
        if "finally" in s:
            self.add("feature", "try ... finally")
            self.block(s["finally"], place)

    def stmt_if(self, s, place):
        self.add("feature", "if with else" if s.get("else") else "if without else")
        self.block(s.get("then", []), place)
        self.block(s.get("else", []), place)

    def stmt_repeat(self, s, place):
        self.add("feature", "repeat null (while True)" if s["repeat"] is None else "repeat N")
        self.block(s.get("body", []), place)

    def stmt_create_task(self, s, place):
        kind = "an awaitable" if "awaitable" in s["create_task"] else "a coroutine"
        self.add("feature", "create_task of " + kind)

    def stmt_coroutine(self, s, place):
        kind = "an awaitable" if "awaitable" in s["coroutine"] else "a coroutine"
        self.add("feature", "coroutine of " + kind)

    def stmt_asyncio_run(self, s, place):
        self.add("feature", "asyncio_run of a coroutine")

    def stmt_send(self, s, place):
        self.add("feature", "send None" if s.get("value") is None else "send a value")

    def stmt_drive(self, s, place):
        policy = s.get("policy", "in_order")
        if policy == "random":
            seed = s.get("seed")
            policy += f" (seed {seed[1:] if isinstance(seed, str) else json.dumps(seed)})"
        self.add("feature", "drive, policy " + policy)

    def target(self, t, column):
        kind = next((k for k in TARGETS if k in t), None)
        if kind is None:
            return
        self.add("target", kind, column)
        if kind == "gather":
            if not t["gather"]:
                self.add("feature", "gather() with no argument")
            self.add("feature", "gather, return_exceptions=True" if t.get("return_exceptions")
                     else "gather, return_exceptions absent/false")
            for item in t["gather"]:
                self.target(item, "gather")

    def values(self, node):
        """Expressions anywhere in a statement: the builtins and .value."""
        if isinstance(node, dict):
            for key, v in node.items():
                if key not in ("body", "then", "else", "try", "except", "finally", "print"):
                    self.values(v)
        elif isinstance(node, list):
            for v in node:
                self.values(v)
        elif isinstance(node, str) and node.startswith("="):
            self.names(node[1:])

    def names(self, text):
        if re.search(r"(?<![\w.])now(?!\w)", text):
            self.add("feature", "builtin now")
        if re.search(r"(?<![\w.])task_name(?!\w)", text):
            self.add("feature", "builtin task_name")
        if re.search(r"\.value(?!\w)", text):
            self.add("feature", "attribute .value (StopIteration)")

    def top(self):
        sc = self.sc
        for key in ("max_steps", "max_time", "max_depth"):
            if key in sc.get("limits", {}):
                self.add("feature", "limits." + key)
        for q in sc.get("queues", {}).values():
            self.add("feature", f"queue maxsize {q.get('maxsize', 0)}")
        expect = sc.get("expect", {})
        end = expect.get("end")
        if end:
            self.add("feature", "end.status " + end["status"])
            if end.get("error") and end["status"] == "uncaught":
                self.add("exc", end["error"].split(":")[0], "in outcome")
        for t in expect.get("tasks", []):
            if t.get("exception"):
                self.add("exc", t["exception"].split(":")[0], "in outcome")
        for w in expect.get("warnings", []):
            self.add("feature", "warning " + w["kind"])
        if expect.get("interrupts"):
            self.add("feature", "interrupts recorded")


def load():
    """(number, stem, scenario, keys) for every scenario, by number."""
    out = []
    for path in sorted(glob.glob(os.path.join(HERE, "[1-9][0-9][0-9]-*.json"))):
        stem = os.path.basename(path)[:-5]
        with open(path, encoding="utf-8") as f:
            sc = json.load(f)
        out.append((stem.split("-")[0], stem, sc, Scan(sc).keys))
    return out


def having(rows, *key):
    nums = [num for num, _, _, keys in rows if key in keys]
    return ", ".join(nums) if nums else "—"


def tables(rows):
    """The generated sections, by title, as lists of lines."""
    sec = {}
    sec["Scenarios"] = ["| # | name | title |", "|---|---|---|"] + [
        f"| {num} | `{stem}` | {sc.get('title', '')} |" for num, stem, sc, _ in rows]
    sec["Statement verbs"] = ["| verb | in main | in a coroutine | in an awaitable |",
                              "|---|---|---|---|"] + [
        f"| `{v}` | " + " | ".join(having(rows, "verb", v, p) for p in PLACES) + " |"
        for v in VERBS]
    cols = ("await", "run_until_complete", "gather")
    sec["Await targets"] = ["| target | `await` | `run_until_complete` | inside `gather` |",
                            "|---|---|---|---|"] + [
        f"| `{t}` | " + " | ".join(having(rows, "target", t, c) for c in cols) + " |"
        for t in TARGETS]
    found = [k[1] for _, _, _, keys in rows for k in sorted(keys) if k[0] == "exc"]
    custom = []
    for name in found:
        if name not in EXCEPTIONS and name not in custom:
            custom.append(name)
    sec["Exception types"] = ["| type | raised | caught | in outcome |", "|---|---|---|---|"] + [
        f"| `{e}` | " + " | ".join(having(rows, "exc", e, c)
                                   for c in ("raised", "caught", "in outcome")) + " |"
        for e in EXCEPTIONS + custom]
    features = sorted({k[1] for _, _, _, keys in rows for k in keys if k[0] == "feature"})
    sec["Other features"] = ["| feature | scenarios |", "|---|---|"] + [
        f"| {f} | {having(rows, 'feature', f)} |" for f in features]
    return sec


def rewrite(text, sec):
    """COVERAGE.md with each generated section's table replaced."""
    out, lines, i = [], text.split("\n"), 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        title = next((t for t in GENERATED if line.startswith("## " + t)), None)
        i += 1
        if title is None:
            continue
        while i < len(lines) and not lines[i].startswith("|"):
            out.append(lines[i])
            i += 1
        while i < len(lines) and lines[i].startswith("|"):
            i += 1
        out += sec[title]
    return "\n".join(out)


def main(argv):
    with open(COVERAGE, encoding="utf-8") as f:
        old = f.read()
    new = rewrite(old, tables(load()))
    if "--check" in argv:
        if new != old:
            sys.stderr.write("COVERAGE.md is stale: run python3 tests/conformance/coverage.py\n")
            return 1
        return 0
    if new != old:
        with open(COVERAGE + ".tmp", "w", encoding="utf-8") as f:
            f.write(new)
        os.replace(COVERAGE + ".tmp", COVERAGE)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
