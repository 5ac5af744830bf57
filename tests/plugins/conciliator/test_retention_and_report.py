"""Retention (the daily command), deadline reminders, the yearly report's safe aggregates, open
data, statistics and personal data."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import func, select

from core.database import db, utcnow


def test_the_purge_command_anonymises_cases_past_their_retention(app, users, make_case):
    from plugins.conciliator.models import Case, CaseMessage

    old = make_case(users["resident"], title="Old dispute", state="closed", outcome="agreement",
                    closed_at=utcnow() - timedelta(days=365 * 5 + 10))
    recent = make_case(users["resident"], title="Recent dispute", state="closed",
                       outcome="agreement", closed_at=utcnow() - timedelta(days=30))
    db.session.add(CaseMessage(case_id=old.id, author_id=users["resident"].id, body="Private"))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["conciliator", "purge"])
    assert result.exit_code == 0 and "1 case(s)" in result.output
    db.session.expire_all()
    old, recent = db.session.get(Case, old.id), db.session.get(Case, recent.id)
    assert old.title == "" and old.body == "" and old.author_id is None and old.anonymised_at
    assert old.outcome == "agreement"  # the figures of the yearly report remain
    assert db.session.scalar(select(func.count()).select_from(CaseMessage)) == 0
    assert recent.title == "Recent dispute"
    # Run again (a daily scheduler): nothing more to do.
    assert "0 case(s)" in app.test_cli_runner().invoke(args=["conciliator", "purge"]).output


def test_the_purge_erases_when_set_so(app, users, make_case, set_setting):
    from plugins.conciliator.models import Case
    from plugins.conciliator.rules import purge_expired

    set_setting("retention_mode", "erase")
    set_setting("retention_years", 1)
    make_case(users["resident"], state="inadmissible",
              decided_at=utcnow() - timedelta(days=400))
    assert purge_expired() == 1
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_conciliators_are_reminded_once_before_a_deadline(app, users, make_case, conciliator, smtp):
    from core.services.notifications import Notification
    from plugins.conciliator.rules import send_reminders

    make_case(users["resident"], created_at=utcnow() - timedelta(days=13))
    assert send_reminders() == 2  # not yet opened, admissibility due in two days
    assert send_reminders() == 0
    messages = db.session.scalars(select(Notification.message)
                                  .where(Notification.user_id == conciliator.id)).all()
    assert any("Admissibility decision" in m for m in messages)


def test_the_remind_command_reminds_once(app, users, make_case, conciliator, smtp):
    make_case(users["resident"], created_at=utcnow() - timedelta(days=13))
    result = app.test_cli_runner().invoke(args=["conciliator", "remind"])
    assert result.exit_code == 0 and "2 reminder(s) sent." in result.output
    assert "0 reminder(s) sent." in app.test_cli_runner().invoke(args=["conciliator", "remind"]).output


def test_small_groups_are_merged():
    from plugins.conciliator.data import merge_small

    # "Other" alone would hold 3 cases, and A's 7 out of 10 would give them away: all merged.
    assert merge_small({"A": 7, "B": 2, "C": 1}, 5, "Other") == [("Other", 10)]
    assert merge_small({"A": 7, "B": 6, "C": 2}, 5, "Other") == [("A", 7), ("Other", 8)]
    assert merge_small({"A": 9, "B": 5}, 5, "Other") == [("A", 9), ("B", 5)]


def test_the_yearly_report_shows_only_safe_aggregates(client, users, make_case, services):
    year = utcnow().year
    for index in range(6):
        make_case(users["resident"], title=f"Case {index}", state="closed", outcome="agreement",
                  closed_at=utcnow())
    make_case(users["resident"], title="Lonely water case", service="Water", state="inadmissible")
    page = client.get(f"/mediation/report/{year}")
    assert page.status_code == 200
    assert "Lonely water case" not in page.text and "Water" not in page.text
    # Parking (6) and Water (1): Water alone is too small, so both are merged.
    assert "Other services" in page.text and "Parking" not in page.text
    rows = list(csv.reader(io.StringIO(client.get(f"/mediation/report/{year}.csv").text)))
    assert ["Overview", "Cases received", "7"] in rows
    assert all(int(r[2]) >= 5 for r in rows[1:] if r[0] in ("By service", "By domain", "Outcomes"))
    assert "Printable version" in page.text
    assert client.get(f"/mediation/report/{year}?print=1").status_code == 200
    data = client.get("/open-data/mediation_yearly.json")
    assert data.status_code == 200 and "Lonely" not in data.text


def test_a_year_with_few_cases_shows_its_total_only(client, users, make_case):
    make_case(users["resident"], title="Only one")
    page = client.get(f"/mediation/report/{utcnow().year}")
    assert "Fewer than 5 cases were received this year" in page.text
    assert "Parking" not in page.text


def test_personal_data_export_and_erasure(app, users, make_case):
    from plugins.conciliator.data import erase_user_data, export_user_data
    from plugins.conciliator.models import Case

    case = make_case(users["resident"])
    exported = export_user_data(users["resident"])
    assert exported["mediation_cases"][0]["reference"] == case.reference
    erase_user_data(users["resident"])
    db.session.commit()
    case = db.session.get(Case, case.id)
    assert case.author_id is None and case.body == ""
