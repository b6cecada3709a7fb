#!/usr/bin/env python3
"""The real coroscope window under a virtual X display, driven by key presses.

    smoke_xvfb.py COROSCOPE COROSIM SCENARIO OUT_DIR

Starts Xvfb when no DISPLAY is set (exit 77, skipped, when neither Xvfb nor
xdotool is installed), opens a copy of SCENARIO in the window and types as a
teacher would: steps forward and back, plays and pauses, the help overlay,
Ctrl+S to save the frame, prediction mode (P, then End stops at the first
print; corosim's trace says which frame that is). It edits the watched file twice (invalid, then
valid again) and checks the window keeps the last good scenario, reloads at
the same frame, and quits cleanly on Q. A screenshot of the X screen is left
in OUT_DIR/screen.png to look at.
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib


APP_STDERR = None  # the window's standard error, shown when a check fails
APP = None         # the window's process: a failure says whether it still runs


def fail(msg):
    print("FAIL:", msg)
    if APP is not None:
        rc = APP.poll()
        print("coroscope is still running" if rc is None else f"coroscope had exited with {rc}")
    if APP_STDERR and os.path.exists(APP_STDERR):
        print("coroscope's standard error:\n" + open(APP_STDERR).read())
    sys.exit(1)


def start_display():
    """Return (env, Xvfb process or None). Xvfb picks a free display itself
    (-displayfd) and tells which; it replaces stale locks of dead servers."""
    env = dict(os.environ)
    if env.get("DISPLAY"):
        return env, None
    rfd, wfd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(wfd), "-screen", "0", "1600x1000x24",
                             "-nolisten", "tcp"], pass_fds=(wfd,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(wfd)
    with os.fdopen(rfd) as f:
        number = f.readline().strip()
    if not number.isdigit():
        proc.kill()
        fail("Xvfb did not start")
    env["DISPLAY"] = ":" + number
    return env, proc


def stop_display(proc):
    """End Xvfb with SIGTERM so that it removes its lock file."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def xdo(env, *args):
    return subprocess.run(["xdotool", *args], env=env, capture_output=True, text=True, timeout=20)


def keys(env, win, *names):
    for k in names:
        r = xdo(env, "key", "--window", win, "--clearmodifiers", k)
        if r.returncode and APP is not None and APP.poll() is None:
            time.sleep(0.5)   # an X error while the window still runs: once more
            r = xdo(env, "key", "--window", win, "--clearmodifiers", k)
        if r.returncode and k == "q" and APP is not None:
            try:                 # Q quit on the key press, so the release found no window
                APP.wait(timeout=5)
                continue         # main() checks the exit status
            except subprocess.TimeoutExpired:
                pass
        if r.returncode:
            fail(f"xdotool key {k}: {r.stderr}")
        time.sleep(0.25)  # one key at a time, even on a loaded machine


def xwd_to_png(xwd, png):
    """Convert a 24/32-bit ZPixmap xwd dump to PNG; returns (w, h, rows)."""
    hdr = struct.unpack(">25I", xwd[:100])
    header_size, w, h = hdr[0], hdr[4], hdr[5]
    bpp, bpl, ncolors = hdr[11], hdr[12], hdr[19]
    step = bpl // w if w else 0  # bytes a pixel: 3 or 4, blue first
    if bpp not in (24, 32) or step not in (3, 4) or hdr[7] != 0:
        fail(f"unexpected xwd format {hdr}")
    data = xwd[header_size + 12 * ncolors:]
    rows = []
    for y in range(h):
        line = data[y * bpl:y * bpl + w * step]
        rgb = bytearray(w * 3)
        rgb[0::3], rgb[1::3], rgb[2::3] = line[2::step], line[1::step], line[0::step]
        rows.append(bytes(rgb))
    raw = b"".join(b"\0" + r for r in rows)

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    with open(png, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
    return w, h, rows


def check_screen(env, out_dir):
    """The screen shows a drawn window: many colours, not one flat fill."""
    xwd = subprocess.run(["xwd", "-root", "-silent"], env=env, capture_output=True, timeout=20).stdout
    if len(xwd) < 100:
        fail("xwd captured nothing")
    w, h, rows = xwd_to_png(xwd, os.path.join(out_dir, "screen.png"))
    colours, counts = set(), {}
    for r in rows[::4]:
        for i in range(0, len(r), 12):
            c = r[i:i + 3]
            colours.add(c)
            counts[c] = counts.get(c, 0) + 1
    top = max(counts.values()) / sum(counts.values())
    print(f"screen {w}x{h}: {len(colours)} colours, the commonest covers {top:.0%}")
    if len(colours) < 20 or top > 0.95:
        fail("the screen looks blank: the window drew nothing")


def first_print(corosim, scenario):
    """Frame (trace event index) of the scenario's first print."""
    out = subprocess.run([corosim, "run", scenario, "--trace", "-", "--quiet"],
                         capture_output=True, text=True, timeout=60).stdout
    for line in out.splitlines():
        ev = __import__("json").loads(line)
        if ev["kind"] == "print":
            return ev["seq"]
    fail("the scenario prints nothing")


def wait_for(pred, what, seconds=20):
    end = time.time() + seconds
    while time.time() < end:
        if pred():
            return
        time.sleep(0.1)
    fail(f"timed out waiting for {what}")


def main():
    if len(sys.argv) != 5:
        print(__doc__)
        return 2
    binary, corosim, scenario, out_dir = map(os.path.abspath, sys.argv[1:])
    if not shutil.which("xdotool") or (not os.environ.get("DISPLAY") and not shutil.which("Xvfb")):
        print("skipped: needs xdotool and Xvfb (tools/dev.sh installs them)")
        return 77
    os.makedirs(out_dir, exist_ok=True)
    work = tempfile.mkdtemp(prefix="coroscope-smoke-")
    watched = os.path.join(work, "scenario.json")
    shutil.copy(scenario, watched)
    good = open(watched, encoding="utf-8").read()
    name = __import__("json").loads(good)["name"]
    env, xvfb = start_display()
    global APP_STDERR, APP
    err_path = APP_STDERR = os.path.join(work, "stderr.txt")
    app = APP = subprocess.Popen([binary, "--size", "1280x800", watched], cwd=work, env=env,
                                 stdout=subprocess.DEVNULL, stderr=open(err_path, "w"))
    try:
        r = xdo(env, "search", "--sync", "--onlyvisible", "--name", "coroscope")
        win = r.stdout.split()[0] if r.stdout.split() else fail("no coroscope window appeared")
        xdo(env, "windowfocus", "--sync", win)
        time.sleep(1.0)  # the first frame drawn
        # 3 steps forward, 1 back: frame 2; play and pause; help on and off
        keys(env, win, "Right", "Right", "Right", "Left", "space", "space", "Home",
             "Right", "Right", "F1", "Escape", "t", "a", "a")
        keys(env, win, "ctrl+s")
        shot = os.path.join(work, f"coroscope-{name}-frame-2.png")
        wait_for(lambda: os.path.exists(shot), "the Ctrl+S screenshot of frame 2")
        with open(shot, "rb") as f:
            head = f.read(24)
        if head[:8] != b"\x89PNG\r\n\x1a\n" or struct.unpack(">II", head[16:24]) != (1280, 800):
            fail(f"{shot} is not a 1280x800 PNG")
        # the watched file turns invalid: the window keeps the good run
        time.sleep(1.1)  # a new mtime second
        with open(watched, "w", encoding="utf-8") as f:
            f.write(good.rstrip()[:-1])  # the closing brace lost
        wait_for(lambda: "keeping the last good scenario" in open(err_path).read(),
                 "the invalid reload to be reported")
        errors = open(err_path).read()
        if "scenario.json:" not in errors or ": error: " not in errors:
            fail(f"the reload error lacks FILE:LINE:COL: {errors!r}")
        # valid again: reloaded at the same frame
        time.sleep(1.1)
        with open(watched, "w", encoding="utf-8") as f:
            f.write(good)
        wait_for(lambda: "reloaded" in open(err_path).read(), "the reload")
        if "at frame 2" not in open(err_path).read():
            fail("the reload did not keep the frame: " + open(err_path).read())
        # prediction mode: End stops at the first print; a step reveals it
        # in place, the next one moves on
        p1 = first_print(corosim, scenario)
        keys(env, win, "p", "End", "ctrl+s")
        wait_for(lambda: os.path.exists(os.path.join(work, f"coroscope-{name}-frame-{p1}.png")),
                 f"prediction mode to stop at the first print, frame {p1}")
        keys(env, win, "Right", "ctrl+s")
        time.sleep(0.5)
        if os.path.exists(os.path.join(work, f"coroscope-{name}-frame-{p1 + 1}.png")):
            fail("revealing the print moved past it")
        keys(env, win, "Right", "ctrl+s")
        wait_for(lambda: os.path.exists(os.path.join(work, f"coroscope-{name}-frame-{p1 + 1}.png")),
                 "the step after the revealed print")
        keys(env, win, "p", "Home", "End")
        check_screen(env, out_dir)
        keys(env, win, "q")
        try:
            rc = app.wait(timeout=10)
        except subprocess.TimeoutExpired:
            fail("the window did not quit on Q")
        if rc != 0:
            fail(f"coroscope exited with {rc}: {open(err_path).read()}")
    finally:
        if app.poll() is None:
            app.kill()
        if xvfb:
            stop_display(xvfb)
    errors = open(err_path).read()
    shutil.rmtree(work, ignore_errors=True)
    if "runtime error" in errors or "Sanitizer" in errors:
        fail("sanitizer report: " + errors)
    print("1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
