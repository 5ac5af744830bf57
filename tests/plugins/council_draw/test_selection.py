"""The algorithms, without the web application: LEXIMIN against an exact reference, properties
that must hold for any pool and quotas (hypothesis), the sampler's frequencies against the
published probabilities, the greedy algorithm, the diagnosis and the record's verification."""

from __future__ import annotations

import itertools
import math

import highspy
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from plugins.council_draw.selection import record as records
from plugins.council_draw.selection.diagnosis import diagnose
from plugins.council_draw.selection.greedy import GreedyDeadEnd, greedy_panel
from plugins.council_draw.selection.leximin import InfeasibleQuotas, leximin
from plugins.council_draw.selection.problem import Candidate, Problem, Quota
from plugins.council_draw.selection.sampling import draw_panel, reserve_order
from plugins.council_draw.selection.solver import new_highs

FEATURES = {"gender": ("f", "m"), "age": ("young", "middle", "old")}


@st.composite
def problems(draw, max_candidates=9):
    """A small pool with one or two features, a number of seats and random quotas."""
    size = draw(st.integers(1, max_candidates))
    features = draw(st.sampled_from([("gender",), ("age",), ("gender", "age")]))
    candidates = [
        Candidate(f"P{index:02d}", {f: draw(st.sampled_from(FEATURES[f])) for f in features})
        for index in range(size)
    ]
    seats = draw(st.integers(0, size))
    quotas = []
    for feature in features:
        for value in FEATURES[feature]:
            if draw(st.booleans()):
                low = draw(st.integers(0, seats))
                high = draw(st.integers(low, seats))
                quotas.append(Quota(feature, value, low, high))
    return Problem(seats, candidates, quotas)


def valid_panels(problem):
    ids = [c.id for c in problem.candidates]
    return [panel for panel in itertools.combinations(ids, problem.seats)
            if not problem.panel_violations(panel)]


def reference_leximin(problem):
    """Exact LEXIMIN by brute force: every valid panel, one person at a time."""
    panels = valid_panels(problem)
    ids = [c.id for c in problem.candidates]
    fixed: dict[str, float] = {}
    while len(fixed) < len(ids):
        unfixed = [i for i in ids if i not in fixed]
        best = _lp(panels, ids, fixed, unfixed, None, None)
        for person in unfixed:
            higher = _lp(panels, ids, fixed, unfixed, best, person)
            if higher <= best + 1e-7:
                fixed[person] = best
    return fixed


def _lp(panels, ids, fixed, unfixed, floor, target):
    """max z (or max q_target with q >= floor for the unfixed) over panel distributions."""
    highs = new_highs()
    count = len(panels)
    highs.addVars(count + 1, np.zeros(count + 1), np.full(count + 1, highspy.kHighsInf))
    costs = np.zeros(count + 1)
    costs[count] = 1.0
    highs.changeColsCost(count + 1, np.arange(count + 1, dtype=np.int32), costs)
    highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    highs.addRow(1, 1, count, np.arange(count, dtype=np.int32), np.ones(count))
    for person in ids:
        members = [p for p, panel in enumerate(panels) if person in panel]
        index, values = list(members), [1.0] * len(members)
        if person in fixed:
            lower = fixed[person] - 1e-9
        elif target is None:
            index.append(count)
            values.append(-1.0)
            lower = 0.0
        else:
            lower = floor - 1e-9
            if person == target:
                index.append(count)
                values.append(-1.0)
                lower = 0.0
        highs.addRow(lower, highspy.kHighsInf, len(index), np.array(index, dtype=np.int32),
                     np.array(values))
    highs.run()
    return highs.getInfo().objective_function_value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_candidates=8))
def test_leximin_matches_the_exact_reference(problem):
    assume(valid_panels(problem))
    distribution = leximin(problem)
    expected = reference_leximin(problem)
    for candidate_id, probability in distribution.probabilities.items():
        assert probability == pytest.approx(expected[candidate_id], abs=1e-6)


BINARY = {"a": ("0", "1"), "b": ("0", "1"), "c": ("0", "1")}


@st.composite
def three_feature_problems(draw, max_candidates=7):
    """Pools with quotas on three features: their relaxation is not always a lottery over valid
    panels, so both ways of computing LEXIMIN are exercised."""
    size = draw(st.integers(2, max_candidates))
    candidates = [Candidate(f"P{index:02d}", {f: draw(st.sampled_from(v)) for f, v in BINARY.items()})
                  for index in range(size)]
    seats = draw(st.integers(1, size))
    quotas = []
    for feature, values in BINARY.items():
        for value in values:
            if draw(st.booleans()):
                low = draw(st.integers(0, seats))
                quotas.append(Quota(feature, value, low, draw(st.integers(low, seats))))
    return Problem(seats, candidates, quotas)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(three_feature_problems())
def test_leximin_with_three_features_matches_the_exact_reference(problem):
    assume(valid_panels(problem))
    expected = reference_leximin(problem)
    for candidate_id, probability in leximin(problem).probabilities.items():
        assert probability == pytest.approx(expected[candidate_id], abs=1e-6)


def test_when_the_relaxation_is_not_a_lottery_over_panels_the_exact_method_takes_over():
    """Seven people, three seats, quotas on three features: the relaxation promises chances no
    lottery over valid panels gives (a shortfall of 1/60), and the result is still the exact
    LEXIMIN."""
    from plugins.council_draw.selection import leximin as method

    values = ["001", "010", "111", "110", "011", "100", "100"]
    people = [Candidate(f"P{i}", dict(zip("abc", v))) for i, v in enumerate(values)]
    problem = Problem(3, people, [Quota("a", "0", 1, 3), Quota("b", "0", 2, 3), Quota("c", "0", 0, 2)])
    targets = method._relaxed_leximin(problem, None)
    sizes = np.array([t.size for t in problem.types], dtype=float)
    found = method._decompose(problem, targets * sizes, None)
    _, shortfall = method._final_distribution(problem, found, dict(enumerate(targets)))
    assert shortfall == pytest.approx(1 / 60, abs=1e-6), "the fast way alone would be wrong here"
    expected = reference_leximin(problem)
    for candidate_id, probability in leximin(problem).probabilities.items():
        assert probability == pytest.approx(expected[candidate_id], abs=1e-6)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.text(min_size=1, max_size=20))
def test_every_panel_respects_the_quotas_and_probabilities_sum_to_the_seats(problem, seed):
    if diagnose(problem) is not None:
        with pytest.raises(InfeasibleQuotas):
            leximin(problem)
        return
    distribution = leximin(problem)
    assert all(problem.is_valid_composition(c) for c in distribution.compositions)
    assert sum(distribution.probabilities.values()) == pytest.approx(problem.seats, abs=1e-9)
    panel = draw_panel(distribution, seed, "college-1")
    assert len(panel) == problem.seats
    assert problem.panel_violations(panel) == []
    assert draw_panel(distribution, seed, "college-1") == panel, "same seed, same panel"
    reserve = reserve_order([c.id for c in problem.candidates], panel, seed, "college-1")
    assert sorted(reserve + panel) == sorted(c.id for c in problem.candidates)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_candidates=12))
def test_infeasible_quotas_always_give_a_diagnosis_never_a_crash(problem):
    found = diagnose(problem)
    feasible = bool(valid_panels(problem)) if len(problem.candidates) <= 9 else None
    if found is None:
        assert feasible in (True, None)
        return
    assert feasible in (False, None)
    assert found.conflicts or found.relaxations
    if len(problem.candidates) >= problem.seats:
        relaxed = Problem(problem.seats, problem.candidates, found.relaxed_quotas)
        assert diagnose(relaxed) is None, "the suggested relaxation allows a panel"
        changed = {(r.quota.feature, r.quota.value) for r in found.relaxations}
        assert changed, "the conflicting quotas are named"


def test_the_diagnosis_names_the_conflicting_quotas():
    people = [Candidate(f"P{i}", {"gender": "f" if i < 3 else "m"}) for i in range(10)]
    problem = Problem(4, people, [Quota("gender", "f", 4, 4), Quota("gender", "m", 0, 4)])
    found = diagnose(problem)
    assert [c.kind for c in found.conflicts] == ["minimum_above_supply"]
    assert [(r.quota.value, r.minimum, r.maximum) for r in found.relaxations] == [("f", 3, 4)]


def test_same_seed_same_panel_and_different_seeds_differ():
    people = [Candidate(f"P{i:02d}", {"gender": "f" if i % 2 else "m"}) for i in range(30)]
    problem = Problem(6, people, [Quota("gender", "f", 3, 3), Quota("gender", "m", 3, 3)])
    distribution = leximin(problem)
    panels = {tuple(draw_panel(distribution, f"seed {n}", "c")) for n in range(20)}
    assert len(panels) > 10
    assert draw_panel(distribution, "1 2 3", "c") == draw_panel(distribution, "1 2 3", "c")


def test_frequencies_over_thousands_of_seeds_match_the_published_probabilities():
    """A sampler that ignored the lottery (uniform panels, first panel...) fails this bound."""
    people = ([Candidate(f"W{i}", {"gender": "f", "age": "young" if i == 0 else "old"}) for i in range(3)]
              + [Candidate(f"M{i}", {"gender": "m", "age": "young" if i < 4 else "old"}) for i in range(9)])
    quotas = [Quota("gender", "f", 2, 3), Quota("gender", "m", 1, 3), Quota("age", "young", 2, 2)]
    problem = Problem(4, people, quotas)
    distribution = leximin(problem)
    probabilities = distribution.probabilities
    assert len(set(round(p, 6) for p in probabilities.values())) > 1, "a pool with unequal chances"
    runs = 3000
    counts = dict.fromkeys(probabilities, 0)
    for run in range(runs):
        for candidate_id in draw_panel(distribution, f"ceremony-{run}", "college-1"):
            counts[candidate_id] += 1
    for candidate_id, probability in probabilities.items():
        spread = math.sqrt(probability * (1 - probability) / runs)
        assert abs(counts[candidate_id] / runs - probability) <= 4.5 * spread + 1e-3, candidate_id


def test_leximin_uses_types_so_large_pools_are_quick_enough_for_a_page():
    people = [Candidate(f"P{i:04d}", {"gender": "fm"[i % 2], "age": ("young", "middle", "old")[i % 3]})
              for i in range(600)]
    quotas = [Quota("gender", "f", 15, 15), Quota("gender", "m", 15, 15),
              Quota("age", "young", 8, 12), Quota("age", "old", 8, 12)]
    distribution = leximin(Problem(30, people, quotas))
    assert len(distribution.problem.types) == 6
    assert distribution.minimum_probability == pytest.approx(30 / 600, abs=1e-6)


def test_greedy_respects_quotas_and_is_reproducible():
    people = [Candidate(f"P{i:02d}", {"gender": "fm"[i % 2], "age": ("young", "old")[i % 3 == 0]})
              for i in range(20)]
    problem = Problem(6, people, [Quota("gender", "f", 3, 3), Quota("gender", "m", 3, 3),
                                  Quota("age", "young", 2, 4)])
    for seed in ("1 6 2", "3 3 3", "x"):
        panel = greedy_panel(problem, seed, "c")
        assert problem.panel_violations(panel) == []
        assert greedy_panel(problem, seed, "c") == panel
    impossible = Problem(3, people[:2], [])
    with pytest.raises(GreedyDeadEnd):
        greedy_panel(impossible, "1", "c")


def test_a_record_verifies_and_a_tampered_one_does_not():
    people = [Candidate(f"P{i:02d}", {"gender": "fm"[i % 2]}) for i in range(10)]
    college = records.CollegeInput("college-1", "Residents", 4, [Quota("gender", "f", 2, 2)], people)
    record = records.build_record("Council", 1, "leximin", [college], "2026-01-01")
    record["ceremony"] = {"seed": "6 1 4 2", "witnesses": ["A", "B"]}
    record["result"] = records.run_draw(record, "6 1 4 2")
    assert records.verify(record, recompute=True).ok
    assert not records.verify(record, seed="6 1 4 3").ok, "another seed gives another panel"
    tampered = dict(record, colleges=[dict(record["colleges"][0], seats=5)])
    report = records.verify(tampered)
    assert not report.ok
    assert not report.checks[0].ok, "the fingerprint no longer matches"
