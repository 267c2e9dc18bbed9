"""Medians over repeated runs, printed beside a fixed reference loop run in the same
process, so a noisy machine shows up in the reference and the ratio stays readable."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    name: str
    median_us: float
    spread_us: float  # interquartile range across repeats
    target_us: float | None = None

    def line(self, reference_us: float) -> str:
        target = f"  target <= {self.target_us:,.0f} us" if self.target_us else ""
        verdict = ""
        if self.target_us:
            verdict = "  ok" if self.median_us <= self.target_us else "  OVER"
        return (
            f"{self.name:<48} {self.median_us:>10.2f} us  (IQR {self.spread_us:.2f})"
            f"  x{self.median_us / reference_us:>7.2f} ref{target}{verdict}"
        )


def measure(
    name: str,
    call: Callable[[], object],
    *,
    number: int,
    repeats: int = 15,
    target_us: float | None = None,
) -> Figure:
    """Median microseconds per call over `repeats` runs of `number` calls."""
    call()  # warm caches (tier tables, rates)
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            call()
        samples.append((time.perf_counter() - start) / number * 1e6)
    quartiles = statistics.quantiles(samples, n=4)
    return Figure(name, statistics.median(samples), quartiles[2] - quartiles[0], target_us)


def reference() -> Figure:
    """A fixed pure-Python workload: its time tracks how busy the machine is."""

    def work() -> int:
        total = 0
        for i in range(1000):
            total += i * i % 7
        return total

    return measure("reference loop (1,000 integer ops)", work, number=200)
