"""The demo city's mediation office: a conciliator, the services and a case in every status,
moved through the declared transitions; running it twice adds nothing."""

from collections import Counter

from core.database import db
from core.demo import load_demo
from plugins.conciliator.models import Case, Service


def test_the_demo_fills_the_mediation_office_once(app, client):
    load_demo("demo-password-2026")
    states = Counter(db.session.scalars(db.select(Case.state)))
    assert set(states) == {"received", "admissible", "in_progress", "closed", "inadmissible"}
    # The featured closed case (the year's past cases end in every way).
    closed = db.session.scalar(db.select(Case).where(
        Case.title == "Trottoir dégradé devant mon domicile"))
    assert closed.state == "closed"
    assert closed.outcome == "agreement" and closed.closed_at is not None
    outcomes = set(db.session.scalars(db.select(Case.outcome).where(Case.state == "closed")))
    assert {"agreement", "recommendation", "unresolved"} <= outcomes
    inadmissible = db.session.scalar(db.select(Case).where(Case.state == "inadmissible"))
    assert inadmissible.decided_at is not None and inadmissible.prior_complaint_date is None
    services = db.session.scalar(db.select(db.func.count()).select_from(Service))

    load_demo("demo-password-2026")
    assert Counter(db.session.scalars(db.select(Case.state))) == states
    assert db.session.scalar(db.select(db.func.count()).select_from(Service)) == services
