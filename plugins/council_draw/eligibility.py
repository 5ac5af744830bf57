"""Who may be drawn: each candidate's feature values, eligibility and duplicates.

A candidate's values are worked out from what they gave: gender and the city's own features as
chosen, the age band from the birth date (age on the first day of the term), the neighbourhood
value from their neighbourhood. A candidate is *ineligible* when too young, outside the
council's territory (where they live, or work for local actors), or without a value a quota
needs; a *duplicate* has the same name and birth date, or the same e-mail address, as an
earlier candidate of the council. Flagged candidates stay out of the pool unless staff put them
back; staff see every flag on the candidates page.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from flask_babel import lazy_gettext as _l

from .models import Candidate, Council

REASONS = {
    "too_young": _l("Younger than the minimum age on the first day of the term"),
    "outside_territory": _l("Lives (or works) outside the council's territory"),
    "no_age_band": _l("No age band for their age"),
    "no_college": _l("No college chosen"),
    "missing_value": _l("A feature counted by the quotas has no value"),
    "no_consent": _l("No consent to the processing of their data"),
}


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on ``day``."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def compute_features(council: Council, candidate: Candidate, chosen: dict[str, str]) -> dict[str, str]:
    """The candidate's value key for each feature of the council (``""`` when none applies).

    ``chosen`` holds what the candidate chose for gender and the city's own features.
    """
    values: dict[str, str] = {}
    age = age_on(candidate.birth_date, council.term_start)
    for feature in council.features:
        value = ""
        if feature.kind == "age":
            value = next((v.key for v in feature.values
                          if (v.min_age is None or age >= v.min_age)
                          and (v.max_age is None or age <= v.max_age)), "")
        elif feature.kind == "neighbourhood":
            value = next((v.key for v in feature.values
                          if v.neighbourhood_id and v.neighbourhood_id == candidate.neighbourhood_id), "")
        else:
            key = (chosen.get(feature.key) or "").strip()
            value = key if feature.value_by_key(key) else ""
        values[feature.key] = value
    return values


def ineligibility(council: Council, candidate: Candidate) -> str | None:
    """The first reason the candidate may not be drawn, as a code of :data:`REASONS`."""
    if candidate.consent_at is None:
        return "no_consent"
    if candidate.college_id is None:
        return "no_college"
    if age_on(candidate.birth_date, council.term_start) < council.minimum_age:
        return "too_young"
    territory = {n.id for n in council.neighbourhoods}
    if territory and candidate.neighbourhood_id not in territory:
        return "outside_territory"
    counted = {q.value.feature.key for college in council.colleges for q in college.quotas}
    for feature in council.features:
        if not candidate.features.get(feature.key) and feature.key in counted:
            return "no_age_band" if feature.kind == "age" else "missing_value"
    return None


def _folded(text: str | None) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).casefold().split())


def identity_keys(candidate: Candidate) -> list[tuple]:
    """What makes two entries the same person: name and birth date, or e-mail address."""
    keys: list[tuple] = [("name", _folded(candidate.first_name), _folded(candidate.last_name),
                          candidate.birth_date)]
    if candidate.email:
        keys.append(("email", candidate.email.strip().casefold()))
    return keys


def refresh_flags(council: Council, candidates: list[Candidate]) -> None:
    """Recompute everyone's values and flags; a candidate who becomes flagged leaves the pool.

    ``candidates`` are all the council's candidates, in the order they came (by id).
    """
    first_seen: dict[tuple, Candidate] = {}
    for candidate in sorted(candidates, key=lambda c: c.id or 0):
        was_flagged = candidate.flagged
        chosen = dict(candidate.features or {})
        candidate.features = compute_features(council, candidate, chosen)
        candidate.ineligibility = ineligibility(council, candidate)
        original = None
        for key in identity_keys(candidate):
            if key in first_seen and first_seen[key] is not candidate:
                original = original or first_seen[key]
            else:
                first_seen.setdefault(key, candidate)
        candidate.duplicate_of = original
        candidate.duplicate_of_id = original.id if original is not None else None
        if candidate.flagged and not was_flagged:
            candidate.in_pool = False
