"""The classic greedy algorithm ("legacy" in the Sortition Foundation's tools).

Seat after seat, it looks at the quotas whose minimum is not reached yet, takes the one that is
hardest to fill (the most seats still needed per candidate still available), and draws one of
its available candidates uniformly; when every minimum is reached it draws among everyone still
available. A candidate whose selection would exceed a maximum is no longer available. It can
dead-end on tight quotas: it then starts again (attempt 1, 2, ...), each attempt with its own
labelled randomness from the same seed, so a draw stays reproducible.

It is simple and easy to explain, but it does not give candidates equal chances: selection
probabilities are *estimated* by running it many times with derived seeds
(:func:`estimate_probabilities`), which is itself reproducible.
"""

from __future__ import annotations

from .problem import Problem
from .sampling import SeededRandom, hash_int

ALGORITHM = "greedy"
VERSION = "civique-greedy 1"
MAX_ATTEMPTS = 100
ESTIMATE_RUNS = 1000


class GreedyDeadEnd(Exception):
    """Every attempt ended with quotas that could no longer be met."""


def greedy_panel(problem: Problem, seed: str, college: str) -> list[str]:
    """A panel drawn by the greedy algorithm with ``seed`` (sorted identifiers).

    Drawing "one available candidate of a quota uniformly" is done in two steps that give
    exactly that: a uniform position among the available candidates counted type by type (in
    the types' canonical order), which names a type; that type's next member in the order of
    ``hash_int(seed, college + "|member|" + id)`` is selected.
    """
    counts = greedy_composition(problem, seed, college)
    selected: list[str] = []
    for candidate_type, n in zip(problem.types, counts):
        if n:
            ranked = sorted(
                candidate_type.members,
                key=lambda cid: (hash_int(seed, f"{college}|member|{cid}"), cid),
            )
            selected.extend(ranked[:n])
    return sorted(selected)


def greedy_composition(problem: Problem, seed: str, college: str) -> list[int]:
    """How many members of each type the greedy algorithm selects with ``seed``."""
    for attempt in range(MAX_ATTEMPTS):
        counts = _attempt(problem, SeededRandom(seed, f"{college}|greedy|{attempt}"))
        if counts is not None:
            return counts
    raise GreedyDeadEnd()


def _attempt(problem: Problem, rng: SeededRandom) -> list[int] | None:
    quotas, quota_types = problem.quotas, problem.quota_types
    type_quotas: list[list[int]] = [[] for _ in problem.types]
    for q_index, members in enumerate(quota_types):
        for t in members:
            type_quotas[t].append(q_index)
    available = [t.size for t in problem.types]
    taken = [0] * len(available)
    selected = [0] * len(quotas)
    every_type = list(range(len(available)))
    for _seat in range(problem.seats):
        pool = _most_needed(quotas, quota_types, available, selected) or every_type
        supply = sum(available[t] for t in pool)
        if supply == 0:
            return None
        position = rng.below(supply)
        for t in pool:
            if position < available[t]:
                break
            position -= available[t]
        taken[t] += 1
        available[t] -= 1
        for q_index in type_quotas[t]:
            selected[q_index] += 1
            if selected[q_index] >= quotas[q_index].maximum:
                for full in quota_types[q_index]:
                    available[full] = 0
    if any(selected[i] < q.minimum for i, q in enumerate(quotas)):
        return None
    return taken


def _most_needed(quotas, quota_types, available: list[int], selected: list[int]) -> list[int]:
    """The types of the quota hardest to fill (seats needed per available candidate)."""
    best_ratio, best_quota = 0.0, None
    for q_index, quota in enumerate(quotas):
        needed = quota.minimum - selected[q_index]
        if needed <= 0:
            continue
        supply = sum(available[t] for t in quota_types[q_index])
        ratio = float("inf") if supply == 0 else needed / supply
        if ratio > best_ratio:
            best_ratio, best_quota = ratio, q_index
    return list(quota_types[best_quota]) if best_quota is not None else []


def estimate_probabilities(problem: Problem, runs: int = ESTIMATE_RUNS) -> dict[str, float]:
    """Each candidate's expected share of ``runs`` greedy draws made with the seeds
    ``estimate-<n>`` (the members of a type share their type's selections)."""
    totals = [0] * len(problem.types)
    done = 0
    for run in range(runs):
        try:
            counts = greedy_composition(problem, f"estimate-{run}", "estimate")
        except GreedyDeadEnd:
            continue
        done += 1
        for t, n in enumerate(counts):
            totals[t] += n
    if not done:
        raise GreedyDeadEnd()
    # Members of a type are interchangeable: each has the type's share.
    return {
        member: totals[t.index] / (done * t.size)
        for t in problem.types for member in t.members
    }
