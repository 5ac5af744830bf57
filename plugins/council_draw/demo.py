"""The demo city's citizens' council: a call open on two neighbourhoods, a residents' college
with gender parity and age quotas and 40 volunteers, a college of local actors (associations,
shopkeepers) with gender parity and 12 volunteers, so that either college can be drawn, and an
officer account to run the draw."""

from __future__ import annotations

from datetime import date, timedelta

from core.accounts.models import User, UserRole
from core.accounts.passwords import hash_password
from core.database import db, utcnow
from core.hookspecs import hookimpl

from .councils import add_default_features, candidates_of, taken_pseudonyms, unique_pseudonym
from .eligibility import refresh_flags
from .models import Candidate, College, Council, Quota
from .workflow import OFFICER

NAME = "Conseil citoyen Bourtzwiller"
OFFICER_EMAIL = "conseils@demo.civique.fr"
FIRST = {"woman": ["Amina", "Claire", "Fatou", "Hélène", "Inès", "Julie", "Léa", "Nadia", "Sophie", "Yasmina"],
         "man": ["Ahmed", "Bernard", "Karim", "Lucas", "Marc", "Mehdi", "Nicolas", "Pierre", "Thomas", "Yann"]}
LAST = ["Bauer", "Benali", "Fischer", "Haas", "Keller", "Martin", "Meyer", "Muller", "Schmitt", "Weber",
        "Wolf", "Yilmaz"]


@hookimpl
def load_demo_data(demo) -> None:
    """Add the demo council, once: nothing is added when it exists."""
    _officer(demo)
    if db.session.scalar(db.select(Council).where(Council.name == NAME)) is not None:
        db.session.commit()
        return
    today = utcnow().date()
    council = Council(
        name=NAME, description="Le conseil citoyen des quartiers prioritaires de Bourtzwiller et des Coteaux.",
        term_start=today + timedelta(days=90), term_end=today + timedelta(days=90 + 3 * 365),
        call_opens_on=today - timedelta(days=10), call_closes_on=today + timedelta(days=40),
        call_text="Habitantes et habitants de 16 ans et plus : portez-vous volontaires !",
        is_published=True,
    )
    # Bourtzwiller and its neighbour Coteaux (the demo's neighbourhoods, by name).
    council.neighbourhoods = [n for n in demo.neighbourhoods if n.name in ("Bourtzwiller", "Coteaux")] \
        or list(demo.neighbourhoods[:2])
    add_default_features(council)
    college = College(council=council, name="Habitants", kind="residents", seats=10, position=1)
    actors = College(council=council, name="Acteurs locaux", kind="local_actors", seats=4, position=2)
    db.session.add(council)
    db.session.flush()
    gender = next(f for f in council.features if f.key == "gender")
    for key in ("woman", "man"):
        db.session.add(Quota(college=college, value=gender.value_by_key(key), minimum=5, maximum=5))
    age = next(f for f in council.features if f.key == "age")
    for value in age.values:
        db.session.add(Quota(college=college, value=value, minimum=2, maximum=3))
    for key in ("woman", "man"):
        db.session.add(Quota(college=actors, value=gender.value_by_key(key), minimum=2, maximum=2))
    _volunteers(demo, council, college)
    _local_actors(demo, council, actors)
    db.session.flush()
    refresh_flags(council, candidates_of(council))
    db.session.commit()


def _officer(demo) -> None:
    user = db.session.scalar(db.select(User).where(User.email == OFFICER_EMAIL))
    if user is None:
        user = User(email=OFFICER_EMAIL, display_name="Nadia Fischer",
                    password_hash=hash_password(demo.password), email_confirmed_at=utcnow(),
                    locale="fr")
        user.role_grants = [UserRole(role=OFFICER)]
        db.session.add(user)
    demo.extra_accounts.append((OFFICER, OFFICER_EMAIL))


def _volunteers(demo, council: Council, college: College) -> None:
    rng = demo.random
    taken = taken_pseudonyms(council.id)
    for index in range(40):
        gender = "woman" if rng.random() < 0.6 else "man"
        neighbourhood = rng.choice(council.neighbourhoods)
        year = rng.choice([1950, 1958, 1965, 1972, 1980, 1986, 1993, 2000, 2005])
        db.session.add(Candidate(
            council_id=council.id, college=college, college_id=college.id,
            pseudonym=unique_pseudonym(council.id, taken),
            first_name=rng.choice(FIRST[gender]), last_name=rng.choice(LAST),
            email=f"volontaire{index + 1}@demo.civique.fr", birth_date=date(year, rng.randint(1, 12), 10),
            address=f"{rng.randint(1, 80)} {rng.choice(STREETS)}", neighbourhood=neighbourhood,
            neighbourhood_id=neighbourhood.id, features={"gender": gender}, consent_at=utcnow(),
        ))


ACTORS = [
    ("woman", "Présidente de l'association des locataires des Coteaux"),
    ("man", "Gérant de la boulangerie de la place Drouot"),
    ("woman", "Animatrice au centre socio-culturel"),
    ("man", "Entraîneur du club de football du quartier"),
    ("woman", "Pharmacienne, rue de Soultz"),
    ("man", "Bénévole aux Restos du cœur"),
    ("woman", "Directrice de la crèche associative"),
    ("man", "Président de l'amicale des commerçants"),
    ("woman", "Membre du conseil de parents d'élèves"),
    ("man", "Responsable du jardin partagé"),
    ("woman", "Coordinatrice de l'épicerie solidaire"),
    ("man", "Éducateur de rue"),
]
STREETS = ["rue de Soultz", "rue de Strasbourg", "rue des Vosges", "rue de Kingersheim",
           "rue Drouot", "avenue de Bâle", "rue de Bourtzwiller", "rue des Romains"]


def _local_actors(demo, council: Council, college: College) -> None:
    """Associations and shopkeepers of the neighbourhoods, for the second college."""
    rng = demo.random
    taken = taken_pseudonyms(council.id)
    for index, (gender, motivation) in enumerate(ACTORS):
        neighbourhood = rng.choice(council.neighbourhoods)
        db.session.add(Candidate(
            council_id=council.id, college=college, college_id=college.id,
            pseudonym=unique_pseudonym(council.id, taken),
            first_name=rng.choice(FIRST[gender]), last_name=rng.choice(LAST),
            email=f"acteur{index + 1}@demo.civique.fr",
            birth_date=date(rng.choice([1962, 1970, 1978, 1985, 1991]), rng.randint(1, 12), 3),
            address=f"{rng.randint(1, 80)} {rng.choice(STREETS)}", neighbourhood=neighbourhood,
            neighbourhood_id=neighbourhood.id, motivation=motivation, features={"gender": gender},
            consent_at=utcnow(),
        ))
