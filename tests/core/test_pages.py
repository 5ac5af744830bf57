"""The pages every site has: home, language, errors, health, theme and template overrides."""

import pytest
from flask import abort

from core.database import db


def test_home_page_has_landmarks(client):
    page = client.get("/")
    assert page.status_code == 200
    assert '<html lang="en"' in page.text  # the tests' language (see core.testing)
    assert 'href="#main"' in page.text  # the skip link
    assert "<main" in page.text and "<header" in page.text and "<footer" in page.text


def test_the_browser_language_is_used_then_the_choice_wins(client):
    assert '<html lang="de"' in client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"}).text
    response = client.post("/language", data={"lang": "en", "next": "/"},
                           headers={"Accept-Language": "de"})
    assert response.status_code == 302
    assert '<html lang="en"' in client.get("/", headers={"Accept-Language": "de"}).text


def test_a_signed_in_persons_language_is_kept_on_their_account(client, users, login):
    login(client, users["resident"])
    client.post("/language", data={"lang": "de", "next": "/"})
    db.session.refresh(users["resident"])
    assert users["resident"].locale == "de"


@pytest.mark.parametrize("locale,text", [("en", "Page not found"), ("de", "Seite nicht gefunden"),
                                         ("fr", "Page introuvable")])
def test_404_is_translated(client, locale, text):
    response = client.get("/no/such/page", headers={"Accept-Language": locale})
    assert response.status_code == 404
    assert text in response.text


def test_errors_never_show_a_stack_trace(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    @app.get("/forbidden")
    def forbidden():
        abort(403)

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/boom")
    assert response.status_code == 500
    assert "secret internals" not in response.text and "Traceback" not in response.text
    assert client.get("/forbidden").status_code == 403


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"] == "ok"


def test_theme_colours_come_from_configuration(app, client):
    app.config["THEME_PRIMARY_COLOR"] = "#00594f"
    css = client.get("/theme.css")
    assert css.mimetype == "text/css"
    assert "#00594f" in css.text
    app.config["THEME_PRIMARY_COLOR"] = "red;} body{display:none"
    assert "display:none" not in client.get("/theme.css").text


@pytest.fixture
def app_config(tmp_path):
    overrides = tmp_path / "overrides"
    (overrides / "core").mkdir(parents=True)
    (overrides / "core" / "home.html").write_text(
        '{% extends "core/base.html" %}{% block content %}<h1>Bienvenue à Colmar</h1>{% endblock %}'
    )
    return {"TEMPLATE_OVERRIDES_FOLDER": str(overrides)}


def test_a_municipality_overrides_a_template(client):
    assert "Bienvenue à Colmar" in client.get("/").text


def test_nul_characters_are_dropped_from_every_value_of_a_repeated_field(app):
    from flask import request

    with app.test_request_context("/?a=ok&a=b%00ad", method="POST",
                                  data={"tags": ["one", "tw\x00o"], "ke\x00y": "value"}):
        assert request.args.getlist("a") == ["ok", "bad"]
        assert request.form.getlist("tags") == ["one", "two"]
        assert request.form["key"] == "value"
