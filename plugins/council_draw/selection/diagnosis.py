"""Why no panel respects the quotas, and what relaxing would make one possible.

:func:`diagnose` returns ``None`` when some panel respects every quota. Otherwise it returns a
:class:`Diagnosis`: the simple conflicts it can name (too few candidates, minimums adding up to
more seats than there are, a minimum above the candidates who have the value...) and, from an
integer program with slack variables, the smallest change to the quotas that makes a panel
possible: each minimum it lowers and each maximum it raises, with the new value. The quotas it
changes are the ones that conflict.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import numpy as np

from .problem import Problem, Quota
from .solver import CompositionSolver, new_highs


@dataclass(frozen=True)
class Conflict:
    """A simple reason: ``kind`` names it, the other fields fill its message.

    Kinds: ``too_few_candidates`` (``count`` candidates for ``seats``), ``minimums_exceed_seats``
    (the minimums of ``feature`` add up to ``count``), ``maximums_below_seats`` (at most
    ``count`` seats can go to the values of ``feature``), ``minimum_above_supply`` (``quota``
    asks for more than the ``count`` candidates who have its value).
    """

    kind: str
    seats: int
    count: int
    feature: str = ""
    quota: Quota | None = None


@dataclass(frozen=True)
class Relaxation:
    """Change ``quota`` to ``minimum``..``maximum``."""

    quota: Quota
    minimum: int
    maximum: int

    @property
    def lowers_minimum(self) -> bool:
        return self.minimum < self.quota.minimum

    @property
    def raises_maximum(self) -> bool:
        return self.maximum > self.quota.maximum


@dataclass(frozen=True)
class Diagnosis:
    conflicts: tuple[Conflict, ...] = ()
    relaxations: tuple[Relaxation, ...] = ()
    relaxed_quotas: tuple[Quota, ...] = field(default=())


def diagnose(problem: Problem) -> Diagnosis | None:
    """``None`` when the quotas can be met, else what conflicts and how to relax it."""
    if CompositionSolver(problem).feasible() is not None:
        return None
    conflicts = tuple(_simple_conflicts(problem))
    if len(problem.candidates) < problem.seats:
        return Diagnosis(conflicts)
    relaxations = _minimal_relaxation(problem)
    changed = {(r.quota.feature, r.quota.value): r for r in relaxations}
    relaxed = tuple(
        Quota(q.feature, q.value, changed[(q.feature, q.value)].minimum,
              changed[(q.feature, q.value)].maximum)
        if (q.feature, q.value) in changed else q
        for q in problem.quotas
    )
    return Diagnosis(conflicts, tuple(relaxations), relaxed)


def _simple_conflicts(problem: Problem):
    seats = problem.seats
    if len(problem.candidates) < seats:
        yield Conflict("too_few_candidates", seats, len(problem.candidates))
    supply = {}
    for quota, members in zip(problem.quotas, problem.quota_types):
        supply[(quota.feature, quota.value)] = sum(problem.types[t].size for t in members)
    for feature in problem.features:
        quotas = [q for q in problem.quotas if q.feature == feature]
        minimums = sum(q.minimum for q in quotas)
        if minimums > seats:
            yield Conflict("minimums_exceed_seats", seats, minimums, feature=feature)
        quota_values = {q.value for q in quotas}
        free = sum(1 for c in problem.candidates if c.value(feature) not in quota_values)
        ceiling = free + sum(min(q.maximum, supply[(q.feature, q.value)]) for q in quotas)
        if ceiling < seats <= len(problem.candidates):
            yield Conflict("maximums_below_seats", seats, ceiling, feature=feature)
    for quota in problem.quotas:
        available = supply[(quota.feature, quota.value)]
        if quota.minimum > available:
            yield Conflict("minimum_above_supply", seats, available, quota=quota)


def _minimal_relaxation(problem: Problem) -> list[Relaxation]:
    """The least total change of minimums (down) and maximums (up) that allows a panel.

    Variables: n_t (people of each type) and, per quota, how much its minimum goes down
    (at most to 0) and its maximum up; minimise their sum.
    """
    types, quotas = problem.types, problem.quotas
    t_count, q_count = len(types), len(quotas)
    highs = new_highs(mip_rel_gap=0.0)
    columns = t_count + 2 * q_count
    lower = np.zeros(columns)
    upper = np.array(
        [float(t.size) for t in types] + [float(q.minimum) for q in quotas]
        + [float(problem.seats)] * q_count
    )
    highs.addVars(columns, lower, upper)
    highs.changeColsIntegrality(
        columns, np.arange(columns, dtype=np.int32),
        np.array([highspy.HighsVarType.kInteger] * columns),
    )
    costs = np.array([0.0] * t_count + [1.0] * (2 * q_count))
    highs.changeColsCost(columns, np.arange(columns, dtype=np.int32), costs)
    everyone = np.arange(t_count, dtype=np.int32)
    highs.addRow(problem.seats, problem.seats, t_count, everyone, np.ones(t_count))
    for q_index, (quota, members) in enumerate(zip(quotas, problem.quota_types)):
        down, up = t_count + q_index, t_count + q_count + q_index
        # Σ n_t + down ≥ minimum   and   Σ n_t − up ≤ maximum
        index = np.array(list(members) + [down], dtype=np.int32)
        highs.addRow(quota.minimum, highspy.kHighsInf, len(index), index, np.ones(len(index)))
        index = np.array(list(members) + [up], dtype=np.int32)
        values = np.array([1.0] * len(members) + [-1.0])
        highs.addRow(-highspy.kHighsInf, quota.maximum, len(index), index, values)
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return []
    values = [int(round(v)) for v in highs.getSolution().col_value]
    relaxations = []
    for q_index, quota in enumerate(quotas):
        down, up = values[t_count + q_index], values[t_count + q_count + q_index]
        if down or up:
            relaxations.append(Relaxation(quota, quota.minimum - down, quota.maximum + up))
    return relaxations
