"""Simulation study of test and learn against the simulator's known truth.

    python benchmarks/learn.py [--programmes 500] [--workers 2]
    python benchmarks/learn.py --programmes 100      # quick mode while iterating
    python benchmarks/learn.py --targets-only        # check (e) alone

Each programme is one brand account posting 100 times while its audience grows, drawn
from the demo generator's model (``sounding.simulate``: its segments, propensities,
visibility spread and action probabilities), one post at a time without building the
whole launch. Prints one table: interval coverage, planner regret against uniform
rotation and the "winner at 2x median" heuristic, false winners under no effect,
guardrail violations, and how often the report's engagement target is reached.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from multiprocessing import Pool
from typing import Any

import numpy as np

from sounding.analyse.rates import jackknife_covs, rate_effects, share_posterior
from sounding.analyse.variants import LearnSettings, PostOutcomes, analyse_variants
from sounding.plan import FactorArms, default_cap, propose, rotation_baseline
from sounding.report.targets import (
    LIFT_EXPONENT,
    PROBABILITY,
    decided_factors,
    engagement_lifts,
    fit_leaders,
    proven_levels,
)
from sounding.simulate import FACTORS, LaunchConfig
from sounding.simulate.model import propensities

POSTS, BATCH = 100, 1
TARGET_POSTS = (100, 180)  # programme lengths of check (e); the demo's period has 180
WARMUP = max(len(v) for v in FACTORS.values())  # one post per level
NAMES = list(FACTORS)
SIZES = [len(v) for v in FACTORS.values()]


@dataclass(frozen=True)
class World:
    """The model's quantities for one configuration, per segment and per variant."""

    config: LaunchConfig
    share: np.ndarray  # followers' segment mix
    reach: np.ndarray  # (draws, segments): min(1, activity x visibility)
    engage: np.ndarray  # (S, 4, 4, 3, 4)
    reaction: np.ndarray  # (S, 4, 4, 3, 4, 3)
    write: np.ndarray  # per segment: P(reply or quote | engaged)
    true_eng: np.ndarray  # (4, 4, 3, 4): expected engagements per follower
    true_int: np.ndarray  # interest share of written reactions
    true_ani: np.ndarray  # animosity share of written reactions
    true_writes: np.ndarray  # expected written reactions per follower
    cap: float  # 1.5 x the animosity share of uniform rotation
    best: float  # best expected engagement rate among variants within the cap


def build_world(config: LaunchConfig) -> World:
    prop = propensities(config)
    seg = config.segments
    share = np.array([s.size * s.follow for s in seg], dtype=float)
    share /= share.sum()
    act = np.array([s.activity for s in seg])
    vis = np.exp(config.visibility_spread * np.random.default_rng(0).standard_normal(20_000))
    reach = np.minimum(1.0, act[None, :] * vis[:, None])
    write = (config.reply + config.quote) * np.array([s.talk for s in seg])
    w = share * reach.mean(axis=0)  # expected exposures per follower, by segment
    like, repost = np.array(config.like_by_reaction), np.array(config.repost_by_reaction)
    act_r = like + repost  # likes and reposts per engaged member by reaction
    per = np.einsum("s...r,r->s...", prop.reaction, act_r) + write[:, None, None, None, None]
    true_eng = np.einsum("s,s...->...", w, prop.engage * per)
    writes = w[:, None, None, None, None] * prop.engage * write[:, None, None, None, None]
    shares = np.einsum("s...,s...r->...r", writes, prop.reaction) / writes.sum(axis=0)[..., None]
    total = writes.sum(axis=0)
    cap = default_cap(float((total * shares[..., 1]).sum() / total.sum()))
    best = float(true_eng[shares[..., 1] <= cap].max())
    return World(config, share, reach, prop.engage, prop.reaction, write, true_eng,
                 shares[..., 0], shares[..., 1], total, cap, best)


def followers(t: np.ndarray) -> np.ndarray:
    """A growing audience: 40 followers at the first post, 800 at the hundredth."""
    return np.round(40 + 760 * (t / (POSTS - 1)) ** 2)


def simulate_post(world: World, v: tuple[int, ...], n_followers: float,
                  rng: np.random.Generator) -> tuple[float, int, int, int, int]:
    """Engagements, interest, animosity, neutral and written reactions of one post."""
    f = rng.multinomial(int(n_followers), world.share)
    reach = world.reach[rng.integers(len(world.reach))]
    exposed = rng.binomial(f, reach)
    at: tuple[Any, ...] = (slice(None), *v)  # every segment, this variant
    engaged = rng.binomial(exposed, world.engage[at])
    react = np.array([rng.multinomial(n, p) for n, p in
                      zip(engaged, world.reaction[at], strict=True)])
    cfg = world.config
    likes = rng.binomial(react, np.array(cfg.like_by_reaction)).sum()
    reposts = rng.binomial(react, np.array(cfg.repost_by_reaction)).sum()
    written = rng.binomial(react, world.write[:, None]).sum(axis=0)
    return (float(likes + reposts + written.sum()), int(written[0]), int(written[1]),
            int(written[2]), int(written.sum()))


def rotation(rng: np.random.Generator, n: int) -> np.ndarray:
    """Uniform rotation: each factor runs through its levels in blocks, shuffled per block."""
    cols = [np.concatenate([rng.permutation(size) for _ in range(n // size + 1)])[:n]
            for size in SIZES]
    return np.stack(cols, axis=1)


@dataclass
class Log:
    """What a programme posted and observed, post by post."""

    design: list[tuple[int, ...]]
    rows: list[tuple[float, int, int, int, int]]

    def outcomes(self) -> PostOutcomes:
        d = np.array(self.design)
        r = np.array(self.rows, dtype=float)
        t = np.arange(len(d), dtype=float)
        levels = {name: np.array([str(i) for i in d[:, k]]) for k, name in enumerate(NAMES)}
        return PostOutcomes(levels, followers(t), r[:, 0], r[:, 1], r[:, 2], r[:, 3],
                            r[:, 4], time=t)


def post(world: World, log: Log, v: tuple[int, ...], rng: np.random.Generator) -> None:
    log.design.append(v)
    log.rows.append(simulate_post(world, v, float(followers(np.array(len(log.rows)))), rng))


def arms(log: Log) -> tuple[list[FactorArms], float]:
    """The planner's inputs from the data so far (the engine's fast path).

    The objective is each level's effect on the log engagement rate, from one joint fit of
    every factor (:func:`rate_effects`); the guardrail is each level's animosity share,
    with the cap at 1.5 x the share expected under rotation (:func:`rotation_baseline`).
    """
    d, r = np.array(log.design), np.array(log.rows, dtype=float)
    t = np.arange(len(d), dtype=float)
    effects = rate_effects(r[:, 0], followers(t), [(d[:, k], SIZES[k]) for k in
                                                   range(len(NAMES))], t)
    out = []
    for k, name in enumerate(NAMES):
        ani = share_posterior(r[:, 2], r[:, 1] + r[:, 2] + r[:, 3], d[:, k], SIZES[k])
        aa, ab = ani.posterior.moment_matched()
        mean, cov = effects.means[k], effects.covs[k]
        out.append(FactorArms(name, tuple(map(str, range(SIZES[k]))), mean,
                              np.sqrt(np.diag(cov)), aa, ab, "normal", cov))
    return out, default_cap(rotation_baseline(out))


def run_uniform(world: World, rng: np.random.Generator) -> Log:
    log = Log([], [])
    for v in rotation(rng, POSTS):
        post(world, log, tuple(int(x) for x in v), rng)
    return log


def run_heuristic(world: World, rng: np.random.Generator) -> tuple[Log, bool]:
    """Rotate until a post does 2x the median post (per follower), then repeat its variant."""
    log, winner = Log([], []), None
    for v in rotation(rng, POSTS):
        post(world, log, winner or tuple(int(x) for x in v), rng)
        rates = np.array([row[0] for row in log.rows]) / followers(np.arange(len(log.rows)))
        if winner is None and len(rates) > 10 and rates[-1] >= 2 * np.median(rates[:-1]):
            winner = log.design[-1]
    return log, winner is not None


def run_planner(world: World, rng: np.random.Generator) -> tuple[Log, int, int]:
    """One post per level in rotation, then Thompson sampling post by post in the guardrail.

    The posteriors are re-fitted after every post.
    """
    log = Log([], [])
    for v in rotation(rng, WARMUP):
        post(world, log, tuple(int(x) for x in v), rng)
    proposed = violations = 0
    while len(log.rows) < POSTS:
        factor_arms, cap = arms(log)
        for p in propose(factor_arms, min(BATCH, POSTS - len(log.rows)), rng, cap=cap):
            v = tuple(int(p.variant[name]) for name in NAMES)
            proposed += 1
            violations += int(world.true_ani[v] > world.cap)
            post(world, log, v, rng)
    return log, proposed, violations


def regret(world: World, log: Log) -> float:
    return float(sum(world.best - world.true_eng[v] for v in log.design))


def level_truth(world: World, k: int) -> dict[str, np.ndarray]:
    """Per level of factor k, uniform over the other factors' levels."""
    def flat(a: np.ndarray) -> np.ndarray:
        return np.moveaxis(a, k, 0).reshape(SIZES[k], -1)

    w = flat(world.true_writes)
    return {"engagement": flat(world.true_eng).mean(axis=1),
            "interest": (w * flat(world.true_int)).sum(axis=1) / w.sum(axis=1),
            "animosity": (w * flat(world.true_ani)).sum(axis=1) / w.sum(axis=1)}


def coverage(world: World, log: Log, seed: int) -> tuple[int, int]:
    analysis = analyse_variants(log.outcomes(), LearnSettings(draws=500, seed=seed))
    hit = total = 0
    for k, name in enumerate(NAMES):
        truth = level_truth(world, k)
        for metric, values in truth.items():
            for lv in analysis.factor(name).metric(metric).levels:
                hit += int(lv.low <= values[int(lv.level)] <= lv.high)
                total += 1
    return hit, total


def false_winners(log: Log, seed: int) -> dict[str, int]:
    analysis = analyse_variants(log.outcomes(), LearnSettings(draws=2000, seed=seed))
    out = {}
    for metric in ("engagement", "interest"):
        out[metric] = sum(int(max(lv.p_best for lv in f.metric(metric).levels) >= 0.95)
                          for f in analysis.factors)
    return out


EXPLORE = 0.25  # check (e)'s mixed quarter: the share of posts drawn at random


def _predicted(joint: dict[str, Any], quarter: list[dict[str, str]], seen: np.ndarray,
               seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Draws of the quarter's rate over today's with the report's lifts (every effect in
    full, and gains credited at :data:`LIFT_EXPONENT`, on the same draws), averaged over
    the posts weighted by ``seen`` as the truth is; the report weighs its planned posts
    equally, which for a quarter drawn independently of the slots changes nothing on
    average."""
    w = seen / seen.sum()
    full, credited = (engagement_lifts(joint, quarter, np.random.default_rng(seed), e) @ w
                      for e in (1.0, LIFT_EXPONENT))
    return full, credited


def target_check(world: World, rng: np.random.Generator, posts: int) -> dict[str, int]:
    """(e) One rotated programme of ``posts`` posts, then the report's engagement target
    for two quarters of as many posts: one repeating each factor's leading level
    (``leader``), one where each post does so with probability 1 - :data:`EXPLORE` and is
    drawn at random otherwise (``mixed``, a planner that still explores). For each:
    whether it has a target, whether the true lift reaches the target's lift with every
    effect counted in full, and whether it reaches it at the share the report credits.
    The true lift is the quarter's expected rate over the programme's own,
    followers-weighted, with the factors the report leaves out kept as they were posted,
    as the report assumes."""
    design = rotation(rng, posts)
    t = np.arange(posts, dtype=float)
    seen = np.round(40 + 760 * (t / (posts - 1)) ** 2)
    counts = np.array([simulate_post(world, tuple(int(x) for x in v), float(f), rng)[0]
                       for v, f in zip(design, seen, strict=True)])
    indices = [(design[:, k], SIZES[k]) for k in range(len(NAMES))]
    fit = rate_effects(counts, seen, indices, t)
    covs = jackknife_covs(counts, seen, indices, t)
    joint = {name: {"levels": [str(i) for i in range(SIZES[k])],
                    "posts": np.bincount(design[:, k], minlength=SIZES[k]).tolist(),
                    "mean": fit.means[k].tolist(), "cov": covs[k].tolist()}
             for k, name in enumerate(NAMES)}
    leaders = {name: level for name, (level, _) in fit_leaders(joint).items()}
    explore = rng.random(posts) < EXPLORE
    quarters = {"leader": [leaders] * posts,
                "mixed": [{name: str(rng.integers(SIZES[k])) for k, name in enumerate(NAMES)}
                          if x else leaders for x in explore]}
    proven = proven_levels(joint)
    posted = np.array([world.true_eng[tuple(int(x) for x in v)] for v in design])
    out: dict[str, int] = {}
    for kind, quarter in quarters.items():
        has = any(v[name] in proven[name] for v in quarter for name in NAMES)
        out |= {f"{kind}_target": int(has), f"{kind}_full": 0, f"{kind}_credited": 0}
        if not has:
            continue
        moved = [NAMES.index(name) for name in decided_factors(joint, quarter)]
        planned = [tuple(int(q[NAMES[k]]) if k in moved else int(v[k])
                         for k in range(len(NAMES))) for v, q in zip(design, quarter, strict=True)]
        truth = (seen @ np.array([world.true_eng[v] for v in planned])) / (seen @ posted)
        full, credited = _predicted(joint, quarter, seen, int(rng.integers(2**31)))
        q = 1.0 - PROBABILITY
        out[f"{kind}_full"] = int(truth >= np.quantile(full, q))
        out[f"{kind}_credited"] = int(truth >= np.quantile(credited, q))
    return out


def null_config(config: LaunchConfig) -> LaunchConfig:
    return replace(config, effects=(),
                   segments=tuple(replace(s, effects=()) for s in config.segments))


_WORLDS: dict[str, World] = {}


def programme(seed: int) -> dict[str, float]:
    """One seed: the three strategies on the default model, and one null programme."""
    if not _WORLDS:
        _WORLDS["real"] = build_world(LaunchConfig())
        _WORLDS["null"] = build_world(null_config(LaunchConfig()))
    real, null = _WORLDS["real"], _WORLDS["null"]
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)]
    uniform = run_uniform(real, rngs[0])
    heuristic, _ = run_heuristic(real, rngs[1])
    planner, proposed, violations = run_planner(real, rngs[2])
    hit, total = coverage(real, uniform, seed)
    null_log = run_uniform(null, rngs[3])
    _, heuristic_claims = run_heuristic(null, rngs[4])
    fw = false_winners(null_log, seed)
    return {**targets_programme(seed, rngs[5]), "regret_uniform": regret(real, uniform),
            "regret_heuristic": regret(real, heuristic),
            "regret_planner": regret(real, planner), "proposed": proposed,
            "violations": violations, "covered": hit, "intervals": total,
            "fw_engagement": fw["engagement"], "fw_interest": fw["interest"],
            "fw_heuristic": int(heuristic_claims)}


def targets_programme(seed: int, rng: np.random.Generator | None = None) -> dict[str, float]:
    """Check (e) alone for one seed, at each of :data:`TARGET_POSTS`."""
    if "real" not in _WORLDS:
        _WORLDS["real"] = build_world(LaunchConfig())
    rng = rng or np.random.default_rng(np.random.SeedSequence(seed).spawn(6)[5])
    out: dict[str, float] = {}
    for posts in TARGET_POSTS:
        out |= {f"{key}_{posts}": v
                for key, v in target_check(_WORLDS["real"], rng, posts).items()}
    return out


def target_row(s: dict[str, float], n: int) -> str:
    def reached(kind: str, way: str) -> str:
        return ", ".join(f"{100 * s[f'{kind}_{way}_{p}'] / max(s[f'{kind}_target_{p}'], 1):.0f}%"
                         f" ({p} posts)" for p in TARGET_POSTS)

    def with_target(kind: str) -> str:
        return ", ".join(f"{int(s[f'{kind}_target_{p}'])} of {n} ({p} posts)"
                         for p in TARGET_POSTS)

    return (f"| (e) engagement target reached | {reached('leader', 'credited')}; mixed: "
            f"{reached('mixed', 'credited')} | >= {100 * PROBABILITY:.0f}% | the report's "
            f"target for a quarter of each factor's leader, gains' log-lift credited at "
            f"{LIFT_EXPONENT:g}, losses in full; credited in full: "
            f"{reached('leader', 'full')}; mixed, {100 * EXPLORE:.0f}% of the posts drawn at "
            f"random: credited in full {reached('mixed', 'full')}; programmes with a target: "
            f"{with_target('leader')}; mixed {with_target('mixed')} |")


def table(rows: list[dict[str, float]], seconds: float, workers: int) -> str:
    n = len(rows)
    s = {k: float(sum(r[k] for r in rows)) for k in rows[0]}
    cov = s["covered"] / s["intervals"]
    ratio, h_ratio = s["regret_planner"] / s["regret_uniform"], \
        s["regret_heuristic"] / s["regret_uniform"]
    factors = n * len(NAMES)
    lines = [
        f"| check | result | goal | ({n} programmes of {POSTS} posts, {seconds:.0f} s, "
        f"{workers} workers) |",
        "|---|---|---|---|",
        f"| (a) coverage of 95% intervals | {100 * cov:.1f}% | 93-97% | "
        f"{int(s['intervals'])} level x metric intervals (engagement, interest, animosity) |",
        f"| (b) regret, planner / uniform | {ratio:.2f} | <= 0.60 | mean cumulative regret "
        f"per programme: planner {s['regret_planner'] / n:.3f}, uniform "
        f"{s['regret_uniform'] / n:.3f}, heuristic {s['regret_heuristic'] / n:.3f} "
        f"(heuristic / uniform {h_ratio:.2f}); engagements per follower |",
        f"| (c) false winners, no true effect | {100 * s['fw_interest'] / factors:.1f}% "
        f"(interest), {100 * s['fw_engagement'] / factors:.1f}% (engagement) | <= 5% | "
        f"per factor; heuristic: {100 * s['fw_heuristic'] / n:.1f}% of programmes |",
        f"| (d) guardrail violations | {100 * s['violations'] / s['proposed']:.1f}% | <= 5% | "
        f"of {int(s['proposed'])} proposed posts whose true animosity share exceeds the cap |",
        target_row(s, n),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programmes", type=int, default=500)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--targets-only", action="store_true",
                        help="run check (e) alone (a few seconds per 100 programmes)")
    args = parser.parse_args()
    start = time.perf_counter()
    with Pool(args.workers) as pool:
        rows = pool.map(targets_programme if args.targets_only else programme,
                        range(args.programmes), chunksize=4)
    print(f"{datetime.now(UTC):%Y-%m-%d} {platform.machine()} {os.cpu_count()} cores")
    if args.targets_only:
        s = {k: float(sum(r[k] for r in rows)) for k in rows[0]}
        print("| check | result | goal | notes |\n|---|---|---|---|")
        print(target_row(s, len(rows)))
        return
    print(table(rows, time.perf_counter() - start, args.workers))


if __name__ == "__main__":
    main()
