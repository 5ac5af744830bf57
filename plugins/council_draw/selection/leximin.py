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
2. The achievable expected compositions form the convex hull P of the valid compositions, which
   lies inside the *relaxation* Q (the same quotas, fractional counts allowed). LEXIMIN over Q
   is a short series of small linear programs, one variable per type (:func:`_relaxed_leximin`):
   each raises the smallest probability of the types not yet fixed, then fixes those that cannot
   go higher (their dual weight is positive in the strictly complementary solution an
   interior-point method gives). Its result is an upper bound, type by type in leximin order,
   of what any lottery over valid panels can give.
3. That point is then written as a lottery over valid compositions (:func:`_decompose`, in the
   manner of Carathéodory's theorem: take a valid composition on the smallest face of Q that
   holds the point, move the point away from it to a face of lower dimension, repeat), and a
   last linear program (:func:`_final_distribution`) finds the weights of those compositions
   that come closest to it. When they reach it (within :data:`ACCEPTED_SHORTFALL`), the bound
   is met: the lottery is the LEXIMIN one. This is the usual case, and it is fast (a second for
   600 candidates and 40 types, seconds for 2,000 candidates and 542 types).
4. Otherwise (the relaxation's point is not a lottery over valid panels), the exact method of
   the article follows, starting from the compositions found: the outer loop raises the
   smallest probability of the types not yet fixed, by *column generation* (the dual program is
   solved over the compositions found so far; the integer program of
   :class:`.solver.CompositionSolver` looks for a composition that violates it; if there is one
   it is added, otherwise the step is optimal), and fixes the types whose dual weight is
   positive, until every type is fixed.
5. The weights are rounded to integers out of :data:`TOTAL_WEIGHT`, and the probabilities
   published are computed from those integers, so that the sampler (:mod:`.sampling`) draws
   exactly what is published.

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
VERSION = "civique-leximin 2"
# Distribution weights are integers out of this total (so that sampling is exact arithmetic).
TOTAL_WEIGHT = 10**12
# A composition improves the dual when it beats the cap by more than this.
PRICING_TOLERANCE = 1e-9
# A type is fixed when its interior dual weight exceeds this.
FIX_THRESHOLD = 1e-6
# The lottery found from the relaxation is kept when no type's probability falls short of the
# relaxation's by more than this.
ACCEPTED_SHORTFALL = 1e-6
# A count or a quota's total within this of a bound is on that bound (see _decompose).
FACE_TOLERANCE = 1e-6
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
    targets = _relaxed_leximin(problem, deadline)
    sizes = np.array([float(t.size) for t in types])
    compositions = list(dict.fromkeys(
        [tuple(first)] + _decompose(problem, targets * sizes, deadline)))
    fixed = {t: float(value) for t, value in enumerate(targets)}
    weights, shortfall = _final_distribution(problem, compositions, fixed)
    if shortfall <= ACCEPTED_SHORTFALL:
        return _rounded(problem, compositions, weights)
    return _by_column_generation(problem, solver, compositions, deadline)


def _relaxed_leximin(problem: Problem, deadline: float | None) -> np.ndarray:
    """LEXIMIN over the relaxation: each type's probability, in type order.

    Column 0 is z, column 1 + t the expected count x_t of type t. Rows: the seats, the quotas,
    then x_t / size_t - z >= 0 for each type (once a type is fixed, its row becomes
    x_t / size_t >= its value).
    """
    types = problem.types
    count = len(types)
    sizes = np.array([float(t.size) for t in types])
    highs = new_highs(presolve="off", solver="ipm", run_crossover="off")
    highs.addVars(1, np.array([-_INF]), np.array([_INF]))
    highs.addVars(count, np.zeros(count), sizes)
    highs.changeColsCost(1, np.array([0], dtype=np.int32), np.array([1.0]))
    highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    highs.addRow(problem.seats, problem.seats, count, np.arange(1, count + 1, dtype=np.int32),
                 np.ones(count))
    for quota, members in zip(problem.quotas, problem.quota_types):
        highs.addRow(quota.minimum, quota.maximum, len(members),
                     np.array(members, dtype=np.int32) + 1, np.ones(len(members)))
    first_row = highs.getNumRow()
    for t in range(count):
        highs.addRow(0.0, _INF, 2, np.array([0, t + 1], dtype=np.int32),
                     np.array([-1.0, 1.0 / sizes[t]]))
    fixed: dict[int, float] = {}
    relaxation = 0.0
    while len(fixed) < count:
        _check(deadline)
        highs.clearSolver()
        highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            # Rounding left a fixed value a hair too high: lower every fixed value a little.
            relaxation = relaxation * 10 if relaxation else 1e-9
            if relaxation > 1e-4:
                raise RuntimeError("the relaxed LEXIMIN program could not be solved")
            for t, value in fixed.items():
                highs.changeRowBounds(first_row + t, max(0.0, value - relaxation), _INF)
            continue
        value = min(1.0, max(0.0, highs.getInfo().objective_function_value))
        duals = np.abs(np.array(highs.getSolution().row_dual[first_row:first_row + count]))
        unfixed = [t for t in range(count) if t not in fixed]
        newly = [t for t in unfixed if duals[t] > FIX_THRESHOLD]
        if not newly:  # numerically flat dual: fix the most constrained type, as theory allows
            newly = [max(unfixed, key=lambda t: duals[t])]
        for t in newly:
            fixed[t] = value
            highs.changeCoeff(first_row + t, 0, 0.0)
            highs.changeRowBounds(first_row + t, max(0.0, value - relaxation), _INF)
    return np.array([fixed[t] for t in range(count)])


def _decompose(problem: Problem, point: np.ndarray, deadline: float | None) -> list[tuple[int, ...]]:
    """Valid compositions whose convex hull holds ``point`` (expected counts per type), when
    it is a lottery over valid compositions, found in the manner of Carathéodory's theorem.

    At each step, a valid composition v is taken on the smallest face of the relaxation that
    holds the point (the bounds and quotas the point meets exactly are imposed on v: a vertex of
    the face's linear program when it is integral, else the integer program); the point then
    moves away from v, along the line from v through it, until it meets one more bound or
    quota. The face shrinks at every step, so there are at most as many steps as types and
    quotas. The weights are computed afterwards (:func:`_final_distribution`), which also
    absorbs the rounding errors of these steps; when no valid composition lies on a face, the
    compositions found so far are returned.
    """
    solver = CompositionSolver(problem)
    integer, relaxed = solver.highs, solver._relaxation()
    count = solver.size
    sizes = np.array([float(t.size) for t in problem.types])
    quotas = [(q.minimum, q.maximum, np.array(members, dtype=np.int64))
              for q, members in zip(problem.quotas, problem.quota_types)]
    columns = np.arange(count, dtype=np.int32)
    rng = np.random.default_rng(0)  # varied objectives: any vertex of the face will do
    found: list[tuple[int, ...]] = []
    x = np.array(point, dtype=float)
    for _ in range(count + len(quotas) + 1):
        _check(deadline)
        at_zero, at_size = x <= FACE_TOLERANCE, x >= sizes - FACE_TOLERANCE
        x[at_zero], x[at_size] = 0.0, sizes[at_size]
        lower, upper = np.where(at_size, sizes, 0.0), np.where(at_zero, 0.0, sizes)
        tight = set()
        for model in (integer, relaxed):
            model.changeColsBounds(count, columns, lower, upper)
        for row, (minimum, maximum, members) in enumerate(quotas, start=1):
            total = x[members].sum()
            bounds = (minimum, maximum)
            if total <= minimum + FACE_TOLERANCE:
                bounds = (minimum, minimum)
            elif total >= maximum - FACE_TOLERANCE:
                bounds = (maximum, maximum)
            if bounds[0] == bounds[1]:
                tight.add(row)
            for model in (integer, relaxed):
                model.changeRowBounds(row, *bounds)
        weights = rng.random(count)
        vertex = solver.best_relaxed(weights)
        counts = _integral(vertex[0]) if vertex is not None else None
        if counts is None:
            best = solver.best(weights)
            if best is None:
                break
            counts = tuple(best[0])
        found.append(counts)
        direction = x - np.array(counts, dtype=float)
        if np.abs(direction).max() <= FACE_TOLERANCE:
            break
        step = _longest_step(x, direction, sizes, quotas, tight)
        x = np.clip(x + step * direction, 0.0, sizes)
    return found


def _longest_step(x: np.ndarray, direction: np.ndarray, sizes: np.ndarray, quotas, tight) -> float:
    """How far ``x`` can move along ``direction`` within the bounds and the quotas not yet met
    exactly (``tight``)."""
    step = np.inf
    up, down = direction > 1e-12, direction < -1e-12
    if up.any():
        step = min(step, float(((sizes - x)[up] / direction[up]).min()))
    if down.any():
        step = min(step, float((-x[down] / direction[down]).min()))
    for row, (minimum, maximum, members) in enumerate(quotas, start=1):
        if row in tight:
            continue
        total, change = x[members].sum(), direction[members].sum()
        if change > 1e-12:
            step = min(step, (maximum - total) / change)
        elif change < -1e-12:
            step = min(step, (minimum - total) / change)
    return max(0.0, step)


def _by_column_generation(problem: Problem, solver: CompositionSolver,
                          found: list[tuple[int, ...]], deadline: float | None) -> Distribution:
    """The exact method of the article (see the module's documentation, step 4), starting from
    the compositions ``found``."""
    types = problem.types
    compositions = _initial_compositions(solver, list(found[0]))
    known = set(compositions)
    compositions += [counts for counts in found if counts not in known]
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
    weights, _ = _final_distribution(problem, compositions, fixed)
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
                        fixed: dict[int, float]) -> tuple[np.ndarray, float]:
    """Weights of the compositions that give each type (at least, up to rounding) its fixed
    probability: minimise the largest shortfall ε over the types. Returns the weights and ε."""
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
    solution = highs.getSolution().col_value
    return np.clip(np.array(solution[:count]), 0.0, None), float(solution[count])


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
