"""Administration: reading and filtering the audit log."""

from __future__ import annotations

import html
import re
from datetime import datetime, timezone

import pytest

from core.services.audit import AuditEntry
from core.database import db

from .admin_fixtures import admin_client, people, signed_in  # noqa: F401  (fixtures)


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


@pytest.fixture
def entries(people):
    """A few actions of the staff member and the admin, on known dates (UTC)."""
    staff, admin = people["staff"], people["admin"]
    rows = [
        ("taxonomy.created", admin, at(2024, 3, 1, 10), "created Rebberg"),
        ("ideas.answered", staff, at(2024, 3, 10, 9), "answered the bench idea"),
        # 23:30 in Paris on 15 March, then 00:30 on 16 March.
        ("ideas.answered", staff, at(2024, 3, 15, 22, 30), "answered the tram idea"),
        ("taxonomy.created", admin, at(2024, 3, 15, 23, 30), "created Dornach"),
        ("settings.changed", admin, at(2024, 3, 20, 8), "changed the threshold"),
    ]
    for action, actor, when, summary in rows:
        db.session.add(AuditEntry(action=action, actor_id=actor.id, created_at=when,
                                  summary=summary, details={"note": summary}))
    db.session.commit()


def shown(response) -> list[str]:
    """The summaries listed, in page order."""
    summaries = ["created Rebberg", "answered the bench idea", "answered the tram idea",
                 "created Dornach", "changed the threshold"]
    found = [(response.text.find(f"<td>{s}</td>"), s) for s in summaries]
    return [s for position, s in sorted(found) if position >= 0]


def test_the_log_lists_newest_first(admin_client, entries):
    response = admin_client.get("/admin/audit")
    assert response.status_code == 200
    assert shown(response) == ["changed the threshold", "created Dornach", "answered the tram idea",
                               "answered the bench idea", "created Rebberg"]
    assert "5 entries" in response.text


def test_filter_by_action_offers_the_actions_recorded(admin_client, entries):
    page = admin_client.get("/admin/audit")
    # Each action in words where its module declares a label; a code no module declares as is.
    assert '<option value="settings.changed">Settings changed</option>' in page.text
    for action in ("ideas.answered", "taxonomy.created"):
        assert f'<option value="{action}">{action}</option>' in page.text
    assert "<td>Settings changed</td>" in page.text and "<code>settings.changed</code>" not in page.text

    response = admin_client.get("/admin/audit?action=taxonomy.created")
    assert shown(response) == ["created Dornach", "created Rebberg"]
    assert '<option selected value="taxonomy.created">' in response.text


def test_filter_by_actor_name_or_address(admin_client, entries):
    by_name = admin_client.get("/admin/audit?actor=sam")
    assert shown(by_name) == ["answered the tram idea", "answered the bench idea"]
    by_address = admin_client.get("/admin/audit?actor=ADMIN@example")
    assert shown(by_address) == ["changed the threshold", "created Dornach", "created Rebberg"]


def test_filter_by_date_range_uses_the_sites_days(admin_client, entries):
    response = admin_client.get("/admin/audit?date_from=2024-03-05&date_to=2024-03-15")
    assert shown(response) == ["answered the tram idea", "answered the bench idea"]

    typed = admin_client.get("/admin/audit?date_from=16/03/2024")
    assert shown(typed) == ["changed the threshold", "created Dornach"]

    combined = admin_client.get("/admin/audit?date_to=2024-03-15&action=taxonomy.created")
    assert shown(combined) == ["created Rebberg"]


def test_a_malformed_date_is_explained_not_a_crash(admin_client, entries):
    response = admin_client.get("/admin/audit?date_from=2024-13-45")
    assert response.status_code == 200
    assert "Enter a date such as 2025-03-31 or 31/03/2025." in response.text
    assert 'aria-invalid="true"' in response.text
    assert "Correct the filters to see the entries." in response.text
    assert shown(response) == []


def test_an_end_before_the_start_is_explained(admin_client, entries):
    response = admin_client.get("/admin/audit?date_from=2024-03-20&date_to=2024-03-01")
    assert "The end date is before the start date." in response.text
    assert shown(response) == []


def test_the_log_is_paginated_and_keeps_the_filters(admin_client, people):
    for number in range(60):
        db.session.add(AuditEntry(action="ideas.answered", actor_id=people["staff"].id,
                                  created_at=at(2024, 4, 1, 0, number), summary=f"answer {number}"))
    db.session.commit()
    first = admin_client.get("/admin/audit?action=ideas.answered")
    assert "<td>answer 59</td>" in first.text and "<td>answer 9</td>" not in first.text
    [next_link] = re.findall(r'<a href="([^"]+)" rel="next">', first.text)
    assert "action=ideas.answered" in next_link
    second = admin_client.get(html.unescape(next_link))
    assert "<td>answer 9</td>" in second.text and "<td>answer 59</td>" not in second.text


def test_staff_cannot_read_the_log(people, signed_in, entries):
    assert signed_in(people["staff"]).get("/admin/audit").status_code == 403
