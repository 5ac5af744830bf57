"""Benchmark of the council draw: LEXIMIN on two synthetic pools, next to the Sortition
Foundation's ``sortition-algorithms`` when it is installed (``pip install -e ".[peer]"``; its
LEXIMIN also needs ``gurobipy``, whose free licence is size-limited).

    python -m bench.draw [--peer-timeout SECONDS] [--no-peer]

The pools come from a seeded generator, so every run measures the same pools:

- ``600/30``: 600 candidates, 30 seats; quotas on gender (parity), 4 age bands, 5 neighbourhoods;
- ``2000/60``: 2,000 candidates, 60 seats; quotas on gender, 4 age bands, 10 neighbourhoods,
  education (3 levels) and housing (owner, tenant, social housing).

As in real calls, volunteers do not look like the population: the pools lean towards older
people, some neighbourhoods and home owners, while the quotas follow the population. For each
pool and algorithm the run prints the time and the smallest selection probability.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sys
import time
from dataclasses import dataclass

from plugins.council_draw.selection.leximin import leximin
from plugins.council_draw.selection.problem import Candidate, Problem, Quota

SEED = 20210805  # the day the Nature article came out


@dataclass(frozen=True)
class Feature:
    """A feature: its values, how volunteers spread over them, and the seats' target shares."""

    name: str
    values: tuple[str, ...]
    pool_weights: tuple[float, ...]
    target_shares: tuple[float, ...]
    slack: int


SMALL = (
    Feature("gender", ("woman", "man"), (55, 45), (0.5, 0.5), 0),
    Feature("age", ("16-29", "30-44", "45-59", "60+"), (12, 22, 30, 36), (0.25,) * 4, 1),
    Feature("neighbourhood", ("A", "B", "C", "D", "E"), (35, 25, 20, 12, 8), (0.2,) * 5, 1),
)
LARGE = (
    Feature("gender", ("woman", "man"), (55, 45), (0.5, 0.5), 0),
    Feature("age", ("16-29", "30-44", "45-59", "60+"), (12, 22, 30, 36), (0.25,) * 4, 1),
    Feature("neighbourhood", tuple("ABCDEFGHIJ"), (18, 15, 13, 11, 10, 9, 8, 7, 5, 4), (0.1,) * 10, 1),
    Feature("education", ("primary", "secondary", "higher"), (20, 35, 45), (1 / 3,) * 3, 2),
    Feature("housing", ("owner", "tenant", "social"), (55, 35, 10), (0.45, 0.35, 0.20), 2),
)
POOLS = {"600/30": (600, 30, SMALL), "2000/60": (2000, 60, LARGE)}


def synthetic_pool(size: int, seats: int, features: tuple[Feature, ...], seed: int = SEED) -> Problem:
    """A pool of ``size`` candidates and quotas around each feature's target shares."""
    rng = random.Random(f"{seed}-{size}-{seats}")
    candidates = [
        Candidate(f"C{index:05d}", {f.name: rng.choices(f.values, f.pool_weights)[0] for f in features})
        for index in range(size)
    ]
    quotas = []
    for feature in features:
        for value, share in zip(feature.values, feature.target_shares):
            target = seats * share
            quotas.append(Quota(feature.name, value, max(0, int(target) - feature.slack),
                                int(target + 0.999) + feature.slack))
    return Problem(seats, candidates, quotas)


def run_ours(problem: Problem) -> tuple[float, float]:
    start = time.perf_counter()
    distribution = leximin(problem)
    return time.perf_counter() - start, distribution.minimum_probability


def _peer(problem: Problem, queue) -> None:
    """The peer's LEXIMIN on the same pool (in a child process, so a time limit can stop it)."""
    try:
        from sortition_algorithms.committee_generation.leximin import find_distribution_leximin
        from sortition_algorithms.features import read_in_features
        from sortition_algorithms.people import read_in_people
        from sortition_algorithms.settings import Settings

        rows = [{"feature": q.feature, "value": q.value, "min": str(q.minimum), "max": str(q.maximum)}
                for q in problem.quotas]
        features, _, _ = read_in_features(["feature", "value", "min", "max"], rows, problem.seats)
        head = ["id", *problem.features]
        body = [{"id": c.id, **{f: c.value(f) for f in problem.features}} for c in problem.candidates]
        settings = Settings(id_column="id", columns_to_keep=[])
        people, _ = read_in_people(head, body, features, settings)
        start = time.perf_counter()
        committees, probabilities, _ = find_distribution_leximin(features, people, problem.seats, [])
        elapsed = time.perf_counter() - start
        marginal = {pid: 0.0 for pid in people}
        for committee, probability in zip(committees, probabilities):
            for pid in committee:
                marginal[pid] += probability
        queue.put(("ok", elapsed, min(marginal.values())))
    except Exception as exc:  # licence limits, missing solver...: report, do not crash the run
        queue.put(("error", f"{type(exc).__name__}: {exc}"[:300], None))


def run_peer(problem: Problem, timeout: float) -> tuple[str, object, object]:
    try:
        import sortition_algorithms  # noqa: F401
    except ImportError:
        return ("missing", "sortition-algorithms is not installed (pip install -e '.[peer]')", None)
    queue: multiprocessing.Queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=_peer, args=(problem, queue))
    process.start()
    process.join(timeout)
    if process.is_alive():
        process.terminate()
        process.join()
        return ("timeout", f"stopped after {timeout:.0f} s", None)
    return queue.get() if not queue.empty() else ("error", "no answer", None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the council draw's LEXIMIN.")
    parser.add_argument("--peer-timeout", type=float, default=1800,
                        help="seconds the peer may take per pool (default 1800)")
    parser.add_argument("--no-peer", action="store_true", help="do not run the peer")
    parser.add_argument("--pool", choices=sorted(POOLS), action="append",
                        help="only this pool (may be repeated)")
    args = parser.parse_args(argv)
    print(f"{'pool':<9} {'algorithm':<32} {'time (s)':>10} {'min probability':>16}")
    for name in args.pool or list(POOLS):
        size, seats, features = POOLS[name]
        problem = synthetic_pool(size, seats, features)
        elapsed, minimum = run_ours(problem)
        print(f"{name:<9} {'civique LEXIMIN (HiGHS)':<32} {elapsed:>10.2f} {minimum:>16.6f}"
              f"   ({len(problem.types)} types)", flush=True)
        if args.no_peer:
            continue
        status, peer_time, peer_minimum = run_peer(problem, args.peer_timeout)
        if status == "ok":
            print(f"{name:<9} {'sortition-algorithms LEXIMIN':<32} {peer_time:>10.2f} "
                  f"{peer_minimum:>16.6f}   (same minimum within 1e-4: "
                  f"{'yes' if abs(peer_minimum - minimum) <= 1e-4 else 'NO'}; "
                  f"{peer_time / elapsed:.0f}x our time)", flush=True)
        else:
            print(f"{name:<9} {'sortition-algorithms LEXIMIN':<32} {'—':>10} {'—':>16}   ({peer_time})",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
