"""LEXIMIN: the fairest lottery over panels that respect the quotas.

Flanigan, Gölz, Gupta, Hennig and Procaccia, "Fair algorithms for selecting citizens'
assemblies", Nature 596 (2021). Among all probability distributions over the panels that
respect the quotas, LEXIMIN picks the one that maximises the smallest selection probability of
any candidate, then the second smallest, and so on.

How it is computed here (with HiGHS, open source):

1. Candidates are grouped into *types* (:mod:`.problem`): two candidates with the same values
   for every feature that carries a quota are interchangeable, and the LEXIMIN distribution gives
   them the same probability. A panel is then a *composition* (how many people of each type),
   and the integer programs have one variable per type instead of one per person.
2. The outer loop raises the smallest probability of the types not yet fixed, as far as the
   quotas allow, and fixes the types that cannot go higher; it repeats until every type is
   fixed. Each step is a linear program over distributions of compositions, solved by *column
   generation*: its dual is solved over the compositions found so far; the integer program of
   :class:`.solver.CompositionSolver` then looks for a composition that violates the dual (the
   most valuable panel under the dual weights); if there is one it is added, otherwise the
   step is optimal.
3. Which types to fix: those whose dual weight is positive in an optimal dual solution
   (complementary slackness: their probability is the optimum in every optimal distribution).
   The step's linear programs are solved with an interior-point method without crossover,
   whose dual solution is strictly complementary, so that every such type is fixed at once
   (and, on these degenerate programs, it is faster than the simplex method).
4. A last linear program finds a distribution over the compositions found that gives each type
   its fixed probability; its weights are rounded to integers out of :data:`TOTAL_WEIGHT`, and
   the probabilities published are computed from those integers, so that the sampler
   (:mod:`.sampling`) draws exactly what is published.

Inside a type, the members of a drawn composition are chosen uniformly (the sampler ranks them
by a hash of the seed), so every member of a type has its type's probability.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cached_property
from typing import Sequence

import highspy
import numpy as np

from .problem import Problem
from .solver import CompositionSolver, new_highs

ALGORITHM = "leximin"
VERSION = "civique-leximin 1"
# Distribution weights are integers out of this total (so that sampling is exact arithmetic).
TOTAL_WEIGHT = 10**12
# A composition improves the dual when it beats the cap by more than this.
PRICING_TOLERANCE = 1e-9
# A type is fixed when its interior dual weight exceeds this.
FIX_THRESHOLD = 1e-6
# Multiplicative-weights rounds (per type) that seed column generation with varied panels.
MULTIPLICATIVE_ROUNDS_PER_TYPE = 1
MULTIPLICATIVE_STEP = 0.2
# Extra columns looked for after each new one (see _more_columns).
EXTRA_COLUMNS = 8
_INF = highspy.kHighsInf


class InfeasibleQuotas(Exception):
    """No panel respects every quota (see :mod:`.diagnosis` for what conflicts)."""


class TimeLimitReached(Exception):
    """The computation was stopped at its deadline (a large pool with quotas on many features)."""


def _check(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise TimeLimitReached()


@dataclass(frozen=True)
class Distribution:
    """A lottery over compositions: ``weights[i]`` out of ``total`` for ``compositions[i]``."""

    problem: Problem
    compositions: tuple[tuple[int, ...], ...]
    weights: tuple[int, ...]
    total: int = TOTAL_WEIGHT

    @cached_property
    def type_probabilities(self) -> tuple[float, ...]:
        """The selection probability of each member of each type."""
        types = self.problem.types
        expected = [0] * len(types)
        for counts, weight in zip(self.compositions, self.weights):
            for t, n in enumerate(counts):
                if n:
                    expected[t] += weight * n
        return tuple(
            expected[t] / (self.total * t_.size) if t_.size else 0.0 for t, t_ in enumerate(types)
        )

    @cached_property
    def probabilities(self) -> dict[str, float]:
        """Candidate id -> selection probability."""
        return {
            member: self.type_probabilities[t.index]
            for t in self.problem.types for member in t.members
        }

    @property
    def minimum_probability(self) -> float:
        return min(self.probabilities.values(), default=0.0)


def leximin(problem: Problem, deadline: float | None = None) -> Distribution:
    """The LEXIMIN distribution of ``problem``; raises :class:`InfeasibleQuotas` when no panel
    respects the quotas, and :class:`TimeLimitReached` when :func:`time.monotonic` passes
    ``deadline`` before it is found."""
    types = problem.types
    if problem.seats == 0:
        return Distribution(problem, (tuple(0 for _ in types),), (TOTAL_WEIGHT,))
    solver = CompositionSolver(problem)
    first = solver.feasible()
    if first is None:
        raise InfeasibleQuotas()
    compositions = _initial_compositions(solver, first)
    covered = {t for counts in compositions for t, n in enumerate(counts) if n}
    # A type no valid panel can take has probability 0.
    fixed: dict[int, float] = {t.index: 0.0 for t in types if t.index not in covered}
    master = _Master(problem, compositions, fixed)
    while len(fixed) < len(types):
        value, duals = _raise_minimum(solver, master, compositions, deadline)
        unfixed = [t.index for t in types if t.index not in fixed]
        newly = [t for t in unfixed if duals[t] > FIX_THRESHOLD]
        if not newly:  # numerically flat dual: fix the most constrained type, as theory allows
            newly = [max(unfixed, key=lambda t: duals[t])]
        for t in newly:
            fixed[t] = min(1.0, max(0.0, value))
            master.fix(t, fixed[t])
    weights = _final_distribution(problem, compositions, fixed)
    return _rounded(problem, compositions, weights)


def _initial_compositions(solver: CompositionSolver, first: list[int]) -> list[tuple[int, ...]]:
    """Varied panels to start from: first panels that between them include every type some
    valid panel can include, then panels found by multiplicative weights (each round prefers
    the people the previous rounds selected least), as in the original implementation. Column
    generation then needs far fewer rounds of its linear program."""
    compositions = [tuple(first)]
    known = set(compositions)
    covered = {t for t, n in enumerate(first) if n}
    size = solver.size
    while len(covered) < size:
        weights = [0.0 if t in covered else 1.0 for t in range(size)]
        found = solver.best(weights)
        if found is None or found[1] < 0.5:
            break
        counts = tuple(found[0])
        compositions.append(counts)
        known.add(counts)
        covered |= {t for t, n in enumerate(counts) if n}
    sizes = np.array([float(t.size) for t in solver.problem.types])
    weights = np.where(np.isin(np.arange(size), list(covered)), 1.0, 0.0)
    for _ in range(MULTIPLICATIVE_ROUNDS_PER_TYPE * size):
        relaxed = solver.best_relaxed(weights)
        if relaxed is None:
            break
        weights = weights * (1.0 - MULTIPLICATIVE_STEP * np.asarray(relaxed[0]) / sizes)
        weights = weights * (len(covered) / max(weights.sum(), 1e-300))
        counts = _integral(relaxed[0])
        if counts is None:
            near = solver.best_near(weights, relaxed[0])
            counts = tuple(near[0]) if near else None
        if counts is not None and counts not in known:
            compositions.append(counts)
            known.add(counts)
    return compositions


def _integral(values) -> tuple[int, ...] | None:
    """``values`` as a composition when they are all integers (``None`` otherwise)."""
    values = np.asarray(values)
    rounded = np.round(values)
    if np.all(np.abs(values - rounded) <= 1e-9):
        return tuple(int(v) for v in rounded)
    return None


class _Master:
    """The LEXIMIN steps as one linear program over the compositions found so far.

    maximise  z
    s.t.      Σ_c π_c·n_ct / size_t ≥ z        for every type t not fixed
              Σ_c π_c·n_ct / size_t ≥ p_t      for every fixed type t
              Σ_c π_c ≤ 1,  π_c ≥ 0

    New compositions are new columns; fixing a type changes its row. It is solved with an
    interior-point method without crossover: on these degenerate programs it is faster than
    the simplex method, and its dual solution is central (strictly complementary), which shows
    every type that cannot go higher at once. The duals of the rows are the weights y_t (type rows) and the cap ŷ (last row)
    of the dual program  min ŷ − Σ_fixed p_t·y_t  s.t.  Σ_t (n_ct/size_t)·y_t ≤ ŷ  for every
    composition c,  Σ_unfixed y_t = 1.
    """

    def __init__(self, problem: Problem, compositions: Sequence[tuple[int, ...]],
                 fixed: dict[int, float]):
        self.sizes = np.array([float(t.size) for t in problem.types])
        count = len(self.sizes)
        self.count = count
        self.fixed: dict[int, float] = {}
        self.relaxation = 0.0
        self.highs = new_highs(presolve="off", solver="ipm", run_crossover="off")
        highs = self.highs
        # Column 0 is z; the compositions follow.
        highs.addVars(1, np.array([-_INF]), np.array([_INF]))
        highs.changeColsCost(1, np.array([0], dtype=np.int32), np.array([1.0]))
        highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
        for _t in range(count):
            highs.addRow(0.0, _INF, 1, np.array([0], dtype=np.int32), np.array([-1.0]))
        highs.addRow(-_INF, 1.0, 0, np.array([], dtype=np.int32), np.array([]))
        for t, value in fixed.items():
            self.fix(t, value)
        for counts in compositions:
            self.add(counts)

    def add(self, counts: Sequence[int]) -> None:
        index = [t for t, n in enumerate(counts) if n]
        values = [counts[t] / self.sizes[t] for t in index] + [1.0]
        index.append(self.count)
        self.highs.addCol(0.0, 0.0, _INF, len(index), np.array(index, dtype=np.int32),
                          np.array(values))

    def fix(self, t: int, value: float) -> None:
        """Type ``t`` keeps probability ``value`` from now on."""
        self.fixed[t] = value
        self.highs.changeCoeff(t, 0, 0.0)
        self.highs.changeRowBounds(t, max(0.0, value - self.relaxation), _INF)

    def relax(self) -> None:
        """Lower every fixed probability by a growing hair (rounding made them a hair too high
        for the compositions known), as the original implementation does."""
        self.relaxation = self.relaxation * 10 if self.relaxation else 1e-9
        if self.relaxation > 1e-4:
            raise RuntimeError("the LEXIMIN linear program could not be solved")
        for t, value in self.fixed.items():
            self.highs.changeRowBounds(t, max(0.0, value - self.relaxation), _INF)

    def solve(self) -> tuple[np.ndarray, float, float] | None:
        """``(y, ŷ, optimum)``, or ``None`` when infeasible."""
        self.highs.clearSolver()
        self.highs.run()
        if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        duals = np.abs(np.array(self.highs.getSolution().row_dual))
        optimum = self.highs.getInfo().objective_function_value
        return duals[: self.count], float(duals[self.count]), float(optimum)


def _raise_minimum(solver: CompositionSolver, master: _Master,
                   compositions: list[tuple[int, ...]],
                   deadline: float | None = None) -> tuple[float, np.ndarray]:
    """One LEXIMIN step: the highest minimum probability of the unfixed types, and an optimal
    dual (positive for types that cannot go higher)."""
    known = set(compositions)
    while True:
        _check(deadline)
        solved = master.solve()
        if solved is None:
            master.relax()
            continue
        y, cap, optimum = solved
        weights = y / master.sizes
        counts = _price(solver, weights, cap)
        if counts is None or counts in known:
            return optimum, y
        for found in [counts] + _more_columns(solver, weights, cap, counts, known):
            compositions.append(found)
            known.add(found)
            master.add(found)


def _more_columns(solver: CompositionSolver, weights: np.ndarray, cap: float,
                  first: tuple[int, ...], known: set) -> list[tuple[int, ...]]:
    """A few more compositions that also beat the cap, found by halving the weights of the
    types the previous ones took: each solve of the master program then gets several new
    columns, which saves most of those (costly) solves."""
    found: list[tuple[int, ...]] = []
    damped = weights.copy()
    last = np.asarray(first)
    for _ in range(EXTRA_COLUMNS):
        damped = np.where(last > 0, damped * 0.5, damped)
        relaxed = solver.best_relaxed(damped)
        if relaxed is None:
            break
        counts = _integral(relaxed[0])
        if counts is None:
            near = solver.best_near(damped, relaxed[0])
            counts = tuple(near[0]) if near else None
        if counts is None:
            break
        last = np.asarray(counts)
        if counts not in known and counts not in found \
                and float(np.dot(counts, weights)) > cap + PRICING_TOLERANCE:
            found.append(counts)
    return found


def _price(solver: CompositionSolver, weights: np.ndarray, cap: float) -> tuple[int, ...] | None:
    """A composition worth more than ``cap`` under ``weights``, or ``None`` when there is none.

    The linear relaxation answers first (a few milliseconds): when even it cannot beat the cap,
    no composition can; when its solution is integral it is the best composition. Otherwise a
    small integer program near the relaxed solution usually finds one, and the full integer
    program settles the rest.
    """
    relaxed = solver.best_relaxed(weights)
    if relaxed is None:
        raise RuntimeError("the composition linear program could not be solved")
    values, bound = relaxed
    if bound <= cap + PRICING_TOLERANCE:
        return None
    rounded = np.round(values)
    if np.all(np.abs(np.asarray(values) - rounded) <= 1e-9):
        return tuple(int(v) for v in rounded)
    near = solver.best_near(weights, values)
    if near is not None and near[1] > cap + PRICING_TOLERANCE:
        return tuple(near[0])
    found = solver.best(weights)
    if found is None:
        raise RuntimeError("the composition integer program could not be solved")
    return tuple(found[0]) if found[1] > cap + PRICING_TOLERANCE else None


def _final_distribution(problem: Problem, compositions: Sequence[tuple[int, ...]],
                        fixed: dict[int, float]) -> np.ndarray:
    """Weights of the compositions that give each type (at least, up to rounding) its fixed
    probability: minimise the largest shortfall ε over the types."""
    sizes = [t.size for t in problem.types]
    count = len(compositions)
    highs = new_highs()
    highs.addVars(count + 1, np.zeros(count + 1), np.full(count + 1, _INF))
    costs = np.zeros(count + 1)
    costs[count] = 1.0
    highs.changeColsCost(count + 1, np.arange(count + 1, dtype=np.int32), costs)
    highs.addRow(1.0, 1.0, count, np.arange(count, dtype=np.int32), np.ones(count))
    for t, probability in fixed.items():
        if probability <= 0:
            continue
        index = [c for c, counts in enumerate(compositions) if counts[t]]
        values = [compositions[c][t] / sizes[t] for c in index] + [1.0]
        index.append(count)
        highs.addRow(probability, _INF, len(index), np.array(index, dtype=np.int32),
                     np.array(values))
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError("the final LEXIMIN distribution could not be computed")
    return np.clip(np.array(highs.getSolution().col_value[:count]), 0.0, None)


def _rounded(problem: Problem, compositions: Sequence[tuple[int, ...]],
             weights: np.ndarray) -> Distribution:
    """Integer weights out of :data:`TOTAL_WEIGHT` (largest remainders), zero weights dropped."""
    share = weights / weights.sum() * TOTAL_WEIGHT
    floors = np.floor(share).astype(np.int64)
    missing = TOTAL_WEIGHT - int(floors.sum())
    for c in np.argsort(-(share - floors), kind="stable")[:missing]:
        floors[c] += 1
    kept = [(tuple(compositions[c]), int(floors[c])) for c in range(len(compositions))
            if floors[c] > 0]
    kept.sort(key=lambda item: item[0])
    return Distribution(problem, tuple(k[0] for k in kept), tuple(k[1] for k in kept))
