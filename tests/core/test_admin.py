"""Administration: who may open it, accounts and roles, the permission matrix."""

from __future__ import annotations

import re

import pytest

from core.accounts.models import User
from core.services.audit import AuditEntry
from core.services.audit.labels import recorded_details
from core.database import db
from core.events import RoleChanged
from core.permissions import PermissionOverride

from . import admin_test_plugin
from .admin_fixtures import admin_client, people, signed_in  # noqa: F401  (fixtures)

ADMIN_ONLY_PAGES = (
    "/admin/users",
    "/admin/permissions",
    "/admin/audit",
    "/admin/mail",
    "/admin/taxonomy",
    "/admin/taxonomy/neighbourhood/new",
    "/admin/taxonomy/category/new",
    "/admin/settings",
)


@pytest.fixture
def app_config():
    return {"EXTRA_PLUGINS": {admin_test_plugin.NAME: admin_test_plugin}}


@pytest.fixture(autouse=True)
def forget_events():
    admin_test_plugin.HEARD.clear()
    yield
    admin_test_plugin.HEARD.clear()


def audit_entries(action: str) -> list[AuditEntry]:
    return db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    ).all()


def role_events() -> list[RoleChanged]:
    return [event for event in admin_test_plugin.HEARD if isinstance(event, RoleChanged)]


def checked_grants(client) -> set[str]:
    """The ticked boxes of the permission matrix, as the admin sees them."""
    html = client.get("/admin/permissions").text
    return set(re.findall(r'name="grants" value="([^"]+)" id="[^"]+" checked', html))


# --- Who may open the administration --------------------------------------------------------


def test_a_resident_is_refused_every_administration_page(people, signed_in):
    resident = people["resident"]
    client = signed_in(resident)
    for url in ("/admin/", f"/admin/users/{resident.id}", *ADMIN_ONLY_PAGES):
        assert client.get(url).status_code == 403, url
    refused_posts = {
        f"/admin/users/{resident.id}": {"roles": ["admin"]},
        "/admin/permissions": {"grants": ["resident:admin.users"]},
        "/admin/taxonomy/neighbourhood/new": {"name": "Rebberg"},
        f"/admin/settings/{admin_test_plugin.NAME}": {"parish_notes-setting_per_page": "3"},
    }
    for url, data in refused_posts.items():
        assert client.post(url, data=data).status_code == 403, url
    assert not people["resident"].has_role("admin")
    assert db.session.scalar(db.select(db.func.count()).select_from(PermissionOverride)) == 0


def test_a_visitor_is_asked_to_log_in(client, people):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]


def test_moderator_and_staff_open_the_administration_but_see_only_their_pages(people, signed_in):
    for role in ("moderator", "staff"):
        client = signed_in(people[role])
        home = client.get("/admin/")
        assert home.status_code == 200
        assert 'href="/admin/users"' not in home.text
        assert 'href="/admin/settings"' not in home.text
        for url in ADMIN_ONLY_PAGES:
            assert client.get(url).status_code == 403, (role, url)


def test_the_admin_sees_every_administration_page(admin_client):
    home = admin_client.get("/admin/")
    for label in ("Accounts and roles", "Permissions", "Audit log", "Outgoing mail",
                  "Neighbourhoods and categories", "Settings"):
        assert label in home.text
    for url in ADMIN_ONLY_PAGES:
        page = admin_client.get(url)
        assert page.status_code == 200, url
        assert 'aria-label="Administration sections"' in page.text


# --- Accounts and roles ---------------------------------------------------------------------


def test_the_admin_makes_a_resident_moderator_who_then_opens_the_moderators_pages(
    admin_client, people, signed_in
):
    resident, admin = people["resident"], people["admin"]
    resident_browser = signed_in(resident)
    assert resident_browser.get("/admin/").status_code == 403

    page = admin_client.get(f"/admin/users/{resident.id}")
    for role in ("moderator", "staff", "admin"):
        assert f'value="{role}"' in page.text
    assert 'value="resident"' not in page.text  # implicit: never given by hand

    saved = admin_client.post(f"/admin/users/{resident.id}", data={"roles": ["moderator"]},
                              follow_redirects=True)
    assert "The roles of Rose Resident are saved." in saved.text
    assert resident_browser.get("/admin/").status_code == 200

    [entry] = audit_entries("accounts.role_granted")
    assert entry.actor_id == admin.id
    assert entry.object_type == "user_account" and entry.object_id == str(resident.id)
    assert recorded_details(entry) == {"role": "moderator"}
    assert role_events() == [
        RoleChanged(user_id=resident.id, role="moderator", granted=True, actor_id=admin.id)
    ]
    assert "Role moderator given to Rose Resident" in admin_client.get(
        f"/admin/users/{resident.id}").text


def test_a_removed_role_stops_working_at_once_without_logging_the_person_out(
    admin_client, people, signed_in
):
    moderator = people["moderator"]
    browser = signed_in(moderator)
    assert browser.get("/admin/").status_code == 200

    admin_client.post(f"/admin/users/{moderator.id}", data={})

    assert browser.get("/admin/").status_code == 403
    assert browser.get("/account").status_code == 200  # still signed in
    [entry] = audit_entries("accounts.role_removed")
    assert recorded_details(entry) == {"role": "moderator"}
    assert role_events() == [RoleChanged(
        user_id=moderator.id, role="moderator", granted=False, actor_id=people["admin"].id
    )]


def test_the_admin_cannot_remove_their_own_admin_role(admin_client, people):
    admin = people["admin"]
    response = admin_client.post(f"/admin/users/{admin.id}", data={"roles": ["staff"]})
    assert response.status_code == 200
    assert "You cannot remove your own administrator role" in response.text
    db.session.expire_all()
    assert db.session.get(User, admin.id).role_names == {"admin", "resident"}
    assert audit_entries("accounts.role_removed") == []
    assert audit_entries("accounts.role_granted") == []  # nothing half-saved

    kept = admin_client.post(f"/admin/users/{admin.id}", data={"roles": ["admin", "staff"]},
                             follow_redirects=True)
    assert "The roles of Ada Admin are saved." in kept.text
    db.session.expire_all()
    assert db.session.get(User, admin.id).role_names == {"admin", "staff", "resident"}


def test_roles_of_plugins_no_longer_enabled_are_kept(admin_client, people, make_user):
    member = make_user("member@example.org", "Mia Member", roles=["retired_plugin_role"])
    page = admin_client.get(f"/admin/users/{member.id}")
    assert "retired_plugin_role" in page.text
    admin_client.post(f"/admin/users/{member.id}", data={"roles": ["staff"]})
    db.session.expire_all()
    assert db.session.get(User, member.id).role_names == {"retired_plugin_role", "staff", "resident"}


def test_an_unknown_account_is_not_found(admin_client):
    assert admin_client.get("/admin/users/999999").status_code == 404


def test_accounts_are_found_by_name_or_address_and_paginated(admin_client, people, make_user):
    for number in range(30):
        make_user(f"walker{number:02d}@example.org", f"Walker {number:02d}")

    everyone = admin_client.get("/admin/users")
    assert "34 accounts" in everyone.text
    assert 'rel="next"' in everyone.text

    walkers = admin_client.get("/admin/users?q=walker")
    assert "30 accounts" in walkers.text
    assert "Walker 00" in walkers.text and "Walker 29" not in walkers.text
    second = admin_client.get("/admin/users?q=walker&page=2")
    assert "Walker 29" in second.text and "Walker 00" not in second.text
    assert "Rose Resident" not in second.text

    by_address = admin_client.get("/admin/users?q=WALKER07@example")
    assert "1 account" in by_address.text and "Walker 07" in by_address.text

    by_name = admin_client.get("/admin/users?q=rose")
    assert "Rose Resident" in by_name.text and "1 account" in by_name.text

    admins = admin_client.get("/admin/users?role=admin")
    assert "Ada Admin" in admins.text and "1 account" in admins.text

    nobody = admin_client.get("/admin/users?q=%25_nobody")
    assert "No account matches this search." in nobody.text


# --- Permissions ----------------------------------------------------------------------------


def test_the_permission_matrix_is_an_accessible_table(admin_client):
    html = admin_client.get("/admin/permissions").text
    assert "<caption>Which role holds which permission</caption>" in html
    assert '<th scope="col">City staff</th>' in html
    assert '<th scope="row">Read the audit log' in html
    # Each box has its own label, read by screen readers.
    boxes = re.findall(r'<input type="checkbox" name="grants" value="[^"]+" id="([^"]+)"', html)
    assert boxes
    for box in boxes:
        assert f'<label for="{box}"><span class="visually-hidden">' in html
    assert '<span class="visually-hidden">Administrator: Read the audit log</span>' in html
    assert "admin:admin.audit" in checked_grants(admin_client)
    assert "staff:admin.audit" not in checked_grants(admin_client)


def test_a_changed_grant_takes_effect_is_stored_as_an_override_and_audited(
    admin_client, people, signed_in
):
    staff = signed_in(people["staff"])
    assert staff.get("/admin/audit").status_code == 403
    assert admin_client.get("/admin/taxonomy").status_code == 200
    defaults = checked_grants(admin_client)

    wanted = (defaults | {"staff:admin.audit"}) - {"admin:admin.taxonomy"}
    saved = admin_client.post("/admin/permissions", data={"grants": sorted(wanted)},
                              follow_redirects=True)
    assert "2 permissions changed." in saved.text

    assert staff.get("/admin/audit").status_code == 200
    assert admin_client.get("/admin/taxonomy").status_code == 403
    overrides = {
        (row.role, row.permission, row.granted)
        for row in db.session.scalars(db.select(PermissionOverride))
    }
    assert overrides == {("staff", "admin.audit", True), ("admin", "admin.taxonomy", False)}
    [granted] = audit_entries("permissions.granted")
    assert recorded_details(granted) == {"role": "staff", "permission": "admin.audit",
                                         "default": False}
    [revoked] = audit_entries("permissions.revoked")
    assert recorded_details(revoked) == {"role": "admin", "permission": "admin.taxonomy",
                                         "default": True}
    assert checked_grants(admin_client) == wanted

    # Back to the defaults: the overrides are deleted, not stored again.
    admin_client.post("/admin/permissions", data={"grants": sorted(defaults)})
    assert db.session.scalars(db.select(PermissionOverride)).all() == []
    assert staff.get("/admin/audit").status_code == 403
    assert admin_client.get("/admin/taxonomy").status_code == 200


def test_an_override_equal_to_the_default_is_cleaned_away(admin_client):
    db.session.add(PermissionOverride(role="admin", permission="admin.audit", granted=True))
    db.session.commit()
    admin_client.post("/admin/permissions", data={"grants": sorted(checked_grants(admin_client))})
    assert db.session.scalars(db.select(PermissionOverride)).all() == []


def test_the_admin_cannot_take_away_their_own_access_to_the_matrix(admin_client):
    defaults = checked_grants(admin_client)
    response = admin_client.post(
        "/admin/permissions", data={"grants": sorted(defaults - {"admin:admin.permissions"})}
    )
    assert response.status_code == 200
    assert "or you could no longer open this page" in response.text
    assert db.session.scalars(db.select(PermissionOverride)).all() == []
    assert admin_client.get("/admin/permissions").status_code == 200
