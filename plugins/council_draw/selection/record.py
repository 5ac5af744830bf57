"""The public record of a draw, and how anyone re-runs and checks it.

Before the ceremony the city publishes, for each college: the seats, the quotas, the pool
(pseudonymised identifiers and the values of the features that carry quotas), the algorithm
and its version, each candidate's selection probability and, for LEXIMIN, the lottery itself
(the panels' compositions and their integer weights). The record's *fingerprint* is the SHA-256
of that content in canonical JSON (keys sorted, no spaces, UTF-8): shown at the ceremony, it
proves nothing changed once the seed was known.

At the ceremony a seed is entered (dice rolled in front of witnesses). The draw is a pure
function of the published content and the seed (:func:`run_draw`, see :mod:`.sampling`), so
:func:`verify` can check a record with nothing else::

    flask --app core council_draw verify record.json
    python -m plugins.council_draw.selection.verify record.json   (no database needed)
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from . import greedy, leximin
from .leximin import Distribution, InfeasibleQuotas
from .problem import Candidate, Problem, Quota
from .sampling import draw_panel, normalise_seed, reserve_order
from .solver import solver_version

FORMAT = "civique-council-draw"
FORMAT_VERSION = 1
ALGORITHMS = (leximin.ALGORITHM, greedy.ALGORITHM)
# Keys added by the ceremony: not covered by the fingerprint.
AFTER_CEREMONY = ("fingerprint", "ceremony", "result")
PROBABILITY_TOLERANCE = 1e-9


@dataclass
class CollegeInput:
    """What the city gives for one college: its key and name, seats, quotas and pool."""

    key: str
    name: str
    seats: int
    quotas: list[Quota]
    candidates: list[Candidate]

    def problem(self) -> Problem:
        return Problem(self.seats, self.candidates, self.quotas)


def canonical_json(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def fingerprint(record: Mapping) -> str:
    """SHA-256 of the record's pre-ceremony content, in canonical JSON."""
    content = {k: v for k, v in record.items() if k not in AFTER_CEREMONY}
    return hashlib.sha256(canonical_json(content)).hexdigest()


def algorithm_version(algorithm: str) -> str:
    module = leximin if algorithm == leximin.ALGORITHM else greedy
    return f"{module.VERSION} ({solver_version()})"


# --- Before the ceremony -------------------------------------------------------------------------


def college_record(college: CollegeInput, algorithm: str, deadline: float | None = None) -> dict:
    """One college's published section: raises :class:`InfeasibleQuotas` (or
    :class:`greedy.GreedyDeadEnd`) when no panel can be drawn, and
    :class:`leximin.TimeLimitReached` past ``deadline`` (a :func:`time.monotonic` value)."""
    problem = college.problem()
    features = problem.features
    section: dict[str, Any] = {
        "key": college.key,
        "name": college.name,
        "seats": college.seats,
        "quotas": [q.as_dict() for q in problem.quotas],
        "pool": [
            {"id": c.id, "features": {f: c.value(f) for f in features}}
            for c in problem.candidates
        ],
    }
    if algorithm == leximin.ALGORITHM:
        distribution = leximin.leximin(problem, deadline)
        section["distribution"] = distribution_record(distribution)
        probabilities = distribution.probabilities
    else:
        from .diagnosis import diagnose

        if diagnose(problem) is not None:
            raise InfeasibleQuotas()
        probabilities = greedy.estimate_probabilities(problem)
        section["estimate_runs"] = greedy.ESTIMATE_RUNS
    section["probabilities"] = {cid: probabilities[cid] for cid in sorted(probabilities)}
    return section


def distribution_record(distribution: Distribution) -> dict:
    return {
        "total": distribution.total,
        "types": [dict(t.values) for t in distribution.problem.types],
        "panels": [
            {"weight": weight, "counts": list(counts)}
            for counts, weight in zip(distribution.compositions, distribution.weights)
        ],
    }


def build_record(council: str, draw_id: int, algorithm: str, colleges: Iterable[CollegeInput],
                 published_at: str, deadline: float | None = None) -> dict:
    """The whole pre-ceremony record, with its fingerprint (``deadline``: see
    :func:`college_record`)."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}")
    record = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "council": council,
        "draw": draw_id,
        "algorithm": algorithm,
        "algorithm_version": algorithm_version(algorithm),
        "published_at": published_at,
        "colleges": [college_record(college, algorithm, deadline) for college in colleges],
    }
    record["fingerprint"] = fingerprint(record)
    return record


# --- The draw ------------------------------------------------------------------------------------


def problem_of(section: Mapping) -> Problem:
    """The selection problem a published college section describes."""
    return Problem(
        int(section["seats"]),
        [Candidate(str(p["id"]), {str(k): str(v) for k, v in p["features"].items()})
         for p in section["pool"]],
        [Quota.from_dict(q) for q in section["quotas"]],
    )


def distribution_of(section: Mapping, problem: Problem) -> Distribution:
    """The published LEXIMIN lottery of a college (its types must be the pool's)."""
    published = section["distribution"]
    expected = [dict(t.values) for t in problem.types]
    if published["types"] != expected:
        raise ValueError("the published types do not match the pool")
    return Distribution(
        problem,
        tuple(tuple(int(n) for n in panel["counts"]) for panel in published["panels"]),
        tuple(int(panel["weight"]) for panel in published["panels"]),
        int(published["total"]),
    )


def run_draw(record: Mapping, seed: str) -> dict[str, dict[str, list[str]]]:
    """College key -> ``{"selected": [...], "reserve": [...]}``, from the record and the seed."""
    seed = normalise_seed(seed)
    result = {}
    for section in record["colleges"]:
        problem = problem_of(section)
        key = str(section["key"])
        if record["algorithm"] == leximin.ALGORITHM:
            selected = draw_panel(distribution_of(section, problem), seed, key)
        else:
            selected = greedy.greedy_panel(problem, seed, key)
        ids = [c.id for c in problem.candidates]
        result[key] = {"selected": selected, "reserve": reserve_order(ids, selected, seed, key)}
    return result


# --- Verification ----------------------------------------------------------------------------------


@dataclass
class Check:
    """One verification step and how it went."""

    ok: bool
    message: str


@dataclass
class Verification:
    checks: list[Check] = field(default_factory=list)
    result: dict[str, dict[str, list[str]]] | None = None

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def add(self, ok: bool, message: str) -> None:
        self.checks.append(Check(bool(ok), message))


def verify(record: Mapping, seed: str | None = None, recompute: bool = False) -> Verification:
    """Check a published record: its fingerprint, each college's lottery and probabilities,
    and (with a seed, given or recorded) that the draw gives the published result.

    ``recompute`` also runs LEXIMIN again on the pool and compares the probabilities.
    """
    report = Verification()
    if record.get("format") != FORMAT:
        report.add(False, f"not a {FORMAT} record")
        return report
    published = record.get("fingerprint")
    actual = fingerprint(record)
    report.add(published == actual,
               f"fingerprint {actual}" + ("" if published == actual else f" (published: {published})"))
    for section in record.get("colleges", []):
        _verify_college(report, record, section, recompute)
    if seed is None:
        seed = (record.get("ceremony") or {}).get("seed")
    if seed is None:
        report.add(True, "no seed yet: the draw has not taken place")
        return report
    try:
        report.result = run_draw(record, seed)
    except Exception as exc:  # a malformed record: say so rather than crash
        report.add(False, f"the draw could not be re-run: {exc}")
        return report
    published_result = record.get("result")
    for key, outcome in report.result.items():
        report.add(True, f"college {key}: selected with seed {normalise_seed(seed)!r}: "
                   + ", ".join(outcome["selected"]))
        if published_result is not None:
            expected = published_result.get(key, {})
            same = sorted(expected.get("selected", [])) == outcome["selected"]
            report.add(same, f"college {key}: the published panel "
                       + ("is the one drawn" if same else "differs from the one drawn"))
            same_reserve = list(expected.get("reserve", [])) == outcome["reserve"]
            report.add(same_reserve, f"college {key}: the published reserve list "
                       + ("is the one drawn" if same_reserve else "differs from the one drawn"))
    return report


def _verify_college(report: Verification, record: Mapping, section: Mapping,
                    recompute: bool) -> None:
    key = section.get("key")
    try:
        problem = problem_of(section)
    except Exception as exc:
        report.add(False, f"college {key}: malformed pool or quotas ({exc})")
        return
    probabilities = {str(k): float(v) for k, v in section.get("probabilities", {}).items()}
    report.add(set(probabilities) == {c.id for c in problem.candidates},
               f"college {key}: a probability for each of the {len(problem.candidates)} candidates")
    total = sum(probabilities.values())
    report.add(math.isclose(total, problem.seats, abs_tol=1e-6),
               f"college {key}: probabilities add up to {total:.6f} for {problem.seats} seats")
    if record.get("algorithm") != leximin.ALGORITHM:
        return
    try:
        distribution = distribution_of(section, problem)
    except Exception as exc:
        report.add(False, f"college {key}: malformed lottery ({exc})")
        return
    valid = all(problem.is_valid_composition(c) for c in distribution.compositions)
    report.add(valid, f"college {key}: every panel of the lottery "
               f"({len(distribution.compositions)}) fills the seats and respects every quota")
    report.add(sum(distribution.weights) == distribution.total and min(distribution.weights) > 0,
               f"college {key}: the panels' weights are positive and add up to {distribution.total}")
    computed = distribution.probabilities
    worst = max((abs(computed[cid] - probabilities.get(cid, -1.0)) for cid in computed), default=0.0)
    report.add(worst <= PROBABILITY_TOLERANCE,
               f"college {key}: the published probabilities are the lottery's (largest gap {worst:.1e})")
    if recompute:
        again = leximin.leximin(problem).probabilities
        gap = max((abs(again[cid] - probabilities.get(cid, -1.0)) for cid in again), default=0.0)
        report.add(gap <= 1e-6,
                   f"college {key}: LEXIMIN computed again gives the same probabilities "
                   f"(largest gap {gap:.1e}; smallest probability {min(again.values(), default=0):.6f})")
