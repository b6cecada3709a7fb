#!/usr/bin/env python3
"""The course library is complete and presentable.

Every scenario file in scenarios/ is listed once in scenarios/index.json (in
file order, with the scenario's own name and title and a one-line summary),
has a title, a description of two to four sentences, a Python listing, an
expect block with at least prints and end, and a `line` on every statement
that points at a non-blank line of its listing.

usage: scenarios_library_test.py [SCENARIOS_DIR]
Prints one line per scenario and `N passed, N failed`; exits 1 on failure.
"""
import glob
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def statements(body):
    """Every statement of a body, nested ones included."""
    for s in body:
        yield s
        for key in ("then", "else", "body", "try", "finally"):
            if isinstance(s.get(key), list):
                yield from statements(s[key])
        for handler in s.get("except", []) if isinstance(s.get("except"), list) else []:
            yield from statements(handler.get("body", []))


def problems(path, entry):
    d = json.load(open(path, encoding="utf-8"))
    out = []
    if entry is None:
        return ["not listed in index.json"]
    if entry.get("name") != d.get("name") or entry.get("title") != d.get("title"):
        out.append("index.json name/title differ from the scenario's")
    if not entry.get("summary") or "\n" in entry["summary"]:
        out.append("index.json needs a one-line summary")
    if not d.get("title"):
        out.append("no title")
    sentences = len(re.findall(r"[.!?](\s|$)", d.get("description", "")))
    if not 2 <= sentences <= 4:
        out.append(f"description has {sentences} sentences, not 2 to 4")
    source = d.get("source", [])
    if not source:
        out.append("no source listing")
    bodies = [d["main"]] + [c["body"] for group in ("coroutines", "awaitables")
                            for c in d.get(group, {}).values()]
    for body in bodies:
        for s in statements(body):
            line = s.get("line")
            verb = next((k for k in s if k != "line"), "?")
            if not isinstance(line, int):
                out.append(f"a {verb!r} statement has no line")
            elif not 1 <= line <= len(source) or not source[line - 1].strip():
                out.append(f"a {verb!r} statement points at line {line}, not a listing line")
    expect = d.get("expect", {})
    for key in ("prints", "end"):  # tasks too, but window-100k's would be 100,002 lines
        if key not in expect:
            out.append(f"expect has no {key}")
    return out


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "scenarios")
    index = json.load(open(os.path.join(folder, "index.json"), encoding="utf-8"))
    entries = {e["file"]: e for e in index["scenarios"]}
    files = sorted(os.path.basename(p) for p in glob.glob(os.path.join(folder, "[0-9]*.json")))
    passed = failed = 0
    if [e["file"] for e in index["scenarios"]] != files:
        print("FAIL index.json: does not list the scenario files once each, in file order")
        failed += 1
    for name in files:
        found = problems(os.path.join(folder, name), entries.get(name))
        print(("FAIL " if found else "ok   ") + name + "".join("\n     " + p for p in found))
        failed += bool(found)
        passed += not found
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
