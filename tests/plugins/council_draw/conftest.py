"""Citizens' councils tests: Civique's own fixtures (``core.testing``) with the plugin enabled.

``app_config`` enables ``council_draw`` next to whatever ``CIVIQUE_PLUGINS`` enables
(``core.testing.enable_plugin``). Helpers build a council (territory, colleges, quotas) and its
candidates directly, and give an officer of the plugin (the role that sees candidates' personal
data).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

import plugins.council_draw
from core.testing import add_places, enable_plugin

PLUGIN = "council_draw"

app_config = enable_plugin(PLUGIN, plugins.council_draw)


@pytest.fixture
def officer(make_user):
    return make_user("officer@example.org", "Olive Officer", roles=["council_officer"])


@pytest.fixture
def places(app):
    return add_places({"bourtzwiller": "Bourtzwiller", "coteaux": "Coteaux", "rebberg": "Rebberg"})


@pytest.fixture
def make_council(app, places):
    """A published council on Bourtzwiller and Coteaux, its call open, a residents' college
    with ``seats`` and gender parity quotas (``parity``) unless told otherwise."""
    from core.database import db
    from plugins.council_draw.councils import add_default_features
    from plugins.council_draw.models import College, Council, Quota

    def factory(seats=4, parity=True, name="Conseil citoyen Bourtzwiller", published=True):
        today = date.today()
        council = Council(name=name, term_start=today + timedelta(days=60),
                          term_end=today + timedelta(days=60 + 730), minimum_age=16,
                          call_opens_on=today - timedelta(days=1),
                          call_closes_on=today + timedelta(days=30), is_published=published)
        council.neighbourhoods = [places["bourtzwiller"], places["coteaux"]]
        add_default_features(council)
        college = College(council=council, name="Habitants", kind="residents", seats=seats,
                          position=1)
        db.session.add(council)
        db.session.flush()
        if parity:
            gender = next(f for f in council.features if f.key == "gender")
            half = seats // 2
            for key in ("woman", "man"):
                db.session.add(Quota(college=college, value=gender.value_by_key(key),
                                     minimum=half, maximum=seats - half))
        db.session.commit()
        return council

    return factory


@pytest.fixture
def add_candidates(app, places):
    """``add_candidates(council, [("Anne", "Martin", "woman", 1980), ...])``: candidates in the
    council's first college, living in Bourtzwiller, with e-mail addresses."""
    from core.database import db, utcnow
    from plugins.council_draw.councils import candidates_of, taken_pseudonyms, unique_pseudonym
    from plugins.council_draw.eligibility import refresh_flags
    from plugins.council_draw.models import Candidate

    def factory(council, people, neighbourhood="bourtzwiller"):
        college = council.colleges[0]
        taken = taken_pseudonyms(council.id)
        created = []
        for first, last, gender, year in people:
            candidate = Candidate(
                council_id=council.id, college=college, college_id=college.id,
                pseudonym=unique_pseudonym(council.id, taken), first_name=first, last_name=last,
                email=f"{first}.{last}@example.org".lower(), birth_date=date(year, 5, 17),
                address="1 rue de la Paix", neighbourhood=places[neighbourhood],
                neighbourhood_id=places[neighbourhood].id, features={"gender": gender},
                consent_at=utcnow(),
            )
            db.session.add(candidate)
            created.append(candidate)
        db.session.flush()
        refresh_flags(council, candidates_of(council))
        db.session.commit()
        return created

    return factory


PEOPLE = [
    ("Anne", "Martin", "woman", 1980), ("Bruno", "Keller", "man", 1975),
    ("Chloé", "Weber", "woman", 1990), ("David", "Meyer", "man", 1962),
    ("Emma", "Schmitt", "woman", 2001), ("Farid", "Benali", "man", 1988),
    ("Gisèle", "Muller", "woman", 1955), ("Hugo", "Fischer", "man", 1999),
]

# "50.00 %" or "50,00 %": a probability of one half as the page shows it in any language.
FIFTY = re.compile(r"50[.,]00\s%")
