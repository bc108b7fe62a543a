#!/usr/bin/python3
"""Claim 5, recovery: one writer's state is its journal; recovery is a replay, bounded by
snapshots (docs/claims.md)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import NamedTuple

import claim_data as cd
import claim_draw as draw
import claim_effects as ce
import claim_verdict as cv
import swlab_results as sr
import swlab_stats as st
import swlab_style as swstyle

REPLAY_RATE = 1_000_000   # records replayed per second, the longest journal
PAUSE_LIMIT = 2.0         # the snapshots' pause: peak p99.9 per interval, with over without
SNAPSHOT_SPEEDUP = 2.0    # the control: a replay from the snapshot against the whole journal
MIN_RECORDS = 100_000
HEADER = "kind commands snapshot_every repetition seconds records snapshots"

SPEC = cv.Spec(
    claim="One writer's state is its journal: recovery is a replay, and snapshots bound it without stalling "
          "the writer.",
    precondition=f"the longest journal holds at least {MIN_RECORDS:,} records (its whole replay's count), and "
                 "snapshots were taken: every journaled run with `--snapshot-every` left a snapshot, and the "
                 "replay from the snapshot loaded one",
    effect="(a) records replayed per second, whole replay of the longest journal (`swlab replay --no-snapshot`, "
           "wall time), the median over repeated replays; (b) the snapshots' pause: the peak p99.9 per 10 ms "
           "interval of a journaled run with snapshots over the same run without, per block",
    threshold=f"(a) {REPLAY_RATE:,} records/s; (b) {PAUSE_LIMIT:.1f}x",
    rule=f"holds iff (a)'s 95% interval has its lower bound >= {REPLAY_RATE:,} records/s and (b)'s its upper "
         f"bound <= {PAUSE_LIMIT:.1f}x",
    control=f"the replay from the latest snapshot against the whole replay of the same journal: whole / from the "
            f"snapshot, per block, must have its lower bound >= {SNAPSHOT_SPEEDUP:.1f}x")


class Row(NamedTuple):
    kind: str            # replay | run
    commands: int
    snapshot_every: int
    repetition: int
    seconds: float       # a replay's wall time (0 for a run)
    records: int         # records a replay replayed
    snapshots: int       # replay: 1 if it loaded a snapshot; run: snapshot files it left


def read_recovery(path: Path) -> list[Row]:
    """recovery.txt: HEADER, then one line per replay or journaled run; a malformed line is
    one message naming the file and the line (Missing)."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as e:
        raise cd.Missing(f"{path}: cannot read: {getattr(e, 'strerror', None) or e}") from None
    if lines[0].strip() != HEADER:
        raise cd.Missing(f"{path}:1: expected the header '{HEADER}'")
    rows = []
    for number, line in enumerate(lines[1:], 2):
        if not line.strip():
            continue
        try:
            kind, n, snap, rep, secs, records, snaps = line.split()
            row = Row(kind, int(n), int(snap), int(rep), float(secs), int(records), int(snaps))
        except ValueError:
            raise cd.Missing(f"{path}:{number}: expected '{HEADER}', got {line[:60]!r}") from None
        if kind not in ("replay", "run") or not (
                0 < row.commands <= sr.MAX_INT and 0 <= row.snapshot_every <= sr.MAX_INT and 0 <= row.repetition < 10**6
                and math.isfinite(row.seconds) and row.seconds >= 0 and 0 <= row.records <= sr.MAX_INT
                and 0 <= row.snapshots <= sr.MAX_INT):
            raise cd.Missing(f"{path}:{number}: a value out of range: {line[:60]!r}")
        rows.append(row)
    if not any(r.kind == "replay" for r in rows):
        raise cd.Missing(f"{path}: no replay measured")
    return rows


def replays(rows: list[Row], n: int, snapped: bool) -> dict[int, Row]:
    return {r.repetition: r for r in rows if r.kind == "replay" and r.commands == n
            and (r.snapshot_every > 0) == snapped}


def pause_runs(d: Path) -> tuple[int | None, dict]:
    """(commands of the pause blocks, {repetition: (run without, run with snapshots, every)})."""
    blocks: dict[tuple, dict] = {}
    for p in sorted((d / "recovery-runs").glob("p*.s*.r*")):
        try:
            n_text, snap_text, rep_text = p.name[1:].split(".")
            n, snap, rep = int(n_text), int(snap_text[1:]), int(rep_text[1:])
        except ValueError:
            continue
        if (p / "results.json").exists():
            res = cd.load(d, f"recovery-runs/{p.name}")
            blocks.setdefault((n, rep), {})[snap] = res.runs[0] if res.runs else None
    n = max((k[0] for k in blocks), default=None)
    out = {}
    for (m, rep), by in blocks.items():
        if m == n and 0 in by and any(s > 0 for s in by):
            every = max(by)
            out[rep] = (by[0], by[every], every)
    return n, out


def peak_p999(run: dict | None) -> float | None:
    rows = [r for r in (sr.time_series(run) or []) if r["commands"] > 0 and r.get("p999_ns")] if run else []
    return max(r["p999_ns"] for r in rows) if rows else None


def pause_effect(blocks: dict) -> tuple[st.Effect | None, list]:
    reps = sorted(blocks)
    kept, _ = ce.cross_blocks([[blocks[k][0], blocks[k][1]] for k in reps])
    pairs = [(peak_p999(blocks[reps[i]][0]), peak_p999(blocks[reps[i]][1])) for i in kept]
    pairs = [(a, b) for a, b in pairs if a and b]
    return (st.paired_ratio([a for a, _ in pairs], [b for _, b in pairs]) if pairs else None), pairs


def excluded(blocks: dict) -> str:
    """The pause runs kept out of the verdict, by reason ('' when none)."""
    reasons: dict[str, int] = {}
    for without, with_, _ in blocks.values():
        for run in (without, with_):
            why = "missing" if run is None else sr.verdict_excluded(run)
            if why:
                reasons[why] = reasons.get(why, 0) + 1
    return ", ".join(f"{n} {why}" for why, n in sorted(reasons.items()))


def figure(ctx: cd.Context, rows: list[Row], blocks: dict, n_pause: int | None) -> str:
    fig, (ax, ax2) = draw.plt.subplots(1, 2, figsize=(11, 3.7))
    for snapped, colour, label in ((False, swstyle.OKABE_ITO["blue"], "whole journal"),
                                   (True, "black", "from the latest snapshot")):
        sel = [r for r in rows if r.kind == "replay" and (r.snapshot_every > 0) == snapped]
        draw.line_with_spread(ax, sorted({r.commands for r in sel}),
                              lambda n: [r for r in sel if r.commands == n], lambda r: r.seconds,
                              swstyle.Style(colour, "o" if not snapped else "s"), label)
    draw.log_axis(ax, "x")
    draw.log_axis(ax, "y", "s")
    ax.set_xlabel("journal length (commands)")
    ax.set_ylabel("swlab replay wall time (s; dots: replays)")
    ax.set_title("Recovery time against journal length", fontsize=9)
    draw.legend(ax, fontsize=7)
    if blocks:
        without, with_, every = blocks[min(blocks)]
        for run, label, colour in ((without, "no snapshots", swstyle.OKABE_ITO["blue"]),
                                   (with_, f"a snapshot every {every} commands", "black")):
            series = [r for r in (sr.time_series(run) or []) if r["commands"] > 0 and r.get("p999_ns")]
            ax2.plot([r["start_s"] for r in series], [r["p999_ns"] * 1e-9 for r in series], "-", color=colour,
                     label=label, linewidth=1)
        if ax2.has_data():
            draw.log_axis(ax2, "y", "s")
        draw.legend(ax2, fontsize=7)
    else:
        draw.empty(ax2, "no pause runs")
    ax2.set_xlabel("time into the measured part (s)")
    ax2.set_ylabel("p99.9 per interval")
    ax2.set_title(f"Snapshot pauses: {n_pause} commands, 1 client, first block", fontsize=9)
    return ctx.save(fig, "5-recovery.png")


def conditions_for(rows: list[Row], n_max: int, blocks: dict) -> list[cv.Condition]:
    whole = replays(rows, n_max, False)
    snap = replays(rows, n_max, True)
    records = cd.med(r.records for r in whole.values()) or 0
    taken = [r.snapshots for r in rows if r.kind == "run" and r.snapshot_every > 0]
    loaded = [r.snapshots for r in snap.values()]
    ok = bool(taken) and all(t > 0 for t in taken) and bool(loaded) and all(x > 0 for x in loaded)
    return [
        cv.Condition(f"a journal of at least {MIN_RECORDS:,} records", f"{int(records):,} records at {n_max:,} "
                     "commands", records >= MIN_RECORDS, f"a journal of {MIN_RECORDS:,} records or more (claims.sh "
                     "journals 10^5 commands and more)"),
        cv.Condition("snapshots taken and loaded", f"{sum(1 for t in taken if t > 0)} of {len(taken)} runs with "
                     f"--snapshot-every left a snapshot; {sum(1 for x in loaded if x > 0)} of {len(loaded)} "
                     "replays loaded one", ok, "runs long enough to reach --snapshot-every"),
    ]


def measure(ctx: cd.Context) -> cd.Section:
    rows = read_recovery(ctx.d / "recovery.txt")
    n_max = max(r.commands for r in rows if r.kind == "replay")
    n_pause, blocks = pause_runs(ctx.d)
    path = figure(ctx, rows, blocks, n_pause)
    whole, snap = replays(rows, n_max, False), replays(rows, n_max, True)
    speed = cv.median_interval([r.records / r.seconds for r in whole.values() if r.seconds > 0])
    pause, pairs = pause_effect(blocks)
    both = [(whole[k].seconds, snap[k].seconds) for k in sorted(set(whole) & set(snap)) if snap[k].seconds > 0]
    speedup = st.paired_ratio([b for _, b in both], [a for a, _ in both]) if both else None
    criteria = [cv.Criterion(f"whole replay, {n_max:,} commands", speed, REPLAY_RATE,
                             fmt=swstyle.format_si, unit=" records/s"),
                cv.Criterion(f"snapshot pause, {n_pause or 0:,} commands: peak p99.9 with / without", pause,
                             PAUSE_LIMIT, cv.AT_MOST)]
    control = cv.Control("whole replay time / replay from the snapshot",
                         cv.Criterion("whole / from snapshot", speedup, SNAPSHOT_SPEEDUP))
    table_rows = [[r.kind, r.commands, r.snapshot_every or "-", r.repetition,
                   f"{r.seconds:.3f} s" if r.kind == "replay" else "-", r.records if r.kind == "replay" else "-",
                   r.snapshots] for r in sorted(rows, key=lambda r: (r.kind, r.commands, r.snapshot_every,
                                                                     r.repetition))]
    numbers = cd.table(["what", "commands", "snapshot every", "repetition", "replay time", "records replayed",
                        "snapshot loaded (replay) / left (run)"], table_rows)
    numbers += cd.table(["block", "peak p99.9 without snapshots", "with", "with / without"],
                        [[i, cd.ns(a), cd.ns(b), f"{b / a:.2f}x"] for i, (a, b) in enumerate(pairs)])
    said = (f"The snapshots' pause: {pause.text()} of the peak without them." if pause else "")
    return cd.Section(["swlab run --engine single-writer --threads 1 --commands N --journal DIR --durability none "
                       "--interval 10 [--snapshot-every N/10]; swlab replay --dir DIR/RUN [--no-snapshot]"],
                      path, numbers,
                      conditions_for(rows, n_max, blocks) + [cv.blocks_condition(criteria, excluded(blocks))],
                      criteria, control, said)
