"""The integer programs every algorithm needs, solved with HiGHS (open source, MIT licence).

:class:`CompositionSolver` finds a composition (people per type) that respects the quotas and
maximises a weight per type; LEXIMIN asks it for new panels, and the feasibility check and the
diagnosis use the same model.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Iterator, Sequence

import highspy
import numpy as np

from .problem import Problem

_banner_shown = False


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Hide the banner HiGHS prints on the process's standard output the first time."""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError):  # no real file descriptor (embedded, captured): nothing to hide
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def new_highs(**options) -> highspy.Highs:
    """A silent HiGHS instance with ``options`` set."""
    global _banner_shown
    if not _banner_shown:
        with _quiet_stdout():
            highs = highspy.Highs()
        _banner_shown = True
    else:
        highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)
    for name, value in options.items():
        highs.setOptionValue(name, value)
    return highs


def solver_version() -> str:
    """``HiGHS 1.16.0``: named in every published record."""
    return f"HiGHS {new_highs().version()}"


class CompositionSolver:
    """max Σ w_t n_t  s.t.  Σ n_t = seats, every quota, 0 <= n_t <= size_t, n_t integer."""

    def __init__(self, problem: Problem):
        self.problem = problem
        types = problem.types
        self.size = len(types)
        self.highs = new_highs(mip_rel_gap=0.0, mip_abs_gap=1e-10, presolve="on")
        highs = self.highs
        lower = np.zeros(self.size)
        upper = np.array([float(t.size) for t in types])
        highs.addVars(self.size, lower, upper)
        if self.size:
            highs.changeColsIntegrality(
                self.size, np.arange(self.size, dtype=np.int32),
                np.array([highspy.HighsVarType.kInteger] * self.size),
            )
        everyone = np.arange(self.size, dtype=np.int32)
        highs.addRow(problem.seats, problem.seats, self.size, everyone, np.ones(self.size))
        for quota, members in zip(problem.quotas, problem.quota_types):
            index = np.array(members, dtype=np.int32)
            highs.addRow(quota.minimum, quota.maximum, len(members), index, np.ones(len(members)))
        highs.changeObjectiveSense(highspy.ObjSense.kMaximize)

    def best(self, weights: Sequence[float]) -> tuple[list[int], float] | None:
        """The composition of largest total weight and that weight, or ``None`` if none exists."""
        if self.size == 0:
            return ([], 0.0) if self.problem.seats == 0 else None
        self.highs.changeColsCost(
            self.size, np.arange(self.size, dtype=np.int32), np.asarray(weights, dtype=float)
        )
        self.highs.run()
        status = self.highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            return None
        values = self.highs.getSolution().col_value
        counts = [int(round(v)) for v in values]
        return counts, float(np.dot(counts, weights))

    def best_relaxed(self, weights: Sequence[float]) -> tuple[list[float], float] | None:
        """The same program without integrality (a linear program, much faster): an upper
        bound of :meth:`best`, and its answer when the solution happens to be integral."""
        if self.size == 0:
            return ([], 0.0) if self.problem.seats == 0 else None
        highs = self._relaxation()
        highs.changeColsCost(
            self.size, np.arange(self.size, dtype=np.int32), np.asarray(weights, dtype=float)
        )
        highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        values = list(highs.getSolution().col_value)
        return values, float(np.dot(values, weights))

    def best_near(self, weights: Sequence[float], relaxed: Sequence[float]) -> tuple[list[int], float] | None:
        """A good composition close to a fractional ``relaxed`` solution: the variables it has
        integral stay, the others may move between their floor and ceiling. ``None`` when that
        small program has no solution."""
        lower = np.floor(np.asarray(relaxed) + 1e-9)
        upper = np.ceil(np.asarray(relaxed) - 1e-9)
        index = np.arange(self.size, dtype=np.int32)
        saved_lower = np.zeros(self.size)
        saved_upper = np.array([float(t.size) for t in self.problem.types])
        self.highs.changeColsBounds(self.size, index, lower, upper)
        try:
            return self.best(weights)
        finally:
            self.highs.changeColsBounds(self.size, index, saved_lower, saved_upper)

    def _relaxation(self) -> highspy.Highs:
        relaxed = getattr(self, "_relaxed", None)
        if relaxed is None:
            relaxed = new_highs(presolve="off")
            relaxed.passModel(self.highs.getLp())
            relaxed.changeColsIntegrality(
                self.size, np.arange(self.size, dtype=np.int32),
                np.array([highspy.HighsVarType.kContinuous] * self.size),
            )
            relaxed.changeObjectiveSense(highspy.ObjSense.kMaximize)
            self._relaxed = relaxed
        return relaxed

    def feasible(self) -> list[int] | None:
        """Any composition that respects the quotas, or ``None`` when there is none."""
        found = self.best([0.0] * self.size)
        return found[0] if found else None
