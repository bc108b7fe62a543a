#!/usr/bin/python3
"""Claim 4, backpressure: a bounded queue with an explicit policy degrades gracefully past
capacity (docs/claims.md)."""

from __future__ import annotations

import re

import claim_data as cd
import claim_draw as draw
import claim_effects as ce
import claim_verdict as cv
import swlab_results as sr
import swlab_style as swstyle
from claim_data import SW

THRESHOLD = 1.10
GOODPUT_FLOOR = 0.90
CAPACITY = 64           # the bounded queue: far below the connections' requests in flight
UNBOUNDED = 1 << 20     # the control's queue: never full at these connections

SPEC = cv.Spec(
    claim="A bounded queue with an explicit policy (reject, priority, block) degrades gracefully past capacity: "
          "the requests it admits keep a short tail.",
    precondition=f"in the service shape at the most connections (4,096 in the long form, 1,024 otherwise) on "
                 f"W = max(1, CPUs - 1) workers, each connection pausing (`--think`) so that every engine is offered "
                 f"4x the single writer's own capacity in that shape, with capacity {CAPACITY}: the queue reached "
                 "capacity, i.e. "
                 "`summary.shed` > 0 (median over the runs) for `overload=reject` and for `overload=priority`, "
                 "and no run of the comparison was oversubscribed",
    effect="the best lock engine's p99 (the lock with the lowest median) over `single-writer:overload=reject`'s "
           "p99 of admitted requests; and reject's goodput within 1 ms over the best lock's goodput",
    threshold=f"p99 ratio {THRESHOLD:.2f}x; goodput ratio {GOODPUT_FLOOR:.2f}x",
    rule=f"holds iff the p99 ratio's 95% interval has its lower bound >= {THRESHOLD:.2f}x and the goodput "
         f"ratio's lower bound >= {GOODPUT_FLOOR:.2f}x",
    control=f"an unbounded queue past capacity (`single-writer:overload=block:capacity={UNBOUNDED}`): its p99 over "
            "reject's must pass the p99 rule (the experiment sees a queue's tail where one must appear)")


def option(spec: str, name: str) -> str | None:
    found = re.search(rf"(?:^|:){re.escape(name)}=([^:]+)", spec)
    return found.group(1) if found else None


def policy(spec: str) -> str | None:
    """reject / priority / block for a single-writer spec with the bounded capacity; None for
    the unbounded control and the lock engines."""
    if swstyle.engine_base(spec) != SW or int(option(spec, "capacity") or 0) >= UNBOUNDED:
        return None
    return option(spec, "overload") or "block"


def spec_of(res, name: str) -> str | None:
    return next((e for e in cd.engines_in(res) if policy(e) == name), None)


def unbounded(res) -> str | None:
    return next((e for e in cd.engines_in(res) if swstyle.engine_base(e) == SW
                 and int(option(e, "capacity") or 0) >= UNBOUNDED), None)


def conditions_for(res, c: int, cpus: int) -> list[cv.Condition]:
    specs = set(cd.plain_locks(res)) | {e for e in cd.engines_in(res) if policy(e)}
    runs = [r for r in res.runs if r["engine"] in specs]
    busiest = max((cd.busy_threads(r) for r in runs), default=0)
    sheds = {name: cd.med(cd.shed(r) for r in cd.all_runs(res, engine=spec_of(res, name)))
             for name in ("reject", "priority") if spec_of(res, name)}
    filled = bool(sheds) and "reject" in sheds and all((v or 0) > 0 for v in sheds.values())
    return [
        cv.Condition(f"the queue reached capacity at c = {c}",
                     "median shed per run: " + (", ".join(f"{k} {int(v or 0):,}" for k, v in sheds.items())
                                                or "no reject run"), filled,
                     f"more requests in flight than the capacity holds: connections far above {CAPACITY} "
                     "whose workers can offer more than the engine serves"),
        cv.Condition(f"no oversubscribed run at c = {c}", f"at most {busiest} busy threads on {cpus} logical CPUs",
                     not any(map(cd.oversubscribed, runs)), f"a machine with at least {busiest} logical CPUs"),
    ]


def rows_for(sets_: list) -> list:
    rows = []
    for c, res in sets_:
        for e in cd.engines_in(res):
            rows.append([c, e, cd.rate(cd.tput(res, engine=e)),
                         cd.rate(cd.med(cd.goodput(r) for r in cd.all_runs(res, engine=e))),
                         cd.ns(cd.p99(res, engine=e)),
                         f"{int(cd.med(cd.shed(r) for r in cd.all_runs(res, engine=e)) or 0):,}"])
    return rows


def figure(ctx: cd.Context, sets_: list) -> str:
    style = draw.styles(*(r for _, r in sets_))
    fig, axes = draw.plt.subplots(1, 2, figsize=(12, 3.9))
    centres = draw.grouped_bars(axes[0], sets_, cd.p99_of, style, 1e-9)
    axes[0].set_title("p99 of admitted requests (dots: repetitions)", fontsize=9)
    axes[0].set_ylabel("p99")
    draw.log_axis(axes[0], "y", "s")
    draw.grouped_bars(axes[1], sets_, cd.goodput, style)
    axes[1].set_title("goodput: answered within 1 ms, per second", fontsize=9)
    axes[1].set_ylabel("commands/s within 1 ms")
    draw.count_axis(axes[1])
    for ax in axes:
        ax.set_xticks(centres, [f"{c} connections" for c, _ in sets_])
    draw.legend(axes[0], fontsize=5)
    return ctx.save(fig, "4-backpressure.png")


def goodput_said(res, glock, g) -> str:
    """Reject's goodput against the best lock's, or why it is not measured."""
    if g and glock:
        return f"its goodput within 1 ms is {cd.rate(g.b)} against {glock}'s {cd.rate(g.a)}"
    if any(sr.buckets_of(r) for r in res.runs):
        return "its goodput within 1 ms is not measured (no lock has a usable block)"
    return ("its goodput within 1 ms is not measured (it is read from the histograms' buckets, which a "
            "slimmed file no longer holds)")


def measure(ctx: cd.Context) -> cd.Section:
    sets_ = cd.sets(ctx.d, "backpressure-c", int)
    if not sets_:
        raise cd.Missing("no backpressure-c*/results.json")
    path = figure(ctx, sets_)
    numbers = cd.table(["connections", "engine", "throughput", "goodput (1 ms)", "p99", "shed (median)"],
                       rows_for(sets_))
    numbers += cd.method_lines([(f"backpressure-c{c}", r) for c, r in sets_])
    c, res = sets_[-1]
    reject = spec_of(res, "reject") or f"{SW}:overload=reject"
    lock, m = cd.best_lock(res, cd.p99_of, higher_is_better=False, against=reject, lock_over=True)
    glock, g = cd.best_lock(res, cd.goodput, against=reject)
    criteria = [cv.Criterion(f"best lock ({lock or 'none usable'}) p99 / reject's at c = {c}",
                             m.effect if m else None, THRESHOLD),
                cv.Criterion(f"reject's goodput / best lock's ({glock or 'none usable'})",
                             g.effect if g else None, GOODPUT_FLOOR)]
    big = unbounded(res)
    if big:
        mc = ce.paired(res, cd.p99_of, {"engine": reject}, {"engine": big})
        control = cv.Control(f"unbounded queue p99 / reject's at c = {c}",
                             cv.Criterion(f"{big} / reject", mc.effect, THRESHOLD))
    else:
        control = cv.Control("an unbounded queue past capacity", None, "no unbounded single-writer run in the set")
    said = ""
    if m and m.effect:
        said = (f"At {c} connections reject admits what its queue of {CAPACITY} holds and answers them with p99 "
                f"{cd.ns(m.a)}, against {lock}'s {cd.ns(m.b)} ({lock} / reject {m.text()}); "
                f"{goodput_said(res, glock, g)}.")
    return cd.Section([cd.commands(r) for _, r in sets_], path, numbers,
                      conditions_for(res, c, ctx.cpus) + [cv.blocks_condition(criteria, cd.kept_out(res))],
                      criteria, control, said)
