#!/usr/bin/env python3
"""coroscope render as a user calls it: frames to PNG files, no display.

usage: test_render_cli.py COROSCOPE COROSIM

Checks a single frame (its size, that it is a PNG), --frame last, --all with
--every (the files and their order), an invalid scenario (diagnostics, exit
2, no file), bad arguments (exit 2 with a reason), the window without a
display (exit 2 with the way out), and the refusal to write
millions of files. Prints one line per check and `N passed, N failed`.
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SC = os.path.join(ROOT, "scenarios")
RESULTS = []


def check(name, ok, detail=""):
    RESULTS.append(ok)
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail))


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=300)


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def main():
    global BIN
    BIN, corosim = sys.argv[1:3]
    tmp = tempfile.mkdtemp(prefix="coroscope-render-")
    fork = os.path.join(SC, "08-fork.json")

    out = os.path.join(tmp, "one.png")
    r = run("render", fork, "--frame", "10", "--out", out, "--size", "800x600")
    check("one frame", r.returncode == 0 and png_size(out) == (800, 600), r.stderr)
    r = run("render", fork, "--frame", "last", "--out", out, "--theme", "dark", "--present")
    check("the last frame, default size", r.returncode == 0 and png_size(out) == (1920, 1080), r.stderr)
    check("no temporary file left", os.listdir(tmp) == ["one.png"], str(os.listdir(tmp)))

    frames = os.path.join(tmp, "frames")
    r = run("render", os.path.join(SC, "07-two-way-send.json"), "--all", "--every", "10",
            "--out", frames, "--size", "640x480")
    names = sorted(os.listdir(frames)) if os.path.isdir(frames) else []
    trace = subprocess.run([corosim, "run",
                            os.path.join(SC, "07-two-way-send.json"), "--trace", "-", "--quiet"],
                           capture_output=True, text=True).stdout.splitlines()
    last = len(trace) - 1
    want = [f"frame-{f:06d}.png" for f in sorted(set(list(range(0, last + 1, 10)) + [last]))]
    check("--all --every 10: frames 0, 10, ... and the last", names == want, f"{names} != {want}")

    with open(os.path.join(frames, "notes.txt"), "w") as f:
        f.write("mine")
    r = run("render", fork, "--all", "--every", "100", "--out", frames, "--size", "640x480")
    names = sorted(os.listdir(frames))
    check("a second --all into the folder replaces the frames, keeps other files",
          r.returncode == 0 and names == ["frame-000000.png", "frame-000100.png", "frame-000194.png",
                                          "notes.txt"], str(names))

    bad = os.path.join(tmp, "bad.json")
    with open(bad, "w") as f:
        f.write('{"format": "coroscope-scenario/1", "name": "x", "main": [{"sleeep": 1}]}\n')
    out2 = os.path.join(tmp, "bad.png")
    r = run("render", bad, "--frame", "0", "--out", out2)
    check("invalid scenario: FILE:LINE:COL, exit 2, no file",
          r.returncode == 2 and "bad.json:1:" in r.stderr and ": error: " in r.stderr
          and not os.path.exists(out2), f"{r.returncode} {r.stderr!r}")

    for args, why in [(["render", fork, "--out", out2], "one of --frame N and --all"),
                      (["render", fork, "--frame", "0"], "needs --out"),
                      (["render", fork, "--frame", "99999", "--out", out2], "frames (0 to"),
                      (["render", fork, "--frame", "0", "--out", out2, "--size", "10x10"], "give WxH"),
                      (["render", fork, "--frame", "0", "--out", out2, "--theme", "neon"],
                       "--theme neon: bad value; give light, dark or contrast"),
                      (["render", fork, "--frame", "5", "--all", "--out", out2],
                       "give only one of --frame N and --all"),
                      (["render", fork, "--frame", "--out", out2], "missing value after: --frame"),
                      (["--bogus"], "unknown option"),
                      (["render"], "needs a scenario")]:
        r = run(*args)
        check(f"usage error: {' '.join(args[2:] or args)}",
              r.returncode == 2 and why in r.stderr and not os.path.exists(out2),
              f"{r.returncode} {r.stderr!r}")

    r = run("render", os.path.join(ROOT, "tests", "conformance", "001-sleep-ties.json"),
            "--frame", "0", "--out", os.path.join(tmp, "no-such-dir", "x.png"))
    check("unwritable output: exit 2 with the path", r.returncode == 2 and "no-such-dir" in r.stderr,
          r.stderr)

    big = os.path.join(SC, "19-window-100k.json")
    r = run("render", big, "--all", "--out", os.path.join(tmp, "big"))
    check("--all on millions of frames is refused with advice",
          r.returncode == 2 and "--every" in r.stderr and not os.path.exists(os.path.join(tmp, "big")),
          r.stderr)

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY",
                                                            "SDL_VIDEODRIVER")}
    r = subprocess.run([BIN, fork], capture_output=True, text=True, timeout=60, env=env)
    check("the window with no display: exit 2 with the way out",
          r.returncode == 2 and "no display" in r.stderr and "coroscope render" in r.stderr,
          f"{r.returncode} {r.stderr!r}")

    r = run("--help")
    check("--help", r.returncode == 0 and "render" in r.stdout, r.stderr)
    shutil.rmtree(tmp, ignore_errors=True)
    passed = sum(RESULTS)
    print(f"{passed} passed, {len(RESULTS) - passed} failed")
    return 0 if passed == len(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
