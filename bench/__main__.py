"""`make bench`: every benchmark's medians, beside the reference loop."""

from __future__ import annotations

import logging
import platform

from bench import (
    alerts_bench,
    charts_bench,
    commands_bench,
    engine_bench,
    hyperliquid_bench,
    positions_bench,
    telegram_bench,
)
from bench.timing import reference
from engine.tiers import load_tier_book


def main() -> None:
    # the benchmarked bot polls no reachable exchange: its feed warnings are noise here
    logging.getLogger("bot").setLevel(logging.ERROR)
    print(f"IsoCross benchmarks on {platform.python_implementation()} {platform.python_version()}")
    print("medians over 15 repeats; 'x ref' = time / reference loop, steadier under load\n")
    ref = reference()
    print(ref.line(ref.median_us))
    book = load_tier_book()
    figures = engine_bench.run(book)
    for figure in figures:
        print(figure.line(ref.median_us))
    cross = figures[-1]
    print(f"\npositions evaluated per second (10-position cross): {10e6 / cross.median_us:,.0f}")
    for figure in commands_bench.run():
        print(figure.line(ref.median_us))
        print(
            f"commands per second through the layer: {1e6 / figure.median_us:,.0f}"
            "  (target >= 1,000)"
        )
    for figure in positions_bench.run():
        n = int(figure.name.split()[2].replace(",", ""))
        print(f"{figure.line(ref.median_us)}  {figure.median_us / n:,.0f} us/position")
    print()
    for line in alerts_bench.run(book):
        print(line)
    for line in hyperliquid_bench.run():
        print(line)
    for figure in charts_bench.run(book):
        print(figure.line(ref.median_us))
        if figure.target_us:
            print(f"  = {figure.median_us / 1000:.0f} ms median per chart  (target < 300 ms)")
    for line in telegram_bench.run().lines():
        print(line)
    print(f"reference loop after the run: {reference().median_us:.2f} us")


if __name__ == "__main__":
    main()
