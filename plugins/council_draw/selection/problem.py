"""A selection problem: a pool of candidates, a number of seats, and quotas.

Everything here is plain Python, with no database and no web framework, so that the published
record of a draw can be checked by anyone with this package alone.

Candidates who share every value of the features that carry a quota are interchangeable: no
quota can tell them apart. They form a *type*, and the algorithms work on types rather than on
people: a panel is then a *composition* (how many people of each type it takes), and a fair
algorithm gives every member of a type the same chance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable, Mapping, Sequence


class ProblemError(ValueError):
    """The problem is malformed (duplicate identifiers, a minimum above its maximum...)."""


@dataclass(frozen=True)
class Quota:
    """Between ``minimum`` and ``maximum`` seats go to candidates whose ``feature`` is ``value``."""

    feature: str
    value: str
    minimum: int
    maximum: int

    def as_dict(self) -> dict:
        return {"feature": self.feature, "value": self.value,
                "min": self.minimum, "max": self.maximum}

    @classmethod
    def from_dict(cls, data: Mapping) -> "Quota":
        return cls(str(data["feature"]), str(data["value"]), int(data["min"]), int(data["max"]))


@dataclass(frozen=True)
class Candidate:
    """A candidate of the pool: a (pseudonymous) identifier and a value for each feature."""

    id: str
    features: Mapping[str, str] = field(default_factory=dict)

    def value(self, feature: str) -> str:
        return str(self.features.get(feature, ""))


@dataclass(frozen=True)
class CandidateType:
    """Interchangeable candidates: the same value for every feature that carries a quota."""

    index: int
    values: tuple[tuple[str, str], ...]
    members: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.members)

    def value(self, feature: str) -> str:
        return dict(self.values).get(feature, "")


class Problem:
    """``seats`` to fill from ``candidates`` so that every quota holds."""

    def __init__(self, seats: int, candidates: Iterable[Candidate], quotas: Iterable[Quota]):
        self.seats = int(seats)
        self.candidates: tuple[Candidate, ...] = tuple(sorted(candidates, key=lambda c: c.id))
        self.quotas: tuple[Quota, ...] = tuple(
            sorted(quotas, key=lambda q: (q.feature, q.value))
        )
        self._validate()

    def _validate(self) -> None:
        if self.seats < 0:
            raise ProblemError("the number of seats cannot be negative")
        ids = [c.id for c in self.candidates]
        if len(set(ids)) != len(ids):
            raise ProblemError("two candidates share an identifier")
        seen = set()
        for quota in self.quotas:
            key = (quota.feature, quota.value)
            if key in seen:
                raise ProblemError(f"two quotas for {quota.feature}={quota.value}")
            seen.add(key)
            if quota.minimum < 0 or quota.maximum < quota.minimum:
                raise ProblemError(
                    f"the quota for {quota.feature}={quota.value} needs 0 <= minimum <= maximum"
                )

    @cached_property
    def features(self) -> tuple[str, ...]:
        """The features that carry at least one quota (the others do not matter here)."""
        return tuple(sorted({q.feature for q in self.quotas}))

    @cached_property
    def types(self) -> tuple[CandidateType, ...]:
        """The candidates grouped by their values of :attr:`features`, in a canonical order."""
        groups: dict[tuple[tuple[str, str], ...], list[str]] = {}
        for candidate in self.candidates:
            key = tuple((f, candidate.value(f)) for f in self.features)
            groups.setdefault(key, []).append(candidate.id)
        return tuple(
            CandidateType(index, key, tuple(sorted(groups[key])))
            for index, key in enumerate(sorted(groups))
        )

    @cached_property
    def type_of(self) -> dict[str, int]:
        """Candidate id -> index of its type."""
        return {member: t.index for t in self.types for member in t.members}

    @cached_property
    def quota_types(self) -> tuple[tuple[int, ...], ...]:
        """For each quota (in :attr:`quotas` order), the indices of the types it counts."""
        return tuple(
            tuple(t.index for t in self.types if t.value(q.feature) == q.value)
            for q in self.quotas
        )

    def composition_violations(self, counts: Sequence[int]) -> list[tuple[Quota, int]]:
        """The quotas a composition (people per type) breaks, with the count it gives them."""
        broken = []
        for quota, members in zip(self.quotas, self.quota_types):
            count = sum(counts[t] for t in members)
            if not quota.minimum <= count <= quota.maximum:
                broken.append((quota, count))
        return broken

    def is_valid_composition(self, counts: Sequence[int]) -> bool:
        """Whether ``counts`` fills every seat, within each type's size, and keeps every quota."""
        if len(counts) != len(self.types) or sum(counts) != self.seats:
            return False
        if any(not 0 <= n <= t.size for n, t in zip(counts, self.types)):
            return False
        return not self.composition_violations(counts)

    def composition_of(self, panel: Iterable[str]) -> list[int]:
        """How many members of each type ``panel`` (candidate ids) takes."""
        counts = [0] * len(self.types)
        for candidate_id in panel:
            counts[self.type_of[candidate_id]] += 1
        return counts

    def panel_violations(self, panel: Iterable[str]) -> list[tuple[Quota, int]]:
        """The quotas a panel of candidate ids breaks (empty when it respects them all)."""
        return self.composition_violations(self.composition_of(panel))

    def counts_by_value(self, panel: Iterable[str]) -> dict[tuple[str, str], int]:
        """``(feature, value)`` -> how many members of ``panel`` have it, for every quota."""
        panel = list(panel)
        result = {}
        for quota in self.quotas:
            result[(quota.feature, quota.value)] = sum(
                1 for cid in panel
                if self.types[self.type_of[cid]].value(quota.feature) == quota.value
            )
        return result
