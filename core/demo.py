"""Demo data for a Mulhouse-like city: neighbourhoods, categories, one account per role.

``flask --app core demo`` runs :func:`load_demo`; each enabled plugin then adds its own content
through the ``load_demo_data`` hook. Running it twice changes nothing.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import current_app

from .accounts.models import User, UserRole
from .accounts.passwords import hash_password
from .database import db, utcnow
from .mail import OutboxMessage
from .services.notifications.models import Notification
from .plugins import manager
from .taxonomy import Category, Neighbourhood
from .web import background_context

# Mulhouse's neighbourhoods (the names residents use).
NEIGHBOURHOODS = [
    "Centre historique", "Fonderie", "Rebberg", "Dornach", "Bourtzwiller", "Coteaux",
    "Drouot-Barbanègre", "Franklin-Fridolin", "Nordfeld", "Vauban-Neppert", "Wolf-Wagner",
    "Haut-Poirier", "Brustlein", "Daguerre", "Doller", "Briand",
]

CATEGORIES = [
    "Mobilité et déplacements", "Environnement et nature en ville", "Propreté",
    "Culture et patrimoine", "Sport et loisirs", "Solidarité et vivre-ensemble",
    "Éducation et jeunesse", "Tranquillité publique", "Urbanisme et cadre de vie",
    "Commerce et vie économique",
]

# (role, e-mail, display name); residents get a neighbourhood.
ACCOUNTS = [
    ("admin", "admin@demo.civique.fr", "Claire Meyer"),
    ("staff", "agent@demo.civique.fr", "Karim Benali"),
    ("moderator", "moderation@demo.civique.fr", "Sophie Haas"),
    ("resident", "habitant@demo.civique.fr", "Lucas Weber"),
]

RESIDENTS = [
    "Émilie Schmitt", "Mehdi Benali", "Anne Muller", "Thomas Meyer", "Fatou Diallo",
    "Julien Weber", "Nathalie Koehler", "Yusuf Demir", "Camille Hoffmann", "Paul Ehrhart",
    "Inès Haddad", "Marc Schneider", "Léa Fischer", "Antoine Wagner", "Sarah Keller",
    "Hugo Bauer", "Aïcha Mansouri", "Pierre Zimmermann", "Chloé Walter", "Bernard Roth",
]


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


@dataclass
class DemoCity:
    """What the core's demo data made, handed to each plugin's ``load_demo_data`` hook."""

    neighbourhoods: list[Neighbourhood]
    categories: list[Category]
    accounts: dict[str, User]  # by role: admin, staff, moderator, resident
    residents: list[User]  # many residents, to support, comment, answer...
    password: str
    # Plugins that create accounts for their own roles list them here: (role, e-mail).
    extra_accounts: list[tuple[str, str]] = field(default_factory=list)
    random: random.Random = field(default_factory=lambda: random.Random(2014))


def _get_or_create_user(email: str, name: str, password_hash: str, neighbourhood=None) -> User:
    user = db.session.scalar(db.select(User).where(User.email == email))
    if user is None:
        # Signed up over the last two years, not all on the day the demo was loaded.
        joined = utcnow() - timedelta(days=random.Random(email).randint(200, 720))
        user = User(
            email=email, display_name=name, password_hash=password_hash, created_at=joined,
            email_confirmed_at=joined, locale="fr", neighbourhood=neighbourhood,
        )
        db.session.add(user)
    return user


def load_demo(password: str) -> list[tuple[str, str]]:
    """Create the core's demo data, then call every plugin's ``load_demo_data``."""
    neighbourhoods = []
    for position, name in enumerate(NEIGHBOURHOODS):
        row = db.session.scalar(db.select(Neighbourhood).where(Neighbourhood.name == name))
        if row is None:
            row = Neighbourhood(name=name, slug=slugify(name), position=position)
            db.session.add(row)
        neighbourhoods.append(row)
    categories = []
    for position, name in enumerate(CATEGORIES):
        row = db.session.scalar(db.select(Category).where(Category.name == name))
        if row is None:
            row = Category(name=name, slug=slugify(name), position=position)
            db.session.add(row)
        categories.append(row)
    db.session.flush()

    password_hash = hash_password(password)
    rng = random.Random(110000)
    accounts: dict[str, User] = {}
    for role, email, name in ACCOUNTS:
        user = _get_or_create_user(email, name, password_hash, rng.choice(neighbourhoods))
        if role != "resident" and not any(g.role == role for g in user.role_grants):
            user.role_grants.append(UserRole(role=role))
        accounts[role] = user
    residents = [accounts["resident"]]
    for index, name in enumerate(RESIDENTS):
        email = f"{slugify(name).replace('-', '.')}@demo.civique.fr"
        residents.append(_get_or_create_user(email, name, password_hash, neighbourhoods[index % len(neighbourhoods)]))
    db.session.commit()

    demo = DemoCity(neighbourhoods, categories, accounts, residents, password)
    first_mail = db.session.scalar(db.select(db.func.max(OutboxMessage.id))) or 0
    first_load = db.session.scalar(db.select(db.func.max(Notification.id))) or 0
    # Plugins build URLs and notify people: give them a request on the site's address. The
    # demo writes years of history at once: its notifications are made as it goes (not left to
    # the worker's jobs), so that they can be dated below.
    limit = current_app.config["NOTIFY_IMMEDIATE_LIMIT"]
    current_app.config["NOTIFY_IMMEDIATE_LIMIT"] = 1_000_000
    try:
        with background_context(current_app.config.get("PUBLIC_URL") or "http://127.0.0.1:5000"):
            for _plugin, load_demo_data in manager().callers("load_demo_data"):
                load_demo_data(demo=demo)
                db.session.commit()
    finally:
        current_app.config["NOTIFY_IMMEDIATE_LIMIT"] = limit
    # The demo's people are fictional: their notifications stay on the site, but the mails
    # that loading the demo queued for them are not sent.
    db.session.execute(db.delete(OutboxMessage).where(OutboxMessage.id > first_mail))
    _date_notifications(loaded_after=first_load)
    db.session.commit()
    current_app.logger.info("Demo data ready")
    return [(role, email) for role, email, _ in ACCOUNTS] + demo.extra_accounts


def _date_notifications(loaded_after: int) -> None:
    """The notifications that loading the demo created, dated when what they tell happened
    (the last move, else the last comment, of their item, the demo having moved those back in
    time), and
    read when they are more than a month old, as a resident who visits now and then would."""
    from .services.comments import Comment
    from .workflows import WorkflowRecord

    latest: dict[tuple[str, int], Any] = {}
    # An item's last move says best when its news came; its last comment, for items that
    # never moved.
    for model in (Comment, WorkflowRecord):
        rows = db.session.execute(db.select(model.content_type, model.content_id,
                                            db.func.max(model.created_at))
                                  .group_by(model.content_type, model.content_id))
        for content_type, content_id, when in rows:
            latest[(content_type, content_id)] = when
    month_ago = utcnow() - timedelta(days=30)
    for notification in db.session.scalars(db.select(Notification).where(Notification.id > loaded_after)):
        when = latest.get((notification.content_type, notification.content_id))
        if when is None:
            continue
        notification.created_at = when
        if when < month_ago:
            notification.read_at = when
