#!/usr/bin/python3
"""Claim 7, when not to use it: where the work parallelises, the lock engines win
(docs/claims.md). Its own experiment: work outside the critical section, and trivial state."""

from __future__ import annotations

import claim_data as cd
import claim_draw as draw
import claim_effects as ce
import claim_verdict as cv
import swlab_results as sr
import swlab_stats as st
from claim_data import SW

THRESHOLD = 1.10
PARALLEL = 1.5  # the parallel work ran in parallel: the best lock's c-client throughput over its 1-client
PARALLEL_NS = 1000

SPEC = cv.Spec(
    claim="The pattern is the wrong tool when the work parallelises: with the work outside the critical "
          "section, the lock engines win.",
    precondition=f"some c with 2 <= c <= CPUs at which (a) the parallel work ran in parallel: the best lock "
                 f"engine's throughput at c clients over its 1-client throughput (`--parallel-work-ns "
                 f"{PARALLEL_NS}`, per block) has its lower bound >= {PARALLEL:.1f}x, and (b) the single writer's "
                 "runs at c were not oversubscribed (c clients + its engine thread <= logical CPUs), so that "
                 "the lock engines' lead is not the single writer's missing core",
    effect=f"the best lock engine's throughput over the single writer's at the largest such c, "
           f"`--parallel-work-ns {PARALLEL_NS}`, per block",
    threshold=f"{THRESHOLD:.2f}x",
    rule=f"holds iff the 95% interval's lower bound >= {THRESHOLD:.2f}x",
    control="trivial state, no work, 1 client: the inline lock (best lock) over the single writer's cross-core "
            "hand-off must pass the same rule")


def best_at(res: sr.Results, threads: int) -> str | None:
    locks = {e: cd.tput(res, engine=e, threads=threads) for e in cd.plain_locks(res)}
    locks = {e: v for e, v in locks.items() if v}
    return max(locks, key=locks.get) if locks else None


def scaling(res: sr.Results, c: int) -> tuple[str | None, st.Effect | None]:
    """The best lock at c and its throughput at c over at 1 client, per block."""
    lock = best_at(res, c)
    if lock is None:
        return None, None
    return lock, ce.paired(res, cd.throughput, {"threads": 1}, {"threads": c}, engine=lock).effect


def conditions_for(res: sr.Results, cpus: int) -> tuple[list[cv.Condition], int]:
    counts = sorted(t for t in {r["threads"] for r in res.runs} if 2 <= t <= cpus)
    rows, fit = [], []
    for c in counts:
        lock, e = scaling(res, c)
        sw_runs = cd.all_runs(res, engine=SW, threads=c)
        over = any(map(cd.oversubscribed, sw_runs))
        parallel = e is not None and e.low >= PARALLEL
        rows.append((c, lock, e, over, max(map(cd.busy_threads, sw_runs), default=0)))
        if parallel and not over:
            fit.append(c)
    at = max(fit) if fit else (max(counts) if counts else 1)
    scaled = [r for r in rows if r[2] is not None and r[2].low >= PARALLEL]
    return [
        cv.Condition(f"the parallel work ran in parallel: the best lock gains >= {PARALLEL:.1f}x from 1 to c clients",
                     "; ".join(f"c = {c}: {lock} {e.text() if e else '-'}" for c, lock, e, _, _ in rows)
                     or f"no client count from 2 to {cpus}", bool(scaled),
                     "an idle machine with at least 2 cores free for the clients"),
        cv.Condition("at such a c, the single writer's runs not oversubscribed",
                     "; ".join(f"c = {c}: {busy} busy threads" for c, _, _, _, busy in (scaled or rows))
                     + f", on {cpus} logical CPUs", bool(fit),
                     f"a machine with at least {min((c for c, *_ in rows), default=2) + 1} logical CPUs (2 clients "
                     "working in parallel and the engine thread each on a core)"),
    ], at


def panel(ax, res: sr.Results, title: str, style: dict) -> None:
    for e in cd.engines_in(res):
        pts = sorted({r["threads"] for r in cd.all_runs(res, engine=e)})
        draw.line_with_spread(ax, pts, lambda t: cd.runs_in(res, engine=e, threads=t), cd.throughput, style[e], e)
    ax.set_xticks(sorted({r["threads"] for r in res.runs}))
    ax.set_xlabel("client threads")
    ax.set_ylabel("commands/s (dots: repetitions)")
    draw.count_axis(ax)
    ax.set_title(title, fontsize=9)
    draw.legend(ax, fontsize=6)


def measure(ctx: cd.Context) -> cd.Section:
    for name in ("not-to-use-p1000", "not-to-use-p0"):
        if not cd.has(ctx.d, name):
            raise cd.Missing(f"no {name}/results.json")
    par, trivial = cd.load(ctx.d, "not-to-use-p1000"), cd.load(ctx.d, "not-to-use-p0")
    style = draw.styles(par, trivial)
    fig, axes = draw.plt.subplots(1, 2, figsize=(10, 3.6))
    panel(axes[0], par, f"{PARALLEL_NS} ns of work in the clients", style)
    panel(axes[1], trivial, "trivial state, no work", style)
    path = ctx.save(fig, "7-not-to-use.png")
    rows = []
    for label, res in (("parallel work", par), ("no work", trivial)):
        for t in sorted({r["threads"] for r in res.runs}):
            best, m = cd.best_lock(res, cd.throughput, lock_over=True, threads=t)
            rows.append([label, t, cd.rate(cd.tput(res, engine=SW, threads=t)),
                         f"{best} {cd.rate(m.b if m else None)}" if best else "-", m.text() if m else "-",
                         max((cd.busy_threads(r) for r in cd.all_runs(res, engine=SW, threads=t)), default="-")])
    numbers = cd.table(["shape", "clients", "single-writer", "best lock", "lock / sw [95%]",
                        "single writer's busy threads"], rows)
    numbers += cd.method_lines([("not-to-use-p1000", par), ("not-to-use-p0", trivial)])
    conditions, at = conditions_for(par, ctx.cpus)
    best, m = cd.best_lock(par, cd.throughput, lock_over=True, threads=at)
    criterion = cv.Criterion(f"best lock ({best or 'none usable'}) / single writer at c = {at}",
                             m.effect if m else None, THRESHOLD)
    cbest, cm = cd.best_lock(trivial, cd.throughput, lock_over=True, threads=1)
    control = cv.Control(f"no work, 1 client: {cbest} / single writer",
                         cv.Criterion("inline lock / hand-off", cm.effect if cm else None, THRESHOLD))
    said = (f"At c = {at} with the work in the clients, {best} serves {cd.rate(m.b)} against the single writer's "
            f"{cd.rate(m.a)} ({m.text()})." if m and m.effect else "")
    return cd.Section([cd.commands(par), cd.commands(trivial)], path, numbers,
                      conditions + [cv.blocks_condition([criterion], cd.kept_out(par))], [criterion], control, said)
