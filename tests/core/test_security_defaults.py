"""Security defaults a person relies on without seeing them: cookies, caching, sign-up timing."""

from __future__ import annotations

import pytest

from core import create_app
from core.testing import DEFAULT_TEST_CONFIG, TEST_PASSWORD

HTTPS = "https://civique.test"


def cookie_headers(response) -> dict[str, str]:
    """``Set-Cookie`` headers of a response, by cookie name."""
    headers = {}
    for header in response.headers.getlist("Set-Cookie"):
        headers[header.split("=", 1)[0]] = header
    return headers


@pytest.fixture
def production(database_url, smtp, tmp_path):
    """The app as a city runs it (production), on the test database."""
    from core.extensions import db

    app = create_app({
        **DEFAULT_TEST_CONFIG,
        "ENV": "production",
        "SECRET_KEY": "a-long-random-secret-for-this-test-only",
        "DATABASE_URL": database_url,
        "MAIL_SERVER": smtp.host,
        "MAIL_PORT": smtp.port,
        "STORAGE_PATH": str(tmp_path / "storage"),
    })
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_production_cookies_are_secure_httponly_and_same_site(production, make_user):
    """The session cookie and the "stay logged in" cookie travel over HTTPS only."""
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["REMEMBER_COOKIE_SECURE"] is True
    user = make_user("rose@example.org")
    client = production.test_client()
    response = client.post("/account/login", base_url=HTTPS, data={
        "email": user.email, "password": TEST_PASSWORD, "remember": "y"})
    assert response.status_code == 302
    cookies = cookie_headers(response)
    assert {"session", "remember_token"} <= set(cookies)
    for name in ("session", "remember_token"):
        attributes = [part.strip().lower() for part in cookies[name].split(";")]
        assert "secure" in attributes, cookies[name]
        assert "httponly" in attributes, cookies[name]
        assert "samesite=lax" in attributes, cookies[name]


def test_a_site_may_still_choose_its_cookie_settings(database_url, tmp_path):
    """A site served over plain HTTP on purpose (a trial on a local network) says so."""
    app = create_app({**DEFAULT_TEST_CONFIG, "ENV": "production",
                      "SECRET_KEY": "a-long-random-secret-for-this-test-only",
                      "DATABASE_URL": database_url, "SESSION_COOKIE_SECURE": False})
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_development_cookies_work_over_http(app):
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["REMEMBER_COOKIE_SECURE"] is False


def test_redis_failures_never_fail_a_request(app):
    """Rate limits fall back to each process's memory when Redis does not answer."""
    assert app.config["RATELIMIT_SWALLOW_ERRORS"] is True
    assert app.config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] is True


@pytest.mark.parametrize("path", ["/", "/account", "/notifications/", "/account/password",
                                  "/search/?q=parc"])
def test_pages_for_a_signed_in_person_are_not_kept(client, users, login, path):
    login(client, users["resident"])
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "Cookie" in response.headers.get("Vary", "")


def test_the_data_download_is_not_kept(client, users, login):
    login(client, users["resident"])
    response = client.get("/account/export.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"


def test_pages_for_visitors_and_static_files_stay_cacheable(client, users, login):
    visitor = client.get("/")
    assert "no-store" not in visitor.headers.get("Cache-Control", "")
    login(client, users["resident"])
    stylesheet = client.get("/static/civique.css")
    assert stylesheet.status_code == 200
    assert "no-store" not in stylesheet.headers.get("Cache-Control", "")


def test_sign_up_costs_the_same_for_a_known_address(client, users, monkeypatch):
    """The password is hashed whether or not the address has an account, so the time of the
    answer does not tell who has one (the hash is the slow part: tenths of a second)."""
    from core.accounts import passwords

    hashed = []
    real_hash = passwords.hash_password
    monkeypatch.setattr(passwords, "hash_password",
                        lambda password: hashed.append(password) or real_hash(password))
    form = {"display_name": "Rose", "password": "un-long-mot-de-passe-42",
            "password_confirm": "un-long-mot-de-passe-42", "accept_terms": "y", "neighbourhood": ""}
    known = client.post("/account/signup", data={**form, "email": users["resident"].email})
    new = client.post("/account/signup", data={**form, "email": "new.person@example.org"})
    assert known.status_code == new.status_code == 200
    assert hashed == ["un-long-mot-de-passe-42", "un-long-mot-de-passe-42"]
    assert main_text(known).replace(users["resident"].email, "X") \
        == main_text(new).replace("new.person@example.org", "X")


def main_text(response) -> str:
    page = response.get_data(as_text=True)
    return page[page.index("<main"):page.index("</main>")]


def test_a_password_hashed_with_other_parameters_is_hashed_again_at_sign_in(app, make_user, login):
    """A city that raises PASSWORD_HASH_TIME_COST or _MEMORY_KIB: the old hashes still sign
    people in, and each is made again with the new values at that sign-in."""
    from argon2 import PasswordHasher

    from core.database import db

    user = make_user("rose@example.org")
    user.password_hash = PasswordHasher(time_cost=2, memory_cost=2048).hash(TEST_PASSWORD)
    db.session.commit()
    login(app.test_client(), user)
    db.session.refresh(user)
    expected = (f"m={app.config['PASSWORD_HASH_MEMORY_KIB']},"
                f"t={app.config['PASSWORD_HASH_TIME_COST']},")
    assert expected in user.password_hash
