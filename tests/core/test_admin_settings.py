"""Administration: the plugins' settings, as forms made from their declarations."""

from __future__ import annotations

import re

import pytest
from flask import g

from core.services.audit import AuditEntry
from core.services.audit.labels import recorded_details
from core.database import db
from core.settings import SettingValue, get_setting

from . import admin_test_plugin
from .admin_fixtures import admin_client, people, signed_in  # noqa: F401  (fixtures)

PLUGIN = admin_test_plugin.NAME
FORM_URL = f"/admin/settings/{PLUGIN}"
DEFAULTS = {"title": "Our notes", "intro": "", "per_page": 10, "open": True, "order": "newest"}


@pytest.fixture
def app_config():
    return {"EXTRA_PLUGINS": {PLUGIN: admin_test_plugin}}


def current() -> dict:
    db.session.expire_all()
    g.pop("_civique_settings", None)
    return {name: get_setting(PLUGIN, name) for name in DEFAULTS}


def sent(**changes) -> dict:
    """What the form sends when the admin changes ``changes`` (an unticked box sends nothing)."""
    values = {**DEFAULTS, **changes}
    data = {
        f"{PLUGIN}-setting_{name}": str(value) for name, value in values.items() if name != "open"
    }
    if values["open"]:
        data[f"{PLUGIN}-setting_open"] = "y"
    return data


def test_each_type_of_setting_gets_its_own_field(admin_client):
    html = admin_client.get("/admin/settings").text
    assert '<h2 id="plugin-parish_notes-title">Parish notes' in html
    assert ('id="parish_notes-setting_title" maxlength="2000" name="parish_notes-setting_title" '
            'type="text" value="Our notes"') in html
    assert '<textarea' in html and 'name="parish_notes-setting_intro"' in html
    assert 'max="50" min="1" name="parish_notes-setting_per_page"' in html
    assert 'type="number" value="10"' in html
    assert ('checked id="parish_notes-setting_open" name="parish_notes-setting_open" '
            'type="checkbox"') in html
    assert '<option selected value="newest">Newest first</option>' in html
    assert 'Shown above the notes.' in html
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "each label must point to one field only"


def test_saved_settings_are_what_the_plugin_then_reads_and_are_audited(admin_client):
    response = admin_client.post(FORM_URL, data=sent(per_page=25, open=False, order="oldest",
                                                     title="Parish news"),
                                 follow_redirects=True)
    assert "The settings of “Parish notes” are saved." in response.text
    assert current() == {**DEFAULTS, "per_page": 25, "open": False, "order": "oldest",
                         "title": "Parish news"}
    entries = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.object_id) for e in entries] == [
        ("settings.changed", "parish_notes.title"),
        ("settings.changed", "parish_notes.per_page"),
        ("settings.changed", "parish_notes.open"),
        ("settings.changed", "parish_notes.order"),
    ]
    assert recorded_details(entries[1]) == {"plugin": PLUGIN, "name": "per_page", "before": 10,
                                            "after": 25}
    assert 'type="number" value="25"' in admin_client.get("/admin/settings").text

    # Sending the same values again changes and records nothing.
    again = admin_client.post(FORM_URL, data=sent(per_page=25, open=False, order="oldest",
                                                  title="Parish news"), follow_redirects=True)
    assert "Nothing changed." in again.text
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)) == 4


def test_out_of_range_numbers_and_unknown_choices_are_refused(admin_client):
    too_big = admin_client.post(FORM_URL, data=sent(per_page=500))
    assert too_big.status_code == 400
    assert "Enter a number from 1 to 50." in too_big.text
    not_a_number = admin_client.post(FORM_URL, data=sent(per_page="many"))
    assert not_a_number.status_code == 400
    assert 'id="parish_notes-setting_per_page-error"' in not_a_number.text
    odd_choice = admin_client.post(FORM_URL, data=sent(order="random"))
    assert odd_choice.status_code == 400
    assert current() == DEFAULTS
    assert db.session.scalars(db.select(SettingValue)).all() == []


def test_a_value_set_by_the_environment_is_shown_read_only(admin_client, monkeypatch):
    monkeypatch.setenv("CIVIQUE_PARISH_NOTES__PER_PAGE", "20")
    html = admin_client.get("/admin/settings").text
    assert "CIVIQUE_PARISH_NOTES__PER_PAGE" in html
    assert "<strong>20</strong>" in html
    assert 'name="parish_notes-setting_per_page"' not in html

    admin_client.post(FORM_URL,
                      data={**sent(title="Parish news"), f"{PLUGIN}-setting_per_page": "30"})
    assert current()["per_page"] == 20
    assert current()["title"] == "Parish news"


def test_a_value_set_in_the_configuration_file_is_shown_read_only(app, admin_client):
    app.config["PARISH_NOTES"] = {"OPEN": False}
    html = admin_client.get("/admin/settings").text
    assert "configuration file (section PARISH_NOTES, key OPEN)" in html
    assert 'name="parish_notes-setting_open"' not in html
    assert "<strong>No</strong>" in html


def test_a_saved_value_can_be_forgotten(admin_client):
    admin_client.post(FORM_URL, data=sent(per_page=25))
    assert current()["per_page"] == 25
    page = admin_client.get("/admin/settings").text
    assert f'action="{FORM_URL}/per_page/reset"' in page

    admin_client.post(f"{FORM_URL}/per_page/reset", follow_redirects=True)
    assert current()["per_page"] == 10
    assert db.session.scalars(db.select(SettingValue)).all() == []
    last = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert last.action == "settings.reset" and last.details["after"] == 10


def test_unknown_plugins_and_settings_are_not_found(admin_client):
    assert admin_client.post("/admin/settings/nowhere", data={}).status_code == 404
    assert admin_client.post(f"{FORM_URL}/colour/reset").status_code == 404


def test_staff_cannot_change_settings(people, signed_in):
    staff = signed_in(people["staff"])
    assert staff.post(FORM_URL, data=sent(per_page=3)).status_code == 403
    assert current()["per_page"] == 10
