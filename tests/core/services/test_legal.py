"""The legal and help pages: linked from every page's footer, the accessibility status shown
there, the privacy policy listing what each enabled plugin keeps, and texts that admins write
language by language."""

from __future__ import annotations

from html import unescape

import pytest

from core.database import db
from core.services.legal import LegalText
from core.settings import save_setting

SERVICE = "core.services.legal"
PAGES = ("/legal/notice", "/legal/privacy", "/legal/accessibility", "/legal/terms",
         "/legal/contact", "/sitemap")


@pytest.fixture
def app_config():
    # The built-in plugins enabled (their declarations fill the privacy policy), pages in English.
    return {"LANGUAGES": ["en", "fr"], "BABEL_DEFAULT_LOCALE": "en"}


def footer(html: str) -> str:
    return html.split('<footer class="site-footer">', 1)[1]


def test_every_page_footer_links_the_legal_pages_and_the_accessibility_status(client):
    home = footer(client.get("/").get_data(as_text=True))
    for path in PAGES:
        assert f'href="{path}"' in home, path
        assert client.get(path).status_code == 200, path
    assert "Accessibility: not compliant" in home
    save_setting(SERVICE, "accessibility_status", "partial")
    db.session.commit()
    assert "Accessibility: partially compliant" in footer(client.get("/ideas/").get_data(as_text=True))
    statement = client.get("/legal/accessibility").get_data(as_text=True)
    assert "this site is partially compliant with the French accessibility standard" in statement


def test_the_privacy_policy_lists_what_each_plugin_keeps_and_follows_the_settings(client):
    page = unescape(client.get("/legal/privacy").get_data(as_text=True))
    for kept in ("Your ideas and your supports", "Your answers to consultations",
                 "Your application to a citizens' council", "Your mediation cases",
                 "Your questions to the finance commission", "Your account: name shown"):
        assert kept in page, kept
    assert "5 years after the case is closed" in page
    save_setting("conciliator", "retention_years", 3)
    db.session.commit()
    assert "3 years after the case is closed" in client.get("/legal/privacy").get_data(as_text=True)


def test_the_legal_notice_is_written_from_the_settings(client):
    save_setting(SERVICE, "publisher", "Ville de Colmar")
    save_setting(SERVICE, "host", "Hébergeur Alsace, 1 rue du Port, 67000 Strasbourg")
    db.session.commit()
    page = client.get("/legal/notice").get_data(as_text=True)
    assert "published by Ville de Colmar" in page
    assert "Hébergeur Alsace, 1 rue du Port" in page


def test_an_admin_writes_a_page_in_one_language_and_can_go_back_to_the_default(client, users, login):
    login(client, users["admin"])
    assert client.get("/admin/legal/notice/fr").status_code == 200
    client.post("/admin/legal/notice/fr", data={"body": "## Éditeur\n\nLa **Ville** publie ce site."})
    assert db.session.scalar(db.select(LegalText)).locale == "fr"
    visitor = client.application.test_client()
    french = visitor.get("/legal/notice", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "La <strong>Ville</strong> publie ce site." in french
    english = visitor.get("/legal/notice", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "La <strong>Ville</strong>" not in english and "is published by" in english
    client.post("/admin/legal/notice/fr", data={"body": ""})
    assert db.session.scalar(db.select(db.func.count()).select_from(LegalText)) == 0
    again = visitor.get("/legal/notice", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "La <strong>Ville</strong>" not in again


def test_only_those_who_change_settings_edit_the_legal_pages(client, users, login):
    login(client, users["staff"])
    assert client.get("/admin/legal").status_code == 403
    assert client.post("/admin/legal/notice/en", data={"body": "Hacked"}).status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(LegalText)) == 0


def test_the_site_map_lists_every_section(client):
    page = client.get("/sitemap").get_data(as_text=True)
    for path in ("/ideas/", "/search/", "/stats/", "/open-data/", "/legal/privacy"):
        assert f'href="{path}' in page, path


def test_the_sign_up_form_links_the_terms_and_the_privacy_policy(client):
    page = client.get("/account/signup").get_data(as_text=True)
    assert 'href="/legal/terms"' in page and 'href="/legal/privacy"' in page
