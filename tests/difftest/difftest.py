"""Differential tester: CPython 3.11 asyncio versus corosim, scenario by scenario.

    python3 difftest.py SCENARIO.json|DIR... [--corosim PATH] [options]

For each scenario: translate it to Python (scenario2py.py), run that program
under the virtual clock (vclock.py) in a subprocess to get CPython's outcome,
run `corosim run FILE --outcome OUT`, and compare the two outcomes (times
within 1e-6, everything else exactly). A scenario whose "expect" block
disagrees with CPython fails too. Ends with `N passed, N failed`; exits 1 on
any failure, 77 when there was no scenario at all.

Options:
  --cpython-only   print CPython's outcome JSON instead of comparing
  --write-expect   rewrite each scenario's "expect" with CPython's outcome
  --show-program   print each translated program first
  --timeout S      per run (default 120)      -j N   parallel runs
"""
import argparse
import concurrent.futures
import difflib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import scenario2py  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
TOLERANCE = 1e-6
OUTCOME_KEYS = ("format", "scenario", "prints", "tasks", "warnings",
                "interrupts", "end")
SKIPPED = 77


# ---- finding and running ----------------------------------------------------

def find_scenarios(args):
    """Scenario files named by args; a directory stands for its *.json
    files (sorted, without index.json)."""
    files = []
    for arg in args:
        if os.path.isdir(arg):
            names = sorted(n for n in os.listdir(arg)
                           if n.endswith(".json") and n != "index.json")
            files += [os.path.join(arg, n) for n in names]
        else:
            files.append(arg)
    return files


def default_corosim():
    """corosim on PATH, else build/corosim in the repository, else None."""
    found = shutil.which("corosim")
    if found:
        return found
    built = os.path.join(REPO, "build", "corosim")
    return built if os.path.exists(built) else None


STACK_BYTES = 1 << 30     # a scenario's max_depth may allow 100,000 levels


def big_stack():
    """Room on the C stack of the CPython runs (set here, inherited by each
    child) for deep recursion: CPython 3.11 takes about 400 bytes of it per
    awaited coroutine, and 8 MiB overflows near 20,000 levels, a crash
    instead of an outcome."""
    soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    want = STACK_BYTES if hard == resource.RLIM_INFINITY else min(STACK_BYTES, hard)
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_STACK, (want, hard))


def run_cpython(program, timeout):
    """Run a translated program; returns (outcome, None) or (None, error)."""
    env = dict(os.environ, PYTHONPATH=HERE, PYTHONDONTWRITEBYTECODE="1",
               PYTHONHASHSEED="0", PYTHONIOENCODING="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "scenario_program.py")
        with open(path, "w", encoding="utf-8") as f:
            f.write(program)
        try:
            proc = subprocess.run([sys.executable, path], env=env, cwd=tmp,
                                  capture_output=True, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, f"CPython run timed out after {timeout} s"
    try:
        return json.loads(proc.stdout), None
    except json.JSONDecodeError:
        return None, ("CPython run produced no outcome (exit "
                      f"{proc.returncode}):\n{proc.stderr.strip()}")


ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def without_addresses(value):
    """value with every " at 0x7f..." taken out of its strings: CPython's
    repr of a Queue names its address, which no simulator can reproduce
    (corosim prints the rest of that repr)."""
    if isinstance(value, str):
        return ADDRESS.sub("", value)
    if isinstance(value, list):
        return [without_addresses(v) for v in value]
    if isinstance(value, dict):
        return {k: without_addresses(v) for k, v in value.items()}
    return value


def cpython_outcome(path, timeout):
    """(program, outcome, error) for a scenario file, from real CPython."""
    try:
        program = scenario2py.translate_file(path)
    except (OSError, ValueError, scenario2py.ScenarioError) as exc:
        return None, None, f"cannot translate: {exc}"
    outcome, error = run_cpython(program, timeout)
    return program, without_addresses(outcome), error


def corosim_outcome(path, corosim, timeout):
    """(outcome, error) from `corosim run FILE --outcome OUT`."""
    if not corosim:
        return None, "corosim not found (give --corosim PATH)"
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "outcome.json")
        try:
            proc = subprocess.run([corosim, "run", path, "--outcome", out],
                                  capture_output=True, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, f"corosim timed out after {timeout} s"
        except OSError as exc:
            return None, f"cannot run corosim: {exc}"
        try:
            with open(out, encoding="utf-8") as f:
                return json.load(f), None
        except (OSError, json.JSONDecodeError) as exc:
            return None, (f"corosim gave no outcome (exit {proc.returncode}, "
                          f"{exc}):\n{proc.stderr.strip()}")


# ---- comparing --------------------------------------------------------------

def same(a, b):
    """Deep equality where numbers (only times, in an outcome) may differ by
    TOLERANCE; booleans and everything else must be equal."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= TOLERANCE
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def differing_keys(reference, other, keys=OUTCOME_KEYS):
    """Keys of `keys` (present in reference) where the two outcomes differ."""
    return [k for k in keys if k in reference
            and (k not in other or not same(reference[k], other[k]))]


def snap_times(reference, other):
    """A copy of `other` whose times equal the reference's when within
    TOLERANCE (pairing by position), so a text diff shows real changes only."""
    other = json.loads(json.dumps(other))
    for p, q in zip(reference.get("prints", []), other.get("prints", [])):
        if isinstance(q, dict) and close(p.get("t"), q.get("t")):
            q["t"] = p["t"]
    ref_i, oth_i = reference.get("interrupts", []), other.get("interrupts", [])
    for i, (p, q) in enumerate(zip(ref_i, oth_i)):
        if close(p, q):
            oth_i[i] = p
    ref_e, oth_e = reference.get("end"), other.get("end")
    if isinstance(ref_e, dict) and isinstance(oth_e, dict) \
            and close(ref_e.get("t"), oth_e.get("t")):
        oth_e["t"] = ref_e["t"]
    return other


def close(x, y):
    """Two times within TOLERANCE."""
    return isinstance(x, (int, float)) and isinstance(y, (int, float)) \
        and abs(x - y) <= TOLERANCE


def render(outcome, keys=OUTCOME_KEYS):
    """An outcome as short readable lines, one per item, for diffs."""
    lines = []
    for key in keys:
        if key not in outcome:
            continue
        value = outcome[key]
        if isinstance(value, list):
            lines.append(f"{key}: ({len(value)})")
            lines += ["  " + one_line(item) for item in value]
        else:
            lines.append(f"{key}: {one_line(value)}")
    return lines


def one_line(value):
    """Compact single-line JSON."""
    return json.dumps(value, ensure_ascii=False)


def diff(reference, other, ref_name, other_name, keys=OUTCOME_KEYS):
    """A unified diff of two rendered outcomes (only the differing keys)."""
    bad = differing_keys(reference, other, keys)
    a = render(reference, bad)
    b = render(snap_times(reference, other), bad)
    return "\n".join(difflib.unified_diff(a, b, ref_name, other_name,
                                          lineterm="", n=2))


# ---- expect blocks ----------------------------------------------------------

def expect_of(outcome):
    """The outcome without format and scenario: what "expect" holds."""
    return {k: v for k, v in outcome.items() if k not in ("format", "scenario")}


def pretty(obj, indent=0):
    """JSON with one key per line and one list item per line (compact items)."""
    pad = " " * indent
    if isinstance(obj, dict) and obj:
        items = [f'{pad}  {json.dumps(k)}: {pretty_value(v, indent + 2)}'
                 for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    return one_line(obj)


def pretty_value(value, indent):
    """A dict value for pretty(): lists one item a line, the rest compact."""
    if isinstance(value, list) and value:
        pad = " " * indent
        items = [pad + "  " + one_line(v) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return one_line(value)


def top_level_spans(text):
    """{key: (value_start, value_end)} of a JSON object's top-level members,
    and the index of its closing brace."""
    dec, spans = json.JSONDecoder(), {}
    i = skip_ws(text, 0)
    if text[i] != "{":
        raise ValueError("not a JSON object")
    i = skip_ws(text, i + 1)
    while text[i] != "}":
        key, i = json.decoder.scanstring(text, i + 1)
        i = skip_ws(text, i)
        i = skip_ws(text, i + 1)            # the ':'
        _, end = dec.raw_decode(text, i)
        spans[key] = (i, end)
        i = skip_ws(text, end)
        if text[i] == ",":
            i = skip_ws(text, i + 1)
    return spans, i


def skip_ws(text, i):
    """Index of the next non-blank character."""
    while text[i] in " \t\r\n":
        i += 1
    return i


def kept_properties(text, outcome):
    """The expect properties (docs/FORMAT-EXTENSIONS.md section 1) a teacher
    wrote in the file's expect, to keep when it is rewritten: end_time and
    order as CPython has them (end_time set to CPython's end; an order
    CPython refutes dropped), max_concurrent as it is (only corosim's trace
    can check it). Returns (properties, notes on what changed)."""
    try:
        old = json.loads(text).get("expect") or {}
    except json.JSONDecodeError:
        return {}, []
    keep, notes = {}, []
    if "order" in old:
        if property_problems({"order": old["order"]}, outcome):
            notes.append(f"dropped expect's order {old['order']}: CPython prints otherwise")
        else:
            keep["order"] = old["order"]
    if "end_time" in old:
        keep["end_time"] = outcome["end"]["t"]
        if not close(outcome["end"]["t"], old["end_time"]):
            notes.append(f"end_time {old['end_time']} -> {outcome['end']['t']}")
    if "max_concurrent" in old:
        keep["max_concurrent"] = old["max_concurrent"]
    return keep, notes


def write_expect(path, outcome):
    """Replace (or add) the file's "expect" member, leaving the rest as is;
    returns notes on the properties kept (kept_properties)."""
    with open(path, encoding="utf-8-sig") as f:
        text = f.read()
    spans, close_brace = top_level_spans(text)
    props, notes = kept_properties(text, outcome)
    block = pretty({**expect_of(outcome), **props}, 2)
    if "expect" in spans:
        start, end = spans["expect"]
        text = text[:start] + block + text[end:]
    else:
        last_end = max(end for _, end in spans.values())
        text = (text[:last_end] + ',\n  "expect": ' + block + "\n"
                + text[close_brace:])
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return notes


def expect_problems(path, outcome):
    """A diff when the scenario's "expect" disagrees with CPython, else ''."""
    try:
        with open(path, encoding="utf-8-sig") as f:     # a BOM is allowed, as corosim allows it
            expect = json.load(f).get("expect")
    except (OSError, json.JSONDecodeError):
        return ""
    if not expect:
        return ""
    problems = property_problems(expect, outcome)
    keys = [k for k in OUTCOME_KEYS if k in expect]
    if differing_keys(expect, outcome, keys):
        problems.append("the scenario's expect disagrees with CPython "
                        "(regenerate it with --write-expect):\n"
                        + diff(expect, outcome, "expect", "cpython", keys))
    return "\n".join(problems)


def property_problems(expect, outcome):
    """The expect properties (docs/FORMAT-EXTENSIONS.md section 1) that
    CPython's outcome refutes: end_time and order. max_concurrent needs the
    trace, which only corosim has: `corosim check` checks it."""
    problems = []
    if "end_time" in expect and not close(outcome["end"]["t"], expect["end_time"]):
        problems.append(f"expect's end_time {expect['end_time']} but CPython ends at "
                        f"t={outcome['end']['t']}")
    if "order" in expect:
        texts = iter(p["text"] for p in outcome["prints"])
        if not all(any(t == want for t in texts) for want in expect["order"]):
            problems.append(f"expect's order {expect['order']} is not the order of "
                            "CPython's prints")
    return problems


# ---- one scenario, all scenarios ---------------------------------------------

def check(path, opts):
    """Run one scenario as asked; returns (ok, report text)."""
    program, cp, error = cpython_outcome(path, opts.timeout)
    shown = f"# ---- {path}\n{program}" if opts.show_program and program else ""
    out = [shown] if shown else []
    if error:
        return False, "\n".join(out + [f"FAIL {path}: {error}"])
    if opts.cpython_only:
        return True, "\n".join(out + [pretty(cp)])
    if opts.write_expect:
        notes = write_expect(path, cp)
        return True, "\n".join(out + [f"wrote expect: {path}"] + [f"  {n}" for n in notes])
    problems = []
    stale = expect_problems(path, cp)
    if stale:
        problems.append(stale)
    cs, error = corosim_outcome(path, opts.corosim, opts.timeout)
    if error:
        problems.append(error)
    elif differing_keys(cp, cs):
        problems.append("CPython and corosim differ:\n"
                        + diff(cp, cs, "cpython", "corosim"))
    if problems:
        out.append(f"FAIL {path}")
        out += ["  " + line for p in problems for line in p.split("\n")]
        return False, "\n".join(out)
    return True, "\n".join(out + [f"ok   {path}"])


def parse_args(argv):
    """Command-line options."""
    p = argparse.ArgumentParser(
        description="Compare corosim with CPython 3.11 asyncio on scenarios.")
    p.add_argument("scenarios", nargs="+", help="scenario files or folders")
    p.add_argument("--corosim", default=default_corosim(),
                   help="the corosim program (default: on PATH or build/)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--cpython-only", action="store_true",
                      help="print CPython's outcome instead of comparing")
    mode.add_argument("--write-expect", action="store_true",
                      help="rewrite each scenario's expect from CPython")
    p.add_argument("--show-program", action="store_true",
                   help="print the translated Python program")
    p.add_argument("--timeout", type=float, default=120.0,
                   help="seconds per run (default 120)")
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                   help="scenarios run in parallel")
    return p.parse_args(argv)


def main(argv):
    """Check every scenario; print the reports in order and a summary."""
    opts = parse_args(argv)
    big_stack()
    files = find_scenarios(opts.scenarios)
    if not files:
        print("no scenario files found: nothing to test")
        return SKIPPED
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max(1, opts.jobs)) as pool:
        for ok, report in pool.map(lambda f: check(f, opts), files):
            print(report, flush=True)
            failed += not ok
    if not (opts.cpython_only or opts.write_expect):
        print(f"{len(files) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
