#!/usr/bin/python3
"""Claim 3, explicit order: what differs between the single writer and the locks is the cost
of a replayable order, measured (docs/claims.md)."""

from __future__ import annotations

import math
from pathlib import Path

import claim_data as cd
import claim_draw as draw
import claim_effects as ce
import claim_verdict as cv
import swlab_results as sr
import swlab_stats as st
from claim_data import SW

THRESHOLD = 1.10

SPEC = cv.Spec(
    claim="One writer makes the order of every change explicit: its journal is the order, obtained without a "
          "lock, so a replayable history costs it less than it costs a lock engine.",
    precondition="`swlab audit`: every audited engine's journal replays to its run's exact state (both runs, "
                 "each engine): the order each engine records is a replayable one",
    effect="the share of its throughput each engine keeps with a journal (`--journal`, `--durability none`) over "
           "without, 1 client, per block (the two runs back to back); the single writer's retained share over "
           "the best lock's (the lock that keeps the most)",
    threshold=f"{THRESHOLD:.2f}x",
    rule=f"holds iff the 95% interval's lower bound >= {THRESHOLD:.2f}x",
    control="`single-writer:durability=always` (an fdatasync per command) against `durability=none`, the same "
            "engine and journal: none's throughput over always's must pass the same rule (the measurement "
            "registers a journal's cost where one must appear)")


def read_audit(path: Path) -> dict:
    """audit.json (docs/results-format.md), checked for every field claim 3 reads: one line
    naming the file and the problem otherwise (Missing)."""
    try:
        if path.stat().st_size > sr.MAX_FILE_BYTES:
            raise cd.Missing(f"{path}: too large for an audit")
        audit = sr.parse_json(path, path.read_text(encoding="utf-8"))
    except sr.ResultsError as e:
        raise cd.Missing(str(e)) from None
    except (OSError, UnicodeDecodeError) as e:
        raise cd.Missing(f"{path}: cannot read: {getattr(e, 'strerror', None) or e}") from None
    if not isinstance(audit, dict):
        raise cd.Missing(f"{path}: not a swlab audit: the top level is not an object")
    engines = audit.get("engines") or audit.get("rows") or []
    if not isinstance(engines, list) or not engines:
        raise cd.Missing(f"{path}: no engines")
    for i, e in enumerate(engines):
        ok = isinstance(e, dict) and isinstance(e.get("engine"), str) and all(
            isinstance(e.get(k), (bool, type(None))) for k in ("same_digest", "replay_reproduces_run1",
                                                              "replay_reproduces_run2")) and all(
            e.get(k) is None or (isinstance(e.get(k), (int, float)) and not isinstance(e.get(k), bool)
                                 and math.isfinite(e.get(k)) and 0 <= e.get(k) <= sr.MAX_INT)
            for k in ("throughput_with_journal", "throughput_without_journal"))
        if not ok:
            raise cd.Missing(f"{path}: engines[{i}] is malformed (an object with a string 'engine', booleans "
                             "for the replay checks and finite throughputs is expected)")
    for key in ("threads", "commands"):
        if not isinstance(audit.get(key), (int, type(None))) or isinstance(audit.get(key), bool):
            raise cd.Missing(f"{path}: '{key}' must be an integer")
    return dict(audit, engines=engines)


def replays(e: dict) -> bool:
    return bool(e.get("replay_reproduces_run1") and e.get("replay_reproduces_run2"))


def block_sets(d: Path) -> list[tuple[int, sr.Results, sr.Results]]:
    """(block, set without journal, set with it) for every block both halves of which exist."""
    plain = dict(cd.sets(d, "order-plain-r", int))
    journal = dict(cd.sets(d, "order-journal-r", int))
    return [(k, plain[k], journal[k]) for k in sorted(set(plain) & set(journal))]


def run_of(res: sr.Results, engine: str) -> dict | None:
    return next((r for r in res.runs if r["engine"] == engine), None)


def retained(blocks: list[tuple], engine: str) -> tuple[list[float | None], list[int]]:
    """The engine's retained share (journal / none) per block, None where a block cannot
    decide (ce.cross_blocks: a run missing, excluded, or the block across placements)."""
    pairs = [[run_of(p, engine), run_of(j, engine)] for _, p, j in blocks]
    kept, _ = ce.cross_blocks(pairs)
    shares = [None] * len(pairs)
    for i in kept:
        plain, journal = (cd.throughput(r) for r in pairs[i])
        shares[i] = journal / plain if plain > 0 else None
    return shares, kept


def effect(blocks: list[tuple], engines: list[str]) -> tuple[str | None, st.Effect | None, dict]:
    """(best lock, single writer's share over its share per block with interval, shares)."""
    shares = {e: retained(blocks, e)[0] for e in engines}
    locks = [e for e in engines if e in cd.LOCKS]
    if SW not in shares or not locks:
        return None, None, shares
    best = max(locks, key=lambda e: cd.med(shares[e]) or 0)
    both = [(lk, s) for lk, s in zip(shares[best], shares[SW]) if lk is not None and s is not None]
    return best, st.paired_ratio([a for a, _ in both], [b for _, b in both]) if both else None, shares


def control(d: Path, ctx: cd.Context) -> cv.Control:
    if not cd.has(d, "order-control"):
        return cv.Control("durability always vs none", None, "no order-control set")
    res = cd.load(d, "order-control")
    always = next((e for e in cd.engines_in(res) if "durability=always" in e), None)
    if always is None:
        return cv.Control("durability always vs none", None, "no durability=always run in order-control")
    m = ce.paired(res, cd.throughput, {"engine": always}, {"engine": SW})
    return cv.Control(f"{SW} (durability none) / {always}, throughput",
                      cv.Criterion("none / always", m.effect, THRESHOLD))


def every_share(blocks: list[tuple], engine: str) -> list[float]:
    """The engine's retained share in every block that has both runs, usable or not."""
    pairs = [(run_of(p, engine), run_of(j, engine)) for _, p, j in blocks]
    return [cd.throughput(j) / cd.throughput(p) for p, j in pairs if p and j and cd.throughput(p) > 0]


def figure(ctx: cd.Context, blocks: list, engines: list, shares: dict) -> str:
    style = draw.styles(*(p for _, p, _ in blocks))
    fig, (ax, ax2) = draw.plt.subplots(1, 2, figsize=(10, 3.6))
    for i, e in enumerate(engines):
        for offset, half, alpha in ((-0.2, 1, 0.45), (0.2, 2, 1.0)):
            values = [cd.throughput(r) for b in blocks for r in [run_of(b[half], e)] if r]
            draw.bars_with_spread(ax, [i + offset], [values], [style[e].colour], width=0.4)
            ax.patches[-1].set_alpha(alpha)
    ax.set_xticks(range(len(engines)), engines, fontsize=7)
    ax.set_title("1 client: without a journal (pale) and with one", fontsize=9)
    ax.set_ylabel("commands/s (dots: blocks)")
    draw.count_axis(ax)
    for i, e in enumerate(engines):
        usable = [v for v in shares[e] if v is not None]
        every = every_share(blocks, e)
        ax2.scatter([i] * len(every), every, marker="x", s=14, color="grey", linewidths=0.8,
                    label="a block kept out" if i == 0 else None, zorder=2)
        ax2.scatter([i] * len(usable), usable, s=16, color=style[e].colour, zorder=3,
                    label="a usable block" if i == 0 else None)
        if usable:
            ax2.hlines(cd.med(usable), i - 0.25, i + 0.25, color=style[e].colour)
    ax2.set_xticks(range(len(engines)), engines, fontsize=7)
    ax2.set_ylim(bottom=0)
    ax2.set_title("throughput kept with a journal (journal / none; bar: median)", fontsize=9)
    ax2.set_ylabel("share kept")
    draw.legend(ax2, fontsize=7)
    return ctx.save(fig, "3-order.png")


def measure(ctx: cd.Context) -> cd.Section:
    audit = read_audit(ctx.d / "audit.json")
    blocks = block_sets(ctx.d)
    if not blocks:
        raise cd.Missing("no order-plain-r*/order-journal-r* pair of result sets")
    engines = cd.engines_in(blocks[0][1])
    best, eff, shares = effect(blocks, engines)
    path = figure(ctx, blocks, engines, shares)
    by_name = {e["engine"]: e for e in audit["engines"]}
    rows = [[e, cd.rate(cd.med(cd.throughput(r) for _, p, _ in blocks for r in [run_of(p, e)] if r)),
             cd.rate(cd.med(cd.throughput(r) for _, _, j in blocks for r in [run_of(j, e)] if r)),
             (cv.median_interval([s for s in shares[e] if s is not None]) or st.Effect(0, 0, 0, 0)).text(),
             "yes" if replays(by_name.get(e, {})) else ("no" if e in by_name else "not audited")]
            for e in engines]
    numbers = cd.table(["engine", "throughput, no journal", "throughput, journal", "share kept [95%]",
                        "audit: journal replays to each run's state"], rows)
    numbers += cd.method_lines([(f"order-plain-r{k}", p) for k, p, _ in blocks[:1]])
    numbers += [f"Blocks: {len(blocks)}, each the run without a journal and the run with one, back to back "
                "(claims.sh alternates which goes first); the audit: "
                f"{audit.get('commands')} commands x {audit.get('threads')} clients, the same streams twice.", ""]
    failing = [e["engine"] for e in audit["engines"] if not replays(e)]
    condition = cv.Condition("every audited journal replays to its run's exact state",
                             f"{len(audit['engines']) - len(failing)} of {len(audit['engines'])} engines replay exactly"
                             + (f" (not: {', '.join(failing)})" if failing else ""), not failing,
                             "a build whose journals replay exactly (a failure here is a bug, not the machine)")
    criterion = cv.Criterion(f"single writer's retained share / {best or 'no lock'}'s", eff, THRESHOLD)
    said = ("The audit shows every engine's journal is a replayable order, the lock engines' as much as the "
            "single writer's: what differs is what the order costs. " if not failing else "")
    if eff is not None:
        said += (f"With a journal the single writer keeps {cd.med(shares[SW]) or 0:.0%} of its throughput and "
                 f"{best} {cd.med(shares[best]) or 0:.0%}: {eff.text()}.")
    return cd.Section([cd.commands(blocks[0][1]), cd.commands(blocks[0][2]),
                       f"swlab audit --engine {','.join(by_name)} --threads {audit.get('threads')} "
                       f"--commands {audit.get('commands')} --durability {audit.get('durability')}"]
                      + ([cd.commands(cd.load(ctx.d, 'order-control'))] if cd.has(ctx.d, "order-control") else []),
                      path, numbers,
                      [condition, cv.blocks_condition([criterion], cd.kept_out(*(s for b in blocks for s in b[1:])))],
                      [criterion],
                      control(ctx.d, ctx), said)
