"""Confidentiality, built from the application's URL map: every case URL of the plugin (and the
core's routes that serve a case's attachments and timeline), for GET and POST, for every account
that may not see the case. Each gets exactly what it would get for a case that does not exist,
and nothing changes. A route added later is covered without anyone remembering to add it."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from core.database import db

# The plugin's blueprints: the residents' pages and the city's.
PLUGIN_ENDPOINTS = ("conciliator.", "conciliator_staff.")
# Pages of the plugin that are not about one case (anything else must take a case id).
NOT_ABOUT_A_CASE = {
    "conciliator.index", "conciliator.mine", "conciliator.refer", "conciliator_staff.dashboard",
    "conciliator_staff.services", "conciliator_staff.toggle_service", "conciliator.report",
    "conciliator.report_csv",
}
# The core's routes that reach a case through its content type or an attachment.
CORE_CASE_ENDPOINTS = {"attachments.serve", "attachments.upload", "attachments.delete",
                       "workflows.transition"}
MISSING = 987654
POST_DATA = {"body": "Let me in", "comment": "Closing it", "answer": "Here it is",
             "email": "staff@example.org", "question": "Tell me", "internal": "y",
             "description": "a photo"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(app, users, make_user, conciliator, make_case):
    """A resident's case with a document, a message and a question to a staff member; another
    case whose staff member is invited to it only."""
    from werkzeug.datastructures import FileStorage

    from core.services.attachments import save_upload
    from plugins.conciliator.models import CaseMessage, Invitation

    owner = make_user("owner@example.org", "Olga Owner")
    case = make_case(owner)
    attachment = save_upload(case, FileStorage(io.BytesIO(PDF), "fine.pdf"), owner)
    db.session.add(CaseMessage(case_id=case.id, author_id=owner.id, body="Secret details"))
    invitee = make_user("invitee@example.org", "Ivan Invitee", roles=["staff"])
    invitation = Invitation(case_id=case.id, staff_id=invitee.id, asked_by_id=conciliator.id,
                            question="Why the fine?")
    other_case = make_case(make_user("someone@example.org"), title="Another dispute")
    elsewhere = make_user("elsewhere@example.org", "Elsa Elsewhere", roles=["staff"])
    db.session.add_all([invitation, Invitation(case_id=other_case.id, staff_id=elsewhere.id,
                                               asked_by_id=conciliator.id, question="And this?")])
    db.session.commit()
    outsiders = {
        "anonymous": None,
        "another resident": users["resident"],
        "moderator": users["moderator"],
        "staff not invited": users["staff"],
        "staff invited to another case": elsewhere,
        "admin without the conciliator role": users["admin"],
    }
    return dict(case=case, attachment=attachment, invitation=invitation, owner=owner,
                invitee=invitee, outsiders=outsiders)


def case_rules(app):
    """Every rule that reaches a case, from the URL map; fails on an unclassified plugin rule."""
    rules = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(PLUGIN_ENDPOINTS):
            if rule.endpoint in NOT_ABOUT_A_CASE:
                continue
            assert "id" in rule.arguments, f"{rule.rule}: a new route, classify it in this test"
            rules.append(rule)
        elif rule.endpoint in CORE_CASE_ENDPOINTS:
            rules.append(rule)
    return rules


def build(app, rule, world, missing: bool) -> str:
    values = {
        "id": MISSING if missing else world["case"].id,
        "invitation_id": MISSING if missing else world["invitation"].id,
        "attachment_id": MISSING if missing else world["attachment"].id,
        "filename": world["attachment"].original_name,
        "type_name": "conciliator.case",
        "name": "agreement",
    }
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{k: v for k, v in values.items() if k in rule.arguments})


def same_page(response, url: str) -> str:
    """The page with its own address and its (time-stamped) CSRF tokens taken out."""
    text = response.get_data(as_text=True).replace(url, "URL")
    return re.sub(r'value="[\w.-]{40,}"', 'value="TOKEN"', text)


def snapshot(world):
    from core.services.attachments import Attachment
    from plugins.conciliator.models import Case, CaseMessage, Invitation

    db.session.expire_all()
    case = db.session.get(Case, world["case"].id)
    return (case.state, case.acknowledged_at,
            db.session.scalar(select(func.count()).select_from(CaseMessage)),
            db.session.scalar(select(func.count()).select_from(Invitation)),
            db.session.scalar(select(func.count()).select_from(Attachment)),
            db.session.get(Invitation, world["invitation"].id).answer)


def test_the_url_map_reaches_every_kind_of_case_url(app, world):
    endpoints = {rule.endpoint for rule in case_rules(app)}
    assert {"conciliator.case", "conciliator.post_message", "conciliator_staff.answer",
            "conciliator_staff.decide_case", "conciliator.withdraw", "conciliator.case_file",
            "attachments.serve"} <= endpoints


@pytest.mark.parametrize("who", [
    "anonymous", "another resident", "moderator", "staff not invited",
    "staff invited to another case", "admin without the conciliator role",
])
def test_no_one_else_can_tell_a_case_exists(app, world, login, who):
    before = snapshot(world)
    client = app.test_client()
    user = world["outsiders"][who]
    if user is not None:
        login(client, user)
        client.get("/")  # shows the "logged in" message, which would differ between two pages
    checked = 0
    for rule in case_rules(app):
        for method in sorted({"GET", "POST"} & rule.methods):
            real_url, missing_url = build(app, rule, world, False), build(app, rule, world, True)
            data = dict(POST_DATA, file=(io.BytesIO(PDF), "x.pdf")) if method == "POST" else None
            real = client.open(real_url, method=method, data=data)
            data = dict(POST_DATA, file=(io.BytesIO(PDF), "x.pdf")) if method == "POST" else None
            missing = client.open(missing_url, method=method, data=data)
            where = f"{who}: {method} {real_url}"
            assert real.status_code == missing.status_code, where
            assert same_page(real, real_url) == same_page(missing, missing_url), where
            if rule.endpoint.startswith(PLUGIN_ENDPOINTS) or user is not None:
                assert real.status_code == 404, where
            checked += 1
    assert checked >= 10
    assert snapshot(world) == before


def test_the_resident_the_conciliator_and_the_invited_staff_see_the_case(app, world, login,
                                                                        conciliator):
    case, attachment = world["case"], world["attachment"]
    for user in (world["owner"], conciliator, world["invitee"]):
        client = app.test_client()
        login(client, user)
        page = client.get(f"/mediation/cases/{case.id}")
        assert page.status_code == 200
        assert case.reference in page.text
        served = client.get(f"/files/{attachment.id}/{attachment.original_name}")
        assert served.status_code == 200 and served.data.startswith(b"%PDF")
        # The private thread is for the resident and the conciliator, not the invited staff.
        assert ("Secret details" in page.text) == (user is not world["invitee"])
