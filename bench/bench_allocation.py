"""Benchmark of rules.allocate: time per size, and the ratio to sorting the same records.

Run: .venv/bin/python bench/bench_allocation.py [--sizes 10000,100000,1000000] [--repeat 3]
Targets: 100k awards in under 1.5 s and at most 3× the time of sorting them by (approved_at, id).
"""

import argparse
import gc
import random
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from math import log
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rules import AwardInput, allocate, load_rulebook

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_YEAR, YEARS = 2025, 10


def make_awards(n: int, seed: int = 20250101) -> tuple[dict[int, Decimal], list[AwardInput]]:
    """n random approved awards over the 13 items of the shipped rules, and 10 yearly budgets."""
    rng = random.Random(seed)
    version = load_rulebook().latest
    items = list(version.items.values())
    start = datetime(FIRST_YEAR, 1, 1, tzinfo=SHANGHAI)
    seconds = YEARS * 365 * 86400
    awards = []
    for i in range(n):
        rule = items[rng.randrange(len(items))]
        # Whole-yuan fractions of the item's maximum keep the amounts realistic and varied.
        amount = (rule.max_amount * rng.randint(1, 100) / 100).quantize(Decimal("0.01"))
        awards.append(
            AwardInput(
                id=f"A-{i:07d}",
                item=rule.code,
                amount=amount,
                approved_at=start + timedelta(seconds=rng.randrange(seconds)),
                quota_exempt=rng.random() < 0.01,
            )
        )
    budgets = {
        FIRST_YEAR + y: Decimal(rng.randrange(5_000_000, 20_000_000)).quantize(Decimal("0.01"))
        for y in range(YEARS)
    }
    return budgets, awards


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    """The fastest of `repeat` runs, with the garbage collector off as timeit does."""
    times = []
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        finally:
            gc.enable()
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    header = ("awards", "allocate s", "sort s", "ratio", "paid", "growth", "n log n growth")
    print("{:>9} {:>10} {:>8} {:>6} {:>6} {:>7} {:>15}".format(*header))
    previous: tuple[int, float] | None = None
    results = {}
    for n in sizes:
        budgets, awards = make_awards(n)
        sort_s = best_of(
            args.repeat, lambda awards=awards: sorted(awards, key=lambda a: (a.approved_at, a.id))
        )
        plan = allocate(budgets, awards, strategy="fill", quota_per_item=5)
        alloc_s = best_of(
            args.repeat,
            lambda budgets=budgets, awards=awards: allocate(
                budgets, awards, strategy="fill", quota_per_item=5
            ),
        )
        paid = sum(1 for year in plan.awards.values() if year is not None)
        growth = predicted = ""
        if previous:
            n0, t0 = previous
            growth = f"{alloc_s / t0:.1f}×"
            predicted = f"{n * log(n) / (n0 * log(n0)):.1f}×"
        ratio = alloc_s / sort_s
        row = (n, alloc_s, sort_s, ratio, paid, growth, predicted)
        print("{:>9} {:>10.3f} {:>8.3f} {:>6.2f} {:>6} {:>7} {:>15}".format(*row))
        previous = (n, alloc_s)
        results[n] = (alloc_s, sort_s)

    if 100_000 in results:
        alloc_s, sort_s = results[100_000]
        ok = alloc_s < 1.5 and alloc_s <= 3 * sort_s
        print(f"100k target (< 1.5 s and ≤ 3× sort): {'met' if ok else 'MISSED'}")
        if not ok:
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
