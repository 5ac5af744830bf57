"""The demo city's mediation office: a conciliator, the municipal services, and a few cases in
every status, through the same rules as on a real site. Running it twice changes nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.accounts.models import User, UserRole
from core.accounts.passwords import hash_password
from core.database import db, utcnow
from core.hookspecs import hookimpl
from core.workflows import move

from .models import Case, CaseMessage, Service
from .rules import add_case, note_decision

SERVICES = ["Voirie et déplacements", "État civil", "Urbanisme", "Propreté urbaine",
            "Petite enfance", "Eau et assainissement", "Stationnement"]
EMAIL = "mediateur@demo.civique.fr"

# (subject, service, days ago, the transitions the case went through)
CASES = [
    ("Avis de stationnement contesté rue du Sauvage", "Stationnement", 3, ()),
    ("Place en crèche refusée sans explication", "Petite enfance", 20, ("admit",)),
    ("Facture d'eau anormalement élevée", "Eau et assainissement", 45, ("admit", "start")),
    ("Trottoir dégradé devant mon domicile", "Voirie et déplacements", 90,
     ("admit", "start", "agreement")),
    ("Refus de permis de construire", "Urbanisme", 60, ("reject",)),
]


@hookimpl
def load_demo_data(demo) -> None:
    """Add the mediation office's demo content, once (nothing when its services exist)."""
    if db.session.scalar(select(Service.id).limit(1)) is not None:
        return
    services = {name: Service(name=name) for name in SERVICES}
    db.session.add_all(services.values())
    conciliator = db.session.scalar(select(User).where(User.email == EMAIL))
    if conciliator is None:
        conciliator = User(email=EMAIL, display_name="Hélène Médiatrice",
                           password_hash=hash_password(demo.password), email_confirmed_at=utcnow(),
                           locale="fr")
        conciliator.role_grants = [UserRole(role="conciliator")]
        db.session.add(conciliator)
    demo.extra_accounts.append(("conciliator", EMAIL))
    db.session.flush()
    comments = {"reject": "Aucune réclamation préalable n'a été adressée au service.",
                "agreement": "Le service a accepté de refaire le trottoir avant la fin du mois."}
    for index, (subject, service, days, steps) in enumerate(CASES):
        resident = demo.residents[index + 1]
        case = Case(title=subject, body=f"{subject}. Je souhaite une solution amiable.",
                    service_id=services[service].id, author_id=resident.id, state="received",
                    prior_complaint_date=(utcnow() - timedelta(days=days + 30)).date()
                    if "reject" not in steps else None,
                    prior_steps="Courrier au service resté sans réponse.",
                    hoped_outcome="Un réexamen de ma situation.",
                    created_at=utcnow() - timedelta(days=days))
        add_case(case)
        for step in steps:
            move(case, step, conciliator, comments.get(step, ""), record_audit=False)
            note_decision(case, step)
        db.session.add(CaseMessage(case_id=case.id, author_id=resident.id, kind="message",
                                   body="Bonjour, je reste à votre disposition pour tout document."))
    db.session.commit()
