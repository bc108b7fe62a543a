#!/usr/bin/python3
"""`swlab run --live`, as a person would see it: in a pseudo-terminal of a known
size the view is redrawn in place (cursor home, no scrolling past the screen) with
a row per engine, sparklines, the histogram and the floor; through a pipe it is
plain lines, one per interval, with no escape codes. Both still write results.
At 80 x 24 (the classic terminal) every column still fits, with its header apart
from the next; at 60 x 16 the p50 column is left out and p99 stays."""
import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import tempfile
import termios

swlab = sys.argv[1]
failures = []
COLS, ROWS = 100, 40
ARGS = ["run", "--live", "--engine", "mutex,single-writer", "--threads", "1", "--commands", "100000",
        "--interval", "10", "--probe", "0.05"]
SPARKS = set("▁▂▃▄▅▆▇█")


def check(cond, what):
    if not cond:
        failures.append(what)


def in_terminal(out_dir, cols=COLS, rows=ROWS):
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    proc = subprocess.Popen([swlab, *ARGS, "--out", out_dir], stdout=slave, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout=120), b"".join(chunks).decode("utf-8", errors="replace")


def last_frame(text):
    frames = text.split("\x1b[H")[1:]
    last = frames[-1].split("\x1b[J")[0] if frames else ""
    return [re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", l).rstrip("\r") for l in last.split("\n")]


def small_terminal(out_dir, cols, rows, p50):
    rc, text = in_terminal(out_dir, cols, rows)
    where = f"at {cols}x{rows}"
    check(rc == 0, f"{where}: exit {rc}")
    lines = last_frame(text)
    check(len(lines) <= rows, f"{where}: a frame of {len(lines)} lines scrolls")
    wide = [l for l in lines if len(l) > cols]
    check(not wide, f"{where}: lines wider than {cols} columns: {wide[:2]}")
    header = next((l for l in lines if l.startswith("engine")), "")
    want = ["engine", "throughput"] + (["p50"] if p50 else []) + ["p99"]
    check(header.split() == want, f"{where}: the header should be {want} apart, not {header!r}")
    for engine in ("mutex", "single-writer"):
        row = next((l for l in lines if re.match(rf"^[ >] {re.escape(engine)} ", l)), "")
        times = re.findall(r"[0-9.]+ [nmu]?s\b", row)
        check(len(times) == (2 if p50 else 1) and row.rstrip().endswith(times[-1] if times else "?"),
              f"{where}: {engine}'s row should end with its p99{' after its p50' if p50 else ''}: {row!r}")
        check(re.search(r"[0-9.]+ [kM]?/s", row) is not None, f"{where}: {engine}'s row has no rate: {row!r}")


def through_a_pipe(out_dir):
    p = subprocess.run([swlab, *ARGS, "--out", out_dir], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout


with tempfile.TemporaryDirectory() as tmp:
    rc, text = in_terminal(os.path.join(tmp, "tty"))
    check(rc == 0, f"in a terminal: exit {rc}")
    check(os.path.exists(os.path.join(tmp, "tty", "results.json")), "in a terminal: no results.json")
    frames = text.split("\x1b[H")[1:]
    check(len(frames) >= 5, f"in a terminal: {len(frames)} frames drawn, expected several")
    # The last frame before the table: what stays on the screen.
    last = frames[-1].split("\x1b[J")[0] if frames else ""
    lines = [re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", l).rstrip("\r") for l in last.split("\n")]
    check(len(lines) <= ROWS, f"in a terminal: a frame of {len(lines)} lines on a {ROWS}-row screen scrolls")
    wide = [l for l in lines if len(l) > COLS]
    check(not wide, f"in a terminal: lines wider than {COLS} columns: {wide[:2]}")
    rows = {e: next((l for l in lines if re.match(rf"^[ >] {re.escape(e)} t=1 balanced", l)), None)
            for e in ("mutex", "single-writer")}
    for engine, row in rows.items():
        check(row is not None, f"in a terminal: no row for {engine} in the last frame:\n" + "\n".join(lines))
    sw = rows.get("single-writer") or ""
    check(len(SPARKS & set(sw)) >= 1 and re.search(r"[0-9.]+ [kM]?/s", sw), f"single-writer's row has no sparkline and rate: {sw!r}")
    check(any(l.startswith("floor (cross-core ping-pong p50") for l in lines), "in a terminal: no floor line")
    hist = [l for l in lines if re.match(r"^ *(>=|<) [0-9.]+ [nmu]?s ", l)]
    check(len(hist) >= 2, "in a terminal: no latency histogram rows")
    check(all(re.search(r"[0-9.]+% +[0-9]+$", l.rstrip()) for l in hist), f"histogram rows without a share and count: {hist[:2]}")
    check("\x1b[?1049h" not in text, "in a terminal: the alternate screen would hide the last frame")
    check("results:" in text, "in a terminal: no results line after the view")

    small_terminal(os.path.join(tmp, "tty80"), 80, 24, p50=True)
    small_terminal(os.path.join(tmp, "tty60"), 60, 16, p50=False)

    rc, out = through_a_pipe(os.path.join(tmp, "pipe"))
    check(rc == 0, f"through a pipe: exit {rc}")
    check("\x1b" not in out, "through a pipe: escape codes in the output")
    check(re.search(r"^live: mutex t=1 balanced rep 1: floor [0-9.]+ [nu]s, 2? ?", out, re.M) is not None,
          "through a pipe: no start line with the floor for mutex")
    intervals = re.findall(r"^live: single-writer t=1 \+[0-9.]+s [0-9]+ commands \([0-9.]+ [kM]?/s\), p50 ", out, re.M)
    check(len(intervals) >= 3, f"through a pipe: {len(intervals)} interval lines for single-writer")
    check(re.search(r"^live: single-writer t=1 balanced rep 1 done: ", out, re.M) is not None, "through a pipe: no done line")
    check(os.path.exists(os.path.join(tmp, "pipe", "results.json")), "through a pipe: no results.json")

for f in failures:
    print("FAIL:", f)
print(f"live_view: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
