"""The demo city's mediation office: a conciliator, the municipal services, a few cases in
every status, and a year's worth of past cases (about fifty, over the services and domains), so
that the yearly report has figures to read. Through the same rules as on a real site; only the
dates are set in the past. Running it twice changes nothing."""

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


# The year's past cases: (service, subject, how many, how they ended: transitions and weights).
PAST = [
    ("Stationnement", "Amende de stationnement contestée", 11),
    ("Voirie et déplacements", "Dégradation de la voirie non réparée", 9),
    ("Eau et assainissement", "Facture d'eau contestée", 8),
    ("Propreté urbaine", "Dépôts sauvages non enlevés", 7),
    ("État civil", "Délai de délivrance d'un acte", 6),
    ("Urbanisme", "Refus d'autorisation de travaux", 4),
    ("Petite enfance", "Inscription en crèche", 3),
]
ENDINGS = [
    (("admit", "start", "agreement"), 12), (("admit", "start", "recommendation"), 6),
    (("admit", "start", "unresolved"), 5), (("admit", "withdraw"), 2), (("reject",), 7),
    (("admit", "start"), 3), (("admit",), 2),
]

# What the conciliator wrote when closing (the transitions that ask for a word).
ENDING_WORDS = {
    "reject": "Aucune réclamation préalable n'a été adressée au service : écrivez-lui d'abord.",
    "agreement": "Le service a accepté de revoir sa décision ; un accord écrit a été signé.",
    "recommendation": "Une recommandation a été adressée au service, qui a un mois pour répondre.",
    "unresolved": "Le service maintient sa décision ; les autres recours vous ont été indiqués.",
}


@hookimpl
def load_demo_data(demo) -> None:
    """Add the mediation office's demo content, once (nothing when its services exist)."""
    if db.session.scalar(select(Service.id).limit(1)) is not None:
        return
    services = {name: Service(name=name) for name in SERVICES}
    db.session.add_all(services.values())
    conciliator = db.session.scalar(select(User).where(User.email == EMAIL))
    if conciliator is None:
        conciliator = User(email=EMAIL, display_name="Hélène Keller",
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
    _past_cases(demo, services, conciliator)
    db.session.commit()


def _past_cases(demo, services, conciliator) -> None:
    """The year's earlier cases, each received, decided and (mostly) closed on its own dates."""
    rng = demo.random
    endings = [steps for steps, weight in ENDINGS for _ in range(weight)]
    rng.shuffle(endings)
    today = utcnow()
    days_this_year = max(30, (today - today.replace(month=1, day=1)).days - 1)
    number = 0
    for service, subject, count in PAST:
        for _index in range(count):
            steps = endings[number % len(endings)]
            number += 1
            received = today - timedelta(days=rng.randint(25, days_this_year))
            author = demo.residents[number % len(demo.residents)]
            case = Case(title=f"{subject} ({number})", body=f"{subject}. Je souhaite une solution amiable.",
                        service_id=services[service].id, author_id=author.id, state="received",
                        category_id=rng.choice(demo.categories).id if demo.categories else None,
                        # Inadmissible: the service was never written to first.
                        prior_complaint_date=None if "reject" in steps
                        else (received - timedelta(days=40)).date(),
                        prior_steps="Réclamation écrite au service.",
                        hoped_outcome="Un réexamen de ma situation.", created_at=received,
                        acknowledged_at=received + timedelta(days=2))
            add_case(case)
            for step in steps:
                author_or_conciliator = author if step == "withdraw" else conciliator
                move(case, step, author_or_conciliator, ENDING_WORDS.get(step, ""), record_audit=False)
                note_decision(case, step)
            if case.decided_at is not None:
                case.decided_at = received + timedelta(days=rng.randint(4, 14))
            if case.closed_at is not None:
                case.closed_at = min(today, received + timedelta(days=rng.randint(20, 75)))
