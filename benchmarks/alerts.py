"""Spike alerts: false alarms on simulated quiet series, detection of injected spikes.

Run: ``python benchmarks/alerts.py [--weeks 52] [--seed 0]``. Prints two tables:

1. false alarms per day (hourly rule, last hour vs previous 12) and per week (daily
   rule, last day vs previous 14 days) on quiet series: Poisson, over-dispersed
   (Gamma-Poisson, variance = mean + 0.3 mean²) and, for the hourly rule, a Poisson
   series with a day/night cycle (×0.3 at night, ×1.7 in the afternoon);
2. detection rate and median delay (in buckets) of spikes injected into the Poisson
   and over-dispersed series: the rate is multiplied by 3 or 5 for 3 hours (hourly)
   or 2 days (daily), and the animosity share rises from 10% to 30% or 45%.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import numpy as np

from sounding.analyse.spikes import WINDOWS, scan_shares, scan_volume

Series = Callable[[np.random.Generator, int], np.ndarray]


def poisson(mean: float) -> Series:
    return lambda rng, n: rng.poisson(mean, n)


def overdispersed(mean: float, phi: float = 0.3) -> Series:
    return lambda rng, n: rng.poisson(rng.gamma(1 / phi, mean * phi, n))


def diurnal(mean: float) -> Series:
    def draw(rng: np.random.Generator, n: int) -> np.ndarray:
        hour = np.arange(n) % 24
        shape = 1 + 0.7 * np.sin((hour - 9) / 24 * 2 * np.pi)
        return rng.poisson(mean * shape)
    return draw


def false_alarms(series: Series, window: int, buckets: int, seed: int) -> float:
    rng = np.random.default_rng(seed)
    counts = series(rng, buckets + window)
    return float(scan_volume(counts, window)[window:].sum())


def share_false_alarms(mean: float, share: float, window: int, buckets: int, seed: int
                       ) -> float:
    rng = np.random.default_rng(seed)
    totals = rng.poisson(mean, buckets + window)
    hits = rng.binomial(totals, share)
    return float(scan_shares(hits, totals, window)[window:].sum())


def detect(series: Series, window: int, factor: float, length: int, trials: int,
           seed: int) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    found, delays = 0, []
    for _ in range(trials):
        counts = series(rng, window + 6 + length).astype(float)
        start = window + 6
        counts[start:] = rng.poisson(counts[start:] * factor)
        flags = scan_volume(counts.astype(np.int64), window)
        hit = np.flatnonzero(flags[start:])
        if hit.size:
            found += 1
            delays.append(int(hit[0]))
    return found / trials, float(np.median(delays)) if delays else float("nan")


def detect_share(mean: float, base: float, high: float, window: int, length: int,
                 trials: int, seed: int) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    found, delays = 0, []
    for _ in range(trials):
        totals = rng.poisson(mean, window + 6 + length)
        shares = np.full(len(totals), base)
        shares[window + 6:] = high
        flags = scan_shares(rng.binomial(totals, shares), totals, window)
        hit = np.flatnonzero(flags[window + 6:])
        if hit.size:
            found += 1
            delays.append(int(hit[0]))
    return found / trials, float(np.median(delays)) if delays else float("nan")


def quiet_table(weeks: int, seed: int) -> list[str]:
    hours, days = weeks * 7 * 24, weeks * 7
    hw, dw = WINDOWS["hour"][1], WINDOWS["day"][1]
    rows = ["| quiet series | mean | hourly rule: false alarms / day | "
            "daily rule: false alarms / week |", "|---|---|---|---|"]
    for mean in (2.0, 10.0, 50.0):
        for name, make in (("Poisson", poisson), ("over-dispersed", overdispersed)):
            h = false_alarms(make(mean), hw, hours, seed) / (hours / 24)
            d = false_alarms(make(mean * 24), dw, days, seed + 1) / (days / 7)
            rows.append(f"| {name} | {mean:g}/h | {h:.4f} | {d:.4f} |")
        h = false_alarms(diurnal(mean), hw, hours, seed) / (hours / 24)
        rows.append(f"| Poisson, day/night cycle | {mean:g}/h | {h:.4f} | n/a |")
        h = share_false_alarms(mean, 0.1, hw, hours, seed) / (hours / 24)
        d = share_false_alarms(mean * 24, 0.1, dw, days, seed + 1) / (days / 7)
        rows.append(f"| animosity share 10% (binomial) | {mean:g}/h | {h:.4f} | {d:.4f} |")
    return rows


def spike_table(trials: int, seed: int) -> list[str]:
    hw, dw = WINDOWS["hour"][1], WINDOWS["day"][1]
    rows = ["| injected spike | mean | hourly: detected, median delay (h) | "
            "daily: detected, median delay (d) |", "|---|---|---|---|"]
    for mean in (2.0, 10.0, 50.0):
        for factor in (3.0, 5.0):
            for name, make in (("Poisson", poisson), ("over-dispersed", overdispersed)):
                h = detect(make(mean), hw, factor, 3, trials, seed)
                d = detect(make(mean * 24), dw, factor, 2, trials, seed)
                rows.append(f"| volume ×{factor:g}, {name} | {mean:g}/h | {h[0]:.0%}, {h[1]:g} "
                            f"| {d[0]:.0%}, {d[1]:g} |")
        for high in (0.3, 0.45):
            h = detect_share(mean, 0.1, high, hw, 3, trials, seed)
            d = detect_share(mean * 24, 0.1, high, dw, 2, trials, seed)
            rows.append(f"| animosity 10% → {high:.0%} | {mean:g}/h | {h[0]:.0%}, {h[1]:g} | "
                        f"{d[0]:.0%}, {d[1]:g} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=52, help="length of each quiet series")
    parser.add_argument("--trials", type=int, default=200, help="injected spikes per cell")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"Quiet series, {args.weeks} weeks each (rules: alpha 0.001, at least 5 mentions "
          "and x1.5 for volume, at least 3 and +10 points for animosity)\n")
    print("\n".join(quiet_table(args.weeks, args.seed)))
    print(f"\nInjected spikes, {args.trials} trials per cell (delay 0 = the first bucket)\n")
    print("\n".join(spike_table(args.trials, args.seed)))


if __name__ == "__main__":
    main()
