"""Speed and memory of corosim against CPython 3.11 asyncio: the window scenario.

    python3 bench/window.py [-n 1000,10000,100000,1000000] [--cpython-max N]
                            [--corosim PATH] [--repeat K] [--no-trace]
                            [--jsonl] [--keep DIR]

For each N the scenario of scenarios/19-window-100k.json is generated with N
jobs: main takes one of 100 slots of a Queue(maxsize=100) before it starts a
job, job i sleeps 1 + i % 3 seconds and gives its slot back, a reporter counts
the finished jobs and prints every N/10 of them. Then

  - corosim runs it with the full event trace recorded in memory
    (`corosim run FILE --trace-stats --outcome OUT --quiet`): the trace is
    built exactly as the visualizer gets it, but not serialised; its size is
    read from the line --trace-stats prints (--no-trace: no trace at all,
    to see what recording it costs). --jsonl adds a second run that
    also writes the trace as JSON Lines to a file (`--trace FILE`), to show
    what the serialisation costs;
  - CPython runs the differential tester's translation of the same file
    (tests/difftest/scenario2py.py) under its virtual clock (vclock.py), as
    the tester does; skipped for N above --cpython-max;
  - the two outcomes (prints, tasks, warnings, interrupts, end) are compared
    with the tester's own comparison, so both did the same work.

Wall time is measured around each child process (load, run, outcome; the
best of --repeat runs for corosim, the slowest beside it: on a shared
machine the spread is wide); CPU time (user + system) and peak memory (maximum resident set size) are the child's as GNU time
(/usr/bin/time -f "%M %U %S") reports them. The ratios are CPython's time
over corosim's. Prints one table; exits 1 when an outcome differs, 2 on bad
usage or a failed run.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DIFFTEST = os.path.join(REPO, "tests", "difftest")
sys.path.insert(0, DIFFTEST)
import difftest  # noqa: E402
import scenario2py  # noqa: E402

DEFAULT_NS = (1_000, 10_000, 100_000, 1_000_000)
SLOTS = 100
TIME = "/usr/bin/time"          # GNU time: -f %M is the child's peak RSS in KiB
TRACE_STATS = re.compile(r"trace: (\d+) events \((\d+) bytes\), (\d+) strings "
                         r"\((\d+) bytes\)")


# ---- the scenario -------------------------------------------------------------

def window_source(n, every):
    """The Python listing of the scenario (what CPython would run by hand)."""
    return [
        "import asyncio",
        "",
        f"JOBS = {n}",
        f"slots = asyncio.Queue(maxsize={SLOTS})",
        "finished = asyncio.Queue()",
        "",
        "async def job(i):",
        "    await asyncio.sleep(1 + i % 3)",
        "    slots.get_nowait()",
        "    finished.put_nowait(i)",
        "",
        "async def reporter():",
        "    loop = asyncio.get_running_loop()",
        "    for count in range(1, JOBS + 1):",
        "        await finished.get()",
        f"        if count % {every} == 0:",
        '            print(f"{count} jobs done after {loop.time():.0f} s")',
        "",
        "async def main():",
        "    report = asyncio.create_task(reporter())",
        "    for i in range(JOBS):",
        "        await slots.put(i)",
        "        asyncio.create_task(job(i))",
        "    await report",
        '    print(f"all {JOBS} jobs done")',
        "",
        "asyncio.run(main())",
    ]


def window_scenario(n):
    """The coroscope-scenario/1 document for n jobs (no expect block)."""
    every = max(1, n // 10)
    reporter_loop = {
        "repeat": "=JOBS", "var": "k", "line": 14,
        "body": [
            {"await": {"queue_get": "finished"}, "line": 15},
            {"if": f"=(k + 1) % {every} == 0", "line": 16,
             "then": [{"print": "{k + 1} jobs done after {now:.0f} s",
                       "line": 17}]},
        ],
    }
    main_loop = {
        "repeat": "=JOBS", "var": "i", "line": 21,
        "body": [
            {"await": {"queue_put": "slots", "value": "=i"}, "line": 22},
            {"create_task": {"call": "job", "args": ["=i"]}, "line": 23},
        ],
    }
    return {
        "format": "coroscope-scenario/1",
        "name": f"window-{n}",
        "title": f"{n} jobs through a window of {SLOTS}",
        "source": window_source(n, every),
        "coroutines": {
            "job": {"params": ["i"], "body": [
                {"sleep": "=1 + i % 3", "line": 8},
                {"queue_get_nowait": "slots", "line": 9},
                {"queue_put_nowait": "finished", "value": "=i", "line": 10},
            ]},
            "reporter": {"params": [], "body": [reporter_loop]},
            "main": {"params": [], "body": [
                {"create_task": {"call": "reporter", "args": []},
                 "as": "report", "line": 20},
                main_loop,
                {"await": {"task": "report"}, "line": 24},
                {"print": "all {JOBS} jobs done", "line": 25},
            ]},
        },
        "queues": {"slots": {"maxsize": SLOTS}, "finished": {"maxsize": 0}},
        "main": [
            {"set": "JOBS", "value": n, "line": 3},
            {"asyncio_run": {"call": "main", "args": []}, "line": 27},
        ],
        # about 7 statements a job and 2 virtual seconds per 100 jobs
        "limits": {"max_steps": 20 * n + 1000, "max_time": n + 1000.0},
    }


# ---- running a child ------------------------------------------------------------

def run_child(argv, env=None, cwd=None):
    """Run argv to its end; returns (wall seconds, peak RSS in bytes, exit
    status, stdout, stderr, CPU seconds: user + system). The peak and the
    CPU time come from /usr/bin/time, which forks
    the child from its own small image: a child forked from this Python would
    inherit its resident size in ru_maxrss (the maximum survives exec)."""
    with tempfile.TemporaryDirectory() as tmp:
        rss_path = os.path.join(tmp, "maxrss")
        out_path, err_path = (os.path.join(tmp, n) for n in ("out", "err"))
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            start = time.perf_counter()
            rc = subprocess.call([TIME, "-f", "%M %U %S", "-o", rss_path] + argv,
                                 stdout=out, stderr=err, env=env, cwd=cwd)
            wall = time.perf_counter() - start
        with open(rss_path, encoding="utf-8") as f:
            maxrss, user, system = f.read().split()[-3:]
        with open(out_path, "rb") as out, open(err_path, "rb") as err:
            return (wall, int(maxrss) * 1024, rc,
                    out.read().decode("utf-8", "replace"),
                    err.read().decode("utf-8", "replace"),
                    float(user) + float(system))


def run_corosim(corosim, path, tmp, opts):
    """corosim with the trace in memory (without any with --no-trace), best
    of --repeat runs; with --jsonl also one run writing the trace as JSON
    Lines. Returns a dict."""
    outcome_path = os.path.join(tmp, "corosim-outcome.json")
    argv = [corosim, "run", path, "--quiet", "--outcome", outcome_path]
    if not opts.no_trace:
        argv.append("--trace-stats")
    best, slowest = None, 0.0
    for _ in range(opts.repeat):
        wall, rss, rc, _, err, cpu = run_child(argv)
        if rc != 0:
            raise RuntimeError(f"corosim exited {rc}:\n{err.strip()}")
        slowest = max(slowest, wall)
        if best is None or wall < best[0]:
            best = (wall, rss, err, cpu)
    stats = TRACE_STATS.search(best[2])
    if not stats and not opts.no_trace:
        raise RuntimeError(f"corosim printed no trace size:\n{best[2].strip()}")
    with open(outcome_path, encoding="utf-8") as f:
        result = {"wall": best[0], "slowest": slowest, "rss": best[1],
                  "cpu": best[3], "outcome": json.load(f)}
    if stats:
        result["events"] = int(stats.group(1))
        result["trace_bytes"] = int(stats.group(2)) + int(stats.group(4))
    if opts.jsonl:
        result.update(run_jsonl(corosim, path, tmp))
    return result


def run_jsonl(corosim, path, tmp):
    """One corosim run that writes the trace as JSON Lines to a file."""
    trace_path = os.path.join(tmp, "trace.jsonl")
    wall, rss, rc, _, err, _ = run_child(
        [corosim, "run", path, "--quiet", "--trace", trace_path])
    if rc != 0:
        raise RuntimeError(f"corosim --trace exited {rc}:\n{err.strip()}")
    size = os.path.getsize(trace_path)
    os.remove(trace_path)
    return {"jsonl_wall": wall, "jsonl_rss": rss, "jsonl_bytes": size}


def run_cpython(path, tmp):
    """The tester's translation of path under the virtual clock."""
    program = os.path.join(tmp, "window_program.py")
    with open(program, "w", encoding="utf-8") as f:
        f.write(scenario2py.translate_file(path))
    env = dict(os.environ, PYTHONPATH=DIFFTEST, PYTHONDONTWRITEBYTECODE="1",
               PYTHONHASHSEED="0", PYTHONIOENCODING="utf-8")
    wall, rss, rc, out, err, cpu = run_child([sys.executable, program],
                                             env=env, cwd=tmp)
    try:
        outcome = json.loads(out)
    except json.JSONDecodeError:
        raise RuntimeError(f"CPython exited {rc} without an outcome:\n"
                           f"{err.strip()}") from None
    return {"wall": wall, "rss": rss, "cpu": cpu, "outcome": outcome}


# ---- one N, and the table ---------------------------------------------------------

def bench_one(n, opts, tmp):
    """Generate, run both, compare: one row of the table."""
    path = os.path.join(tmp, f"window-{n}.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(window_scenario(n), f, indent=1)
    row = {"n": n, "corosim": run_corosim(opts.corosim, path, tmp, opts)}
    check_outcome(n, row["corosim"]["outcome"])
    if n <= opts.cpython_max:
        row["cpython"] = run_cpython(path, tmp)
        bad = difftest.differing_keys(row["cpython"]["outcome"],
                                      row["corosim"]["outcome"])
        row["agree"] = not bad
        if bad:
            print(difftest.diff(row["cpython"]["outcome"],
                                row["corosim"]["outcome"], "cpython",
                                "corosim"), file=sys.stderr)
    return row


def check_outcome(n, outcome):
    """The run must have completed all n jobs, whatever CPython says."""
    end = outcome.get("end", {})
    if end.get("status") != "completed" or len(outcome["tasks"]) != n + 4:
        raise RuntimeError(f"N={n}: corosim ended {end} with "
                           f"{len(outcome['tasks'])} tasks")


def mib(nbytes):
    return f"{nbytes / 2**20:.0f} MiB"


def format_row(row, jsonl):
    """The cells of one table row."""
    c, p = row["corosim"], row.get("cpython")
    cells = [f"{row['n']:,}", f"{c['wall']:.3f} s", f"{c['slowest']:.3f} s",
             f"{c['cpu']:.2f} s", mib(c["rss"])]
    if p:
        cells += [f"{p['wall']:.2f} s", f"{p['cpu']:.2f} s", mib(p["rss"]),
                  f"{p['wall'] / c['wall']:.0f}x",
                  # GNU time counts CPU in 10 ms ticks
                  f"{p['cpu'] / c['cpu']:.0f}x" if c["cpu"] >= 0.05 else "-",
                  "yes" if row["agree"] else "NO"]
    else:
        cells += ["-"] * 6
    cells += ([f"{c['events']:,}", mib(c["trace_bytes"])] if "events" in c
              else ["-", "-"])
    if jsonl:
        cells += [f"{c['jsonl_wall']:.2f} s", mib(c["jsonl_rss"]),
                  mib(c["jsonl_bytes"])]
    return cells


def print_table(rows, jsonl):
    head = ["N", "corosim wall", "slowest", "CPU", "peak RSS", "CPython wall", "CPU",
            "peak RSS", "ratio (wall)", "ratio (CPU)", "same outcome",
            "trace events", "trace in memory"]
    if jsonl:
        head += ["corosim+JSONL wall", "+JSONL peak RSS", "JSONL size"]
    table = [head] + [format_row(r, jsonl) for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(head))]
    for k, line in enumerate(table):
        print("  ".join(cell.rjust(w) for cell, w in zip(line, widths)))
        if k == 0:
            print("  ".join("-" * w for w in widths))


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="corosim versus CPython asyncio on the window scenario")
    ap.add_argument("-n", default=",".join(str(n) for n in DEFAULT_NS),
                    help="comma-separated job counts (default %(default)s)")
    ap.add_argument("--cpython-max", type=int, default=100_000,
                    help="skip CPython above this N (default %(default)s)")
    ap.add_argument("--corosim", default=default_corosim(),
                    help="the corosim binary (default: on PATH, else build/)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="corosim runs per N, the fastest counts (default 3)")
    ap.add_argument("--no-trace", action="store_true",
                    help="run corosim without recording the trace")
    ap.add_argument("--jsonl", action="store_true",
                    help="also time corosim writing the trace as JSON Lines")
    ap.add_argument("--keep", metavar="DIR",
                    help="keep the generated scenarios and outcomes in DIR")
    opts = ap.parse_args(argv)
    try:
        opts.ns = [int(x.replace("_", "")) for x in opts.n.split(",")]
    except ValueError:
        ap.error(f"-n wants numbers separated by commas, got '{opts.n}'")
    if any(n < 1 for n in opts.ns) or opts.repeat < 1:
        ap.error("N and --repeat must be at least 1")
    if not opts.corosim:
        ap.error("corosim not found: give --corosim PATH")
    if not os.access(opts.corosim, os.X_OK):
        ap.error(f"cannot run corosim '{opts.corosim}'")
    return opts


def default_corosim():
    """corosim on PATH, else build/corosim of this checkout, else None."""
    built = os.path.join(REPO, "build", "corosim")
    return shutil.which("corosim") or (built if os.path.exists(built) else None)


def main(argv):
    opts = parse_args(argv)
    if not os.access(TIME, os.X_OK):
        print(f"window.py: {TIME} (GNU time) is needed for the peak memory",
              file=sys.stderr)
        return 2
    print("corosim: " + ("no trace recorded (--no-trace)" if opts.no_trace else
                         "full event trace recorded in memory (--trace-stats), "
                         "not serialised")
          + ("; +JSONL: also written to a file (--trace)" if opts.jsonl else ""),
          flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = opts.keep or tmp
        os.makedirs(work, exist_ok=True)
        for n in opts.ns:
            try:
                rows.append(bench_one(n, opts, work))
            except (OSError, RuntimeError) as exc:
                print(f"window.py: N={n}: {exc}", file=sys.stderr)
                return 2
            print(f"N={n:,} done", file=sys.stderr, flush=True)
    print_table(rows, opts.jsonl)
    return 1 if any(r.get("agree") is False for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
