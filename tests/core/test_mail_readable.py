"""Mail as residents and testers read it: the city's name in the subject, and on a development
site the mail shown decoded, its confirmation link whole and working."""

from __future__ import annotations

import logging
import re

import pytest

from core.extensions import db


def sign_up(client, email="lea@example.org"):
    return client.post("/account/signup", data={
        "display_name": "Léa", "email": email, "password": "un mot de passe solide",
        "password_confirm": "un mot de passe solide", "accept_terms": "y",
    })


def test_a_mail_subject_starts_with_the_city_name(app, client, smtp):
    sign_up(client)
    assert smtp.messages, "the sign-up sends a confirmation"
    assert smtp.messages[-1]["Subject"].startswith(f"[{app.config['CITY_NAME']}] ")


class TestOnADevelopmentSite:
    @pytest.fixture
    def app_config(self):
        return {"ENV": "development", "MAIL_BACKEND": "console"}

    def test_mail_is_shown_decoded_with_working_links(self, app, client, caplog):
        with caplog.at_level(logging.WARNING, logger="core.mail"):
            sign_up(client, "tom@example.org")
        printed = "\n".join(record.getMessage() for record in caplog.records)
        links = re.findall(r"https?://\S+/account/confirm/\S+", printed)
        assert links and not links[0].endswith("="), "the terminal shows the link whole"
        page = client.get("/dev/mail").get_data(as_text=True)
        assert "tom@example.org" in page
        shown = re.findall(r'<a href="(https?://[^"]+/account/confirm/[^"]+)"', page)
        assert shown and shown[0] == links[0]
        path = "/" + shown[0].split("://", 1)[1].split("/", 1)[1]
        client.get(path, follow_redirects=True)
        from core.accounts.models import User

        user = db.session.scalar(db.select(User).where(User.email == "tom@example.org"))
        assert user.email_confirmed_at is not None


def test_the_mail_page_does_not_exist_on_a_production_site(app, client):
    assert app.config["ENV"] != "development"
    assert client.get("/dev/mail").status_code == 404
