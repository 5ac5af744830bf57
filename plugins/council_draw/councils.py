"""Setting a council up: its default features, the neighbourhood values that follow its
territory, and reading its candidates."""

from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext as _

from core.database import db

from .eligibility import refresh_flags
from .models import Candidate, Council, Feature, FeatureValue

DEFAULT_AGE_BANDS = ((16, 29), (30, 44), (45, 59), (60, None))


def slug(text: str, fallback: str = "value") -> str:
    """A key for the public record: ascii letters, digits and dashes."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return text[:40] or fallback


def age_band_label(low: int | None, high: int | None) -> str:
    if high is None:
        return _("%(low)s and over", low=low)
    return _("%(low)s to %(high)s", low=low, high=high)


def add_default_features(council: Council) -> None:
    """Gender, age bands and neighbourhood: the features the law and most cities use.

    Labels are written in the language of the person creating the council; staff may rename
    them, and add the city's own features.
    """
    gender = Feature(key="gender", name=_("Gender"), kind="gender", position=1)
    gender.values = [
        FeatureValue(key="woman", label=_("Woman"), position=1),
        FeatureValue(key="man", label=_("Man"), position=2),
        FeatureValue(key="other", label=_("Another answer"), position=3),
    ]
    age = Feature(key="age", name=_("Age band"), kind="age", position=2)
    age.values = [
        FeatureValue(key=f"{low}-{high}" if high else f"{low}-plus", label=age_band_label(low, high),
                     position=index, min_age=low, max_age=high)
        for index, (low, high) in enumerate(DEFAULT_AGE_BANDS, start=1)
    ]
    neighbourhood = Feature(key="neighbourhood", name=_("Neighbourhood"), kind="neighbourhood",
                            position=3)
    council.features.extend([gender, age, neighbourhood])
    sync_neighbourhoods(council)


def sync_neighbourhoods(council: Council) -> None:
    """One value of the neighbourhood feature per neighbourhood of the territory."""
    for feature in council.features:
        if feature.kind != "neighbourhood":
            continue
        wanted = {n.id: n for n in council.neighbourhoods}
        for value in list(feature.values):
            if value.neighbourhood_id not in wanted:
                feature.values.remove(value)
        present = {v.neighbourhood_id for v in feature.values}
        for position, neighbourhood in enumerate(council.neighbourhoods, start=1):
            if neighbourhood.id not in present:
                feature.values.append(FeatureValue(
                    key=slug(neighbourhood.slug or neighbourhood.name, f"n{neighbourhood.id}"),
                    label=neighbourhood.name, position=position,
                    neighbourhood_id=neighbourhood.id,
                ))


def candidates_of(council: Council) -> list[Candidate]:
    return list(db.session.scalars(
        db.select(Candidate).where(Candidate.council_id == council.id).order_by(Candidate.id)
    ))


def refresh(council: Council) -> None:
    """Recompute every candidate's values and flags (after the council or its features changed)."""
    db.session.flush()
    # The quotas as they now are: those deleted with a value or a feature are read no more.
    for college in council.colleges:
        db.session.expire(college, ["quotas"])
    refresh_flags(council, candidates_of(council))


def unique_pseudonym(council_id: int, taken: set[str]) -> str:
    from .models import new_pseudonym

    while True:
        pseudonym = new_pseudonym()
        if pseudonym not in taken:
            taken.add(pseudonym)
            return pseudonym


def taken_pseudonyms(council_id: int) -> set[str]:
    return set(db.session.scalars(
        db.select(Candidate.pseudonym).where(Candidate.council_id == council_id)
    ))
