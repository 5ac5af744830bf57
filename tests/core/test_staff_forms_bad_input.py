"""The staff forms of the core, given bad input: the administration (roles, permissions,
neighbourhoods and categories, settings) and the core services' staff pages (official answers,
legal pages, outlines of the neighbourhoods, moderation, workflow moves). Whatever is sent: a
clear message, never an error page, and nothing already saved lost.

The plugins' staff forms have the same tests, in ``tests/plugins/*/test_staff_bad_input.py``
(the helpers are shared: ``tests/plugins/bad_input.py``).
"""

from __future__ import annotations

import io

import pytest
from flask_babel import lazy_gettext as _l

from core.database import db
from core.declarations import SettingSpec
from core.hookspecs import hookimpl
from core.settings import get_setting, save_setting
from core.taxonomy import Category, Neighbourhood
from core.testing import add_places

from ..plugins.bad_input import HUGE, OVERLONG, no_form_fails, refused, refuses_each
from . import admin_test_plugin
from .services import noticeboard

PLUGIN = admin_test_plugin.NAME

class translated_default:
    """A plugin with a setting whose default is a translated text, as the mediator's "where
    else to turn"."""

    @staticmethod
    @hookimpl
    def register_settings():
        return [SettingSpec("remedies", "Where else to turn",
                            _l("You may contact the Défenseur des droits."), type="text")]


@pytest.fixture
def app_config():
    return {"EXTRA_PLUGINS": {PLUGIN: admin_test_plugin, "noticeboard": noticeboard,
                              "translated_default": translated_default}}


@pytest.fixture
def admin(client, users, login):
    """The admin signed in, two neighbourhoods and a category saved, a setting changed."""
    add_places({"rebberg": "Rebberg", "dornach": "Dornach"}, {"mobility": "Mobility"})
    save_setting(PLUGIN, "per_page", 20)
    db.session.commit()
    login(client, users["admin"])
    return users["admin"]


TAXONOMY = [
    ({"name": ""}, "This field is required."),
    ({"name": "   "}, "This field is required."),
    ({"name": None}, "This field is required."),
    ({"name": OVERLONG}, "At most 120 characters."),
    ({"name": "rebberg"}, "“Rebberg” already exists in this list."),
    ({"name": "Dornach Nord", "slug": "dornach"}, "The short name “dornach” is already used by “Dornach”."),
    ({"slug": "Old Town!"}, "Use only lower-case letters without accents, digits and single hyphens."),
    ({"slug": OVERLONG}, "At most 120 characters."),
    ({"name": "€€€"}, "Enter a short name: the name has no letter or digit to make one from."),
    ({"position": "-1"}, "Enter a number from 0 to 10000."),
    ({"position": HUGE}, "Enter a number from 0 to 10000."),
    ({"position": "first"}, "Not a valid integer value."),
]


def test_the_neighbourhood_and_category_forms(client, admin):
    dornach = db.session.scalar(db.select(Neighbourhood).where(Neighbourhood.slug == "dornach"))
    form = {"name": "Old Town", "slug": "", "position": "3"}
    refuses_each(client, "/admin/taxonomy/neighbourhood/new", form, TAXONOMY)
    # A field left out of an entry's form keeps the entry's value: only what was sent is checked.
    sent = [case for case in TAXONOMY if None not in case[0].values() and "dornach" not in repr(case[0])]
    refuses_each(client, f"/admin/taxonomy/neighbourhood/{dornach.id}", form, sent)
    mobility = db.session.scalar(db.select(Category))
    refuses_each(client, f"/admin/taxonomy/category/{mobility.id}", form, sent[:3])
    for url in ("/admin/taxonomy/district/new", "/admin/taxonomy/category/999999",
                "/admin/taxonomy/neighbourhood/999999/delete"):
        assert refused(client, url, form).status_code == 404, url


def test_the_roles_of_an_account(client, users, admin):
    resident = users["resident"]
    refuses_each(client, f"/admin/users/{resident.id}", {}, [
        ({"roles": "emperor"}, "'emperor' is not a valid choice for this field."),
        ({"roles": ["staff", "resident"]}, "'resident' is not a valid choice for this field."),
        ({}, "Nothing changed: the roles were already these."),
    ])
    refused(client, f"/admin/users/{admin.id}", {"roles": ["staff"]},
            "You cannot remove your own administrator role.")
    assert refused(client, "/admin/users/999999", {"roles": "staff"}).status_code == 404


def test_the_permission_matrix(client, admin):
    refuses_each(client, "/admin/permissions", {}, [
        ({"grants": "admin:everything"}, "'admin:everything' is not a valid choice for this field."),
        ({"grants": "admin:admin.access"}, "Your own roles must keep the permissions"),
        ({}, "Your own roles must keep the permissions"),
    ])


SETTINGS = [
    ({"per_page": ""}, "Enter a whole number."),
    ({"per_page": None}, "Enter a whole number."),
    ({"per_page": "0"}, "Enter a number from 1 to 50."),
    ({"per_page": "-3"}, "Enter a number from 1 to 50."),
    ({"per_page": HUGE}, "Enter a number from 1 to 50."),
    ({"per_page": "ten"}, "Not a valid integer value."),
    ({"order": "random"}, "Not a valid choice."),
    ({"order": None}, "This field is required."),
    ({"title": OVERLONG}, "At most 2000 characters."),
    ({"intro": OVERLONG * 3}, "At most 20000 characters."),
]


def test_the_settings_form(client, admin):
    names = {"title": "Our notes", "intro": "", "per_page": "20", "open": "y", "order": "newest"}
    refuses_each(client, f"/admin/settings/{PLUGIN}", {f"{PLUGIN}-setting_{k}": v for k, v in names.items()},
                 [({f"{PLUGIN}-setting_{k}": v for k, v in changes.items()}, message)
                  for changes, message in SETTINGS])
    for url in ("/admin/settings/no_such_plugin", f"/admin/settings/{PLUGIN}/no_such_setting/reset"):
        assert refused(client, url, {}).status_code == 404, url


def test_a_setting_whose_default_is_a_translated_text_is_saved_and_reset(client, admin):
    """Saving it was a server error: the audit log could not record the default it replaced."""
    url = "/admin/settings/translated_default"
    response = client.post(url, data={"translated_default-setting_remedies": "Call the mediator."},
                           follow_redirects=True)
    assert response.status_code == 200 and "are saved." in response.text
    assert get_setting("translated_default", "remedies") == "Call the mediator."
    response = client.post(f"{url}/remedies/reset", follow_redirects=True)
    assert response.status_code == 200 and "is back to the value" in response.text
    assert str(get_setting("translated_default", "remedies")) == "You may contact the Défenseur des droits."


def test_the_legal_pages(client, admin):
    refused(client, "/admin/legal/notice/fr", {"body": "x" * 50_001}, "50,000 characters at most.")
    assert refused(client, "/admin/legal/notice/xx", {"body": "Text"}).status_code == 404
    assert refused(client, "/admin/legal/nowhere/fr", {"body": "Text"}).status_code == 404


def test_the_outlines_of_the_neighbourhoods(client, admin):
    def upload(data: bytes):
        return {"geojson": (io.BytesIO(data), "outlines.geojson"), "name_property": ""}

    for data, message in [
        (b"", "Choose the GeoJSON file of the neighbourhoods."),
        (b"\x00\xff not json", None),
        (b'{"type": "FeatureCollection", "features": "none"}', None),
        (b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": '
         b'"Rebberg"}, "geometry": {"type": "Polygon", "coordinates": [[[700, 95], [1, 2]]]}}]}', None),
    ]:
        refused(client, "/admin/taxonomy/boundaries", upload(data), message,
                content_type="multipart/form-data")
    assert refused(client, "/admin/taxonomy/boundaries/999999/remove", {}).status_code == 404


@pytest.fixture
def notice(users, make_notice):
    return make_notice(users["resident"], title="Graffiti on the school wall")


@pytest.fixture
def make_notice(app):
    from core.database import utcnow

    from .services.noticeboard.models import Notice

    def factory(author, title, state="published"):
        item = Notice(title=title, body="Seen this morning.", author_id=author.id, state=state,
                      published_at=utcnow())
        db.session.add(item)
        db.session.commit()
        return item

    return factory


def test_the_answer_and_workflow_forms(client, users, login, notice):
    login(client, users["staff"])
    url = f"/content/noticeboard.notice/{notice.id}/answer"
    refuses_each(client, url, {"state": "accepted", "body": "Cleaned on Monday.", "publish_now": "y"}, [
        ({"body": ""}, "Write the answer."),
        ({"body": "   "}, "Write the answer."),
        ({"body": OVERLONG * 3}, None),
        ({"state": "exploded"}, "Not a valid choice."),
        ({"state": None}, None),
    ])
    for name in ("explode", "publish", "expire"):  # unknown, not from this state, the system's
        response = refused(client, f"/content/noticeboard.notice/{notice.id}/transition/{name}",
                           {"comment": ""})
        assert response.status_code < 500, name
    assert refused(client, "/content/noticeboard.notice/999999/transition/accept",
                   {}).status_code == 404
    refused(client, "/admin/answers", {"answer": ["abc", HUGE, "-1", "999999"]},
            "Tick at least one answer to publish.")


def test_the_moderation_forms(client, users, login, notice):
    login(client, users["moderator"])
    url = f"/moderation/noticeboard.notice/{notice.id}/hide"
    refuses_each(client, url, {}, [
        ({"reason": ""}, "Give the reason shown in place of the content."),
        ({"reason": "  "}, "Give the reason shown in place of the content."),
        ({"reason": OVERLONG}, None),
    ])
    assert refused(client, "/moderation/noticeboard.notice/999999/hide",
                   {"reason": "Spam"}).status_code == 404
    assert refused(client, "/moderation/nothing/1/keep", {}).status_code == 404


def test_no_staff_form_answers_a_server_error(client, admin, users, notice):
    """Every form of the administration, each field blank, spaces, huge, "nan", 10,000
    characters long or left out."""
    no_form_fails(client, ["/admin/", "/admin/answers", "/admin/taxonomy/boundaries"], "/admin/",
                  limit=60)
