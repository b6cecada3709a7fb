"""A virtual clock for CPython's asyncio, and the recorder of a scenario outcome.

Importing this module changes nothing; `install()` does:
  - every event loop (the initial one, asyncio.new_event_loop, asyncio.run) is a
    VirtualLoop, through an event loop policy;
  - loop.time() reads one clock shared by every loop, starting at 0.0;
  - when a loop would wait, its selector moves the clock to the first timer
    instead of sleeping; when it would wait forever (no timer), that is an
    interrupt (see `_wait_forever`);
  - time.sleep(d) moves the clock by d;
  - timers due at the same instant fire in the order they were scheduled;
  - asyncio.run cancels the leftover tasks in creation order;
  - print() records (time, task name, text) instead of writing.

Translated scenarios (see scenario2py.py) call `install(name, ...)`, `step()`
before each statement, `track` on their coroutine functions and awaitable
classes, and `finish()` at the end, which prints the coroscope-outcome/1 JSON.

`python3 vclock.py PROGRAM.py` runs an ordinary asyncio program under the
virtual clock and prints `TIME<TAB>LINE` for each line it printed.
"""
import asyncio
import asyncio.events
import asyncio.tasks
import builtins
import functools
import heapq
import inspect
import itertools
import json
import logging
import os
import runpy
import selectors
import sys
import time
import warnings

DEFAULT_MAX_STEPS = 10_000_000
DEFAULT_MAX_TIME = 86400.0
DEFAULT_MAX_DEPTH = 1000
RECURSION_HEADROOM = 100      # Python frames under and over the scenario's own
CLOCK_RESOLUTION = 1e-9

_real_print = builtins.print
_real_sleep = time.sleep


class _Run:
    """Everything recorded while a program runs under the virtual clock."""

    def __init__(self):
        self.mode = "scenario"          # "scenario" or "source"
        self.name = None                # the scenario name
        self.clock = 0.0
        self.timer_seq = itertools.count()
        self.steps = 0
        self.max_steps = DEFAULT_MAX_STEPS
        self.max_time = DEFAULT_MAX_TIME
        self.prints = []                # (t, task name, text, end)
        self.tasks = []                 # (task, coroutine name), creation order
        self.coros = []                 # coroutine objects, None once started
        self.unstarted = {}             # frame of a coroutine not started -> index
        self.depths = {}                # id of a scenario frame -> its depth
        self.max_depth = DEFAULT_MAX_DEPTH
        self.depth_name = "frame_depth"    # the local each scenario body keeps it in
        self.frame_codes = set()        # code of scenario coroutines and __await__s
        self.interrupts = []


RUN = _Run()


class WouldWaitForever(BaseException):
    """Raised (source mode) when a loop would block forever."""


class TimeLimit(BaseException):
    """Raised (source mode) when the clock would pass max_time."""


# ---- the clock --------------------------------------------------------------

def clock_now():
    """The virtual time, shared by every loop (the scenario's `now`)."""
    return RUN.clock


def _advance_to(when):
    """Move the clock to `when`, or end the run when that passes max_time."""
    if when > RUN.max_time:
        if RUN.mode == "source":
            raise TimeLimit(f"max_time {RUN.max_time} reached")
        _end("limit", "max_time")
    RUN.clock = when


def virtual_sleep(seconds):
    """time.sleep replacement: the clock advances by `seconds`, nothing runs.
    The argument is checked as time.sleep checks it (_PyTime_FromSecondsObject:
    a number, not nan, within int64 nanoseconds; then not negative)."""
    if not isinstance(seconds, (int, float)):
        raise TypeError(f"'{type(seconds).__name__}' object cannot be "
                        "interpreted as an integer")
    if seconds != seconds:
        raise ValueError("Invalid value NaN (not a number)")
    if isinstance(seconds, float) and not -2.0 ** 63 <= seconds * 1e9 <= 2.0 ** 63:
        raise OverflowError("timestamp out of range for platform time_t")
    if isinstance(seconds, int) and not -2 ** 63 <= seconds * 10 ** 9 < 2 ** 63:
        raise OverflowError("timestamp too large to convert to C _PyTime_t")
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    _advance_to(RUN.clock + seconds)


def _wait_forever(loop):
    """The loop has nothing ready and no timer: record an interrupt.

    In run_forever the loop stops (the course presses Ctrl-C, main goes on);
    in run_until_complete (also asyncio.run) the scenario ends `interrupted`.
    In source mode the program is stopped with WouldWaitForever.
    """
    RUN.interrupts.append(RUN.clock)
    if RUN.mode == "source":
        raise WouldWaitForever(f"the loop would wait forever at t={RUN.clock}")
    if loop._ruc_depth > 0:
        _end("interrupted")
    loop.stop()


class VirtualSelector(selectors.DefaultSelector):
    """A selector whose select(timeout) advances the clock instead of waiting."""

    loop = None

    def select(self, timeout=None):
        """Jump to the first timer, or report a wait forever; never block.

        Past 2**24 s, now + 1e-9 == now: a timer at the clock is never due,
        and with nothing ready _run_once would spin with a timeout of 0 for
        ever (a real clock would move on; this one cannot). That is a wait
        forever too (FORMAT-EXTENSIONS section 5), as corosim has it.
        """
        loop = self.loop
        if timeout is None:
            _wait_forever(loop)
        elif timeout > 0 and loop._scheduled:
            _advance_to(max(RUN.clock, loop._scheduled[0]._when))
        if (timeout is not None and loop._scheduled and not loop._ready
                and not loop._stopping
                and loop._scheduled[0]._when >= RUN.clock + CLOCK_RESOLUTION
                and loop._scheduled[0]._when <= RUN.clock):
            _wait_forever(loop)
        if RUN.mode == "scenario":
            return []       # scenarios have no I/O, threads or signals
        return super().select(0)


class SeqTimerHandle(asyncio.TimerHandle):
    """A timer ordered by (when, scheduling sequence): ties fire FIFO."""

    __slots__ = ("_seq",)

    def __init__(self, when, callback, args, loop, context=None):
        super().__init__(when, callback, args, loop, context)
        self._seq = next(RUN.timer_seq)

    def _key(self):
        """The heap key."""
        return (self._when, self._seq)

    def __lt__(self, other):
        return self._key() < other._key()

    def __le__(self, other):
        return self._key() <= other._key()

    def __gt__(self, other):
        return self._key() > other._key()

    def __ge__(self, other):
        return self._key() >= other._key()


class VirtualLoop(asyncio.SelectorEventLoop):
    """A selector event loop living on the shared virtual clock."""

    def __init__(self):
        selector = VirtualSelector()
        super().__init__(selector)
        selector.loop = self
        self._clock_resolution = CLOCK_RESOLUTION
        self._ruc_depth = 0
        self.set_task_factory(_create_task)

    def time(self):
        """The virtual clock."""
        return RUN.clock

    def call_at(self, when, callback, *args, context=None):
        """BaseEventLoop.call_at, pushing a SeqTimerHandle."""
        if when is None:
            raise TypeError("when cannot be None")
        self._check_closed()
        timer = SeqTimerHandle(when, callback, args, self, context)
        heapq.heappush(self._scheduled, timer)
        timer._scheduled = True
        return timer

    def run_until_complete(self, future):
        """BaseEventLoop.run_until_complete, noting that it is running."""
        self._ruc_depth += 1
        try:
            return super().run_until_complete(future)
        finally:
            self._ruc_depth -= 1


class VirtualLoopPolicy(asyncio.DefaultEventLoopPolicy):
    """The default policy, creating VirtualLoops."""

    _loop_factory = VirtualLoop


# ---- recording --------------------------------------------------------------

def _create_task(loop, coro, context=None):
    """Task factory: a plain asyncio.Task, remembered in creation order."""
    task = asyncio.Task(coro, loop=loop, context=context)
    name = getattr(coro, "__name__", type(coro).__name__)
    RUN.tasks.append((task, name))
    return task


def _all_tasks_in_creation_order(loop=None):
    """asyncio.tasks.all_tasks, as a list in creation order (for asyncio.run)."""
    if loop is None:
        loop = asyncio.get_running_loop()
    return [t for t, _ in RUN.tasks if t.get_loop() is loop and not t.done()]


def current_task_name():
    """The running task's name, or None outside a task (`task_name`)."""
    try:
        task = asyncio.current_task()
    except RuntimeError:
        return None
    return task.get_name() if task is not None else None


def _record_print(*args, sep=" ", end="\n", file=None, flush=False):
    """print() replacement: record the text with the time and the task."""
    if file is not None and file is not sys.stdout:
        _real_print(*args, sep=sep, end=end, file=file, flush=flush)
        return
    sep = " " if sep is None else sep
    end = "\n" if end is None else end
    text = sep.join(str(a) for a in args)
    RUN.prints.append((RUN.clock, current_task_name(), text, end))


def track(obj):
    """Decorator for scenario coroutine functions and awaitable classes.

    Every coroutine object a function creates is held until it starts (for
    the coroutine_never_awaited warning, read at the end); from then on
    nothing here holds it, so that one main drops is closed there and then
    as CPython closes it (GeneratorExit at its await, its finally blocks
    run). An awaitable's generators are not held at all.
    """
    if isinstance(obj, type):
        RUN.frame_codes.add(obj.__await__.__code__)
        return obj

    if obj.__module__ == "__main__":
        RUN.frame_codes.add(obj.__code__)

    @functools.wraps(obj)
    def create(*args):
        return _hold(obj(*args))
    return create


def _hold(coro):
    """Hold coro, just created, until its body starts (_started)."""
    RUN.unstarted[coro.cr_frame] = len(RUN.coros)
    RUN.coros.append(coro)
    return coro


def step():
    """Count one scenario statement; end the run past max_steps."""
    RUN.steps += 1
    if RUN.steps > RUN.max_steps:
        _end("limit", "max_steps")


def enter():
    """A scenario coroutine or __await__ body starts: its depth, counted in
    the scenario's own frames (1 at the bottom of a stack); RecursionError
    when that is more than max_depth. The depth is kept by the frame's id
    in RUN.depths, where the next scenario frame up reads it (not from the
    frame's f_locals: reading those would make the frame object keep a copy
    of every local, so a coroutine one of them held would outlive its
    variable's rebinding). An id is reused only after its frame is gone, and
    the new frame's own enter() writes it first.

    This is the format's limit (section 4), counted as corosim counts it:
    frames of asyncio's machinery and of library coroutines (asyncio.sleep,
    Queue.get) are left out, where CPython's own limit of 1000 counts them
    too (about 7 under run_until_complete, 9 under asyncio.run). Python's
    limit is raised above max_depth by install(), so that this one strikes
    first. The walk stops at the nearest scenario frame below: a few steps.
    """
    body = sys._getframe(1)
    _started(body)
    frame = body.f_back
    depth = 1
    while frame is not None:
        if frame.f_code in RUN.frame_codes:
            depth += RUN.depths.get(id(frame), 0)
            break
        frame = frame.f_back
    if depth > RUN.max_depth:
        raise RecursionError("maximum recursion depth exceeded")
    RUN.depths[id(body)] = depth
    return depth


def _started(body):
    """The coroutine whose body frame is body has started: no warning, and
    no longer held."""
    index = RUN.unstarted.pop(body, None)
    if index is not None:
        RUN.coros[index] = None


# ---- the outcome ------------------------------------------------------------

def describe(exc):
    """'Type: message', or 'Type' when the message is empty."""
    message = str(exc)
    name = type(exc).__name__
    return f"{name}: {message}" if message else name


def _task_entry(task, coro_name):
    """One entry of the outcome's `tasks`, read without side effects."""
    entry = {"name": task.get_name(), "coro": coro_name}
    if not task.done():
        entry["state"] = "pending"
    elif task.cancelled():
        entry["state"] = "cancelled"
    elif task._exception is not None:
        entry["state"] = "failed"
        entry["exception"] = describe(task._exception)
    else:
        entry["state"] = "finished"
        entry["result"] = repr(task._result)
    return entry


def _warnings():
    """Never-retrieved exceptions (task order), then never-started coroutines."""
    found = [{"kind": "exception_never_retrieved", "task": t.get_name()}
             for t, _ in RUN.tasks
             if t.done() and not t.cancelled() and t._exception is not None
             and t._log_traceback]
    found += [{"kind": "coroutine_never_awaited", "coro": c.__name__}
              for c in RUN.coros
              if c is not None and inspect.getcoroutinestate(c) == inspect.CORO_CREATED]
    return found


def outcome(status, error=None):
    """The coroscope-outcome/1 dictionary as things stand now."""
    warns = _warnings()
    return {
        "format": "coroscope-outcome/1",
        "scenario": RUN.name,
        "prints": [{"t": t, "task": task, "text": text}
                   for t, task, text, _ in RUN.prints],
        "tasks": [_task_entry(t, name) for t, name in RUN.tasks],
        "warnings": warns,
        "interrupts": list(RUN.interrupts),
        "end": {"status": status, "t": RUN.clock, "error": error},
    }


def _end(status, error=None):
    """Print the outcome as JSON on stdout and stop the process at once."""
    text = json.dumps(outcome(status, error), indent=2, ensure_ascii=False)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def finish():
    """End of main: the scenario completed."""
    _end("completed")


def _uncaught(exc_type, exc, tb):
    """sys.excepthook: an exception escaped main."""
    _end("uncaught", describe(exc))


def uncaught_exit(exc):
    """A SystemExit escaped main (Python exits without sys.excepthook)."""
    _end("uncaught", describe(exc))


# ---- installation -----------------------------------------------------------

def _silence():
    """Keep Python's own warnings and asyncio's log messages off the output."""
    warnings.simplefilter("ignore")
    logging.getLogger("asyncio").disabled = True
    sys.unraisablehook = lambda unraisable: None


def _track_library():
    """The library coroutines a scenario can create without starting them
    (a gather or a task of a sleep or queue operation that never runs) are
    recorded like the scenario's own: CPython warns "coroutine 'sleep' was
    never awaited" for them too. (_wrap_awaitable is a generator-based
    coroutine and never warns.)"""
    if not getattr(asyncio.sleep, "_vclock_tracked", False):
        asyncio.sleep = _track_library_function(asyncio.sleep)
        asyncio.Queue.get = _track_library_function(asyncio.Queue.get)
        asyncio.Queue.put = _track_library_function(asyncio.Queue.put)
        asyncio.sleep._vclock_tracked = True


def _track_library_function(fn):
    """fn (asyncio.sleep, Queue.get, Queue.put) made to create a coroutine
    of the same name that is held, as the scenario's own, only until it
    starts: it awaits fn's own coroutine inline (no extra loop iteration, a
    cancel goes through as before), so that a dropped one is closed by
    CPython when it would be, its cleanup run (a getter leaving the queue, a
    timer cancelled)."""
    @functools.wraps(fn)
    async def run(*args, **kwargs):
        _started(sys._getframe(0))
        return await fn(*args, **kwargs)

    @functools.wraps(fn)
    def create(*args, **kwargs):
        return _hold(run(*args, **kwargs))
    return create


def install(name=None, max_steps=DEFAULT_MAX_STEPS, max_time=DEFAULT_MAX_TIME,
            max_depth=DEFAULT_MAX_DEPTH, depth_name="frame_depth", mode="scenario"):
    """Put the process under the virtual clock (see the module docstring)."""
    RUN.mode = mode
    RUN.name = name
    RUN.max_steps = max_steps
    RUN.max_time = float(max_time)
    RUN.max_depth = max_depth
    RUN.depth_name = depth_name
    if mode == "scenario":
        sys.setrecursionlimit(max(1000, max_depth + RECURSION_HEADROOM))
    asyncio.set_event_loop_policy(VirtualLoopPolicy())
    time.sleep = virtual_sleep
    builtins.print = _record_print
    asyncio.tasks.all_tasks = _all_tasks_in_creation_order
    if mode == "scenario":
        _track_library()
        _silence()
        sys.excepthook = _uncaught


# ---- running an ordinary program --------------------------------------------

def printed_lines():
    """The recorded prints as (time, line) pairs, one per completed line."""
    lines, pending = [], ""
    for t, _task, text, end in RUN.prints:
        pending += text + end
        while "\n" in pending:
            line, pending = pending.split("\n", 1)
            lines.append((t, line))
    if pending:
        lines.append((RUN.prints[-1][0], pending))
    return lines


def run_source(path, max_time=DEFAULT_MAX_TIME):
    """Run the Python program at `path` under the virtual clock.

    Returns (lines, stop): lines are (virtual time, printed line) pairs;
    stop is None when the program ended normally, else a message saying why
    it was stopped (it would wait forever, max_time, or an exception).
    """
    install(name=os.path.basename(path), max_time=max_time, mode="source")
    stop = None
    sys.argv = [path]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    try:
        runpy.run_path(path, run_name="__main__")
    except (WouldWaitForever, TimeLimit) as exc:
        stop = str(exc)
    except SystemExit as exc:
        if exc.code not in (None, 0):
            stop = f"SystemExit: {exc.code}"
    except BaseException as exc:  # the program's own uncaught exception
        stop = f"uncaught {describe(exc)}"
    finally:
        builtins.print = _real_print
        time.sleep = _real_sleep
    return printed_lines(), stop


def main(argv):
    """CLI: python3 vclock.py PROGRAM.py [--max-time T]"""
    args = list(argv)
    max_time = DEFAULT_MAX_TIME
    if "--max-time" in args:
        i = args.index("--max-time")
        max_time = float(args[i + 1])
        del args[i:i + 2]
    if len(args) != 1:
        sys.stderr.write("usage: vclock.py PROGRAM.py [--max-time T]\n")
        return 2
    lines, stop = run_source(args[0], max_time)
    for t, line in lines:
        sys.stdout.write(f"{t}\t{line}\n")
    if stop is not None:
        sys.stdout.write(f"{RUN.clock}\t[stopped: {stop}]\n")
    sys.stdout.flush()
    os._exit(0 if stop is None else 1)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
