"""Randomness from a public seed, in a way anyone can re-implement.

Every random choice of a draw comes from SHA-256 hashes of the seed entered at the public
ceremony. :func:`hash_int` is the one primitive::

    hash_int(seed, label) = int.from_bytes(SHA-256(UTF-8(seed + "|" + label)), "big")

Drawing a LEXIMIN panel (:func:`draw_panel`), for a college whose key is ``K``:

1. ``u = hash_int(seed, K + "|panel") mod total`` where ``total`` is the sum of the published
   integer weights; the composition drawn is the first, in the published order, whose running
   sum of weights exceeds ``u`` (each composition is drawn with its published probability).
2. In each type, the candidates are sorted by ``hash_int(seed, K + "|member|" + id)`` (then by
   identifier) and the first ``n`` are selected, ``n`` being what the composition takes from
   that type: a uniform choice, so each member of a type gets the type's probability.

The reserve list (:func:`reserve_order`) ranks the candidates not selected by
``hash_int(seed, K + "|reserve|" + id)``, smallest first.
"""

from __future__ import annotations

import hashlib
from typing import Iterable, Sequence

from .leximin import Distribution


def normalise_seed(seed: str) -> str:
    """The seed as used: surrounding spaces removed, inner runs of spaces reduced to one."""
    return " ".join(str(seed).split())


def hash_int(seed: str, label: str) -> int:
    """The 256-bit integer of SHA-256(UTF-8(``seed`` + "|" + ``label``))."""
    digest = hashlib.sha256(f"{seed}|{label}".encode("utf-8")).digest()
    return int.from_bytes(digest, "big")


class SeededRandom:
    """A stream of uniform integers from the seed: the ``n``-th draw uses label
    ``<label>|<n>`` (used by the greedy algorithm)."""

    def __init__(self, seed: str, label: str):
        self.seed = seed
        self.label = label
        self.count = 0

    def below(self, bound: int) -> int:
        """A uniform integer in ``[0, bound)`` (bias below 2^-200 for any bound used here)."""
        value = hash_int(self.seed, f"{self.label}|{self.count}") % bound
        self.count += 1
        return value


def pick_composition(distribution: Distribution, seed: str, college: str) -> int:
    """The index of the composition drawn (step 1 of the module docstring)."""
    total = sum(distribution.weights)
    u = hash_int(seed, f"{college}|panel") % total
    running = 0
    for index, weight in enumerate(distribution.weights):
        running += weight
        if u < running:
            return index
    raise AssertionError("the weights do not add up")  # unreachable: u < total


def draw_panel(distribution: Distribution, seed: str, college: str) -> list[str]:
    """The identifiers of the panel drawn from ``distribution`` with ``seed``, sorted."""
    counts = distribution.compositions[pick_composition(distribution, seed, college)]
    selected: list[str] = []
    for candidate_type, n in zip(distribution.problem.types, counts):
        if n:
            ranked = sorted(
                candidate_type.members,
                key=lambda cid: (hash_int(seed, f"{college}|member|{cid}"), cid),
            )
            selected.extend(ranked[:n])
    return sorted(selected)


def reserve_order(candidates: Iterable[str], selected: Sequence[str], seed: str,
                  college: str) -> list[str]:
    """The candidates not selected, ranked for the reserve list."""
    chosen = set(selected)
    rest = [cid for cid in candidates if cid not in chosen]
    return sorted(rest, key=lambda cid: (hash_int(seed, f"{college}|reserve|{cid}"), cid))
