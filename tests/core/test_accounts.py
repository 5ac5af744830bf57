"""Accounts: sign-up with e-mail confirmation, log in and out, unconfirmed accounts, CSRF.

Mail goes through the real SMTP server of the ``smtp`` fixture; links are followed as a person
would follow them from their inbox.
"""

from __future__ import annotations

import re

import pytest
from flask import current_app
from flask_babel import force_locale, gettext
from markupsafe import escape

from core.accounts.models import User
from core.database import db
from core.declarations import PermissionSpec
from core.hookspecs import hookimpl
from core.testing import TEST_PASSWORD, body, links

NEW_PASSWORD = "a long sentence about trams"


def signup(client, email="lea.martin@example.org", name="Léa Martin", password=NEW_PASSWORD, **extra):
    """Fill in and send the sign-up form."""
    data = {
        "display_name": name,
        "email": email,
        "password": password,
        "password_confirm": password,
        "neighbourhood": "",
        "accept_terms": "y",
        **extra,
    }
    return client.post("/account/signup", data=data)


def shown(msgid: str, locale: str | None = None, html: bool = True, **values) -> str:
    """``msgid`` as a person reading ``locale`` sees it: translated, and escaped in a page.

    Pages and mail follow the person's language (by default the site's, which test accounts
    share), so assertions hold whatever the state of the catalogs.
    """
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        text = gettext(msgid, **values)
    return str(escape(text)) if html else text


def shown_later(msgid: str, **values):
    """:func:`shown`, for parameters computed before the app exists."""
    return lambda: shown(msgid, **values)


def account_of(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(db.select(User).where(User.email == email))


def confirmation_link(smtp, email: str) -> str:
    [message] = smtp.wait_for(email)
    found = [link for link in links(message) if "/account/confirm/" in link]
    assert found, body(message)
    return found[0]


def is_logged_in(client) -> bool:
    """Whether the account page opens (a visitor is sent to the log-in page instead)."""
    return client.get("/account").status_code == 200


# --- Sign-up and confirmation -------------------------------------------------------------------


def test_signup_confirm_by_mail_then_log_in(client, smtp):
    response = signup(client)
    assert response.status_code == 200
    assert shown("Check your inbox") in response.text
    assert "lea.martin@example.org" in response.text

    user = account_of("lea.martin@example.org")
    assert user is not None and not user.is_confirmed
    assert user.password_hash.startswith("$argon2id$")
    assert NEW_PASSWORD not in user.password_hash

    [message] = smtp.wait_for("lea.martin@example.org")
    assert "Léa Martin" in body(message)
    link = confirmation_link(smtp, "lea.martin@example.org")

    response = client.get(link, follow_redirects=True)
    assert response.status_code == 200
    assert shown("Your address is confirmed. Welcome!") in response.text
    assert account_of("lea.martin@example.org").is_confirmed
    assert is_logged_in(client)

    client.post("/account/logout")
    assert not is_logged_in(client)
    response = client.post(
        "/account/login", data={"email": "Lea.Martin@example.org ", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert is_logged_in(client)


def test_signup_with_a_known_address_does_not_reveal_the_account(client, smtp, users):
    response = signup(client, email="resident@example.org", name="Someone Else")
    assert response.status_code == 200
    assert shown("Check your inbox") in response.text
    assert shown(
        "We have sent a message to %(email)s. Follow the link it contains to confirm your address "
        "and finish creating your account.",
        email="resident@example.org",
    ) in response.text

    # The owner is told, with a way to reset the password; no second account exists.
    [message] = smtp.wait_for("resident@example.org")
    assert shown(
        "Someone tried to create an account on %(site)s with your e-mail address, which already has one.",
        html=False, site="Civique",
    ) in body(message)
    assert any("/account/password/forgot" in link for link in links(message))
    assert not any("/account/confirm/" in link for link in links(message))
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == len(users)
    # The owner's account is untouched: their password still works.
    response = client.post(
        "/account/login", data={"email": "resident@example.org", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302


TOO_COMMON = "This password is too common or too easy to guess; choose another."


@pytest.mark.parametrize(
    "password, message",
    [
        ("short1", shown_later("The password must have at least %(n)s characters.", n=10)),
        ("azertyuiop", shown_later(TOO_COMMON)),
        ("aaaaaaaaaaaaaa", shown_later(TOO_COMMON)),
        ("lea.martin-2024!", shown_later("The password must not contain your name or e-mail address.")),
    ],
)
def test_weak_password_is_refused_with_the_policy_and_fields_are_kept(client, smtp, password, message):
    response = signup(client, password=password)
    assert response.status_code == 200
    assert message() in response.text
    assert shown("Please correct the following:") in response.text
    # What the person typed is still there, except the password.
    assert 'value="Léa Martin"' in response.text
    assert 'value="lea.martin@example.org"' in response.text
    assert password not in response.text
    assert account_of("lea.martin@example.org") is None
    assert smtp.to("lea.martin@example.org") == []


def test_signup_needs_matching_passwords_and_the_terms(client, smtp):
    response = signup(client, password_confirm="another sentence entirely", accept_terms="")
    assert shown("The two passwords differ.") in response.text
    assert shown("You must accept the terms of use to create an account.") in response.text
    assert account_of("lea.martin@example.org") is None


def test_forged_confirmation_link_gives_a_clear_message(client, smtp):
    signup(client)
    link = confirmation_link(smtp, "lea.martin@example.org")
    response = client.get(link[:-3] + "xyz", follow_redirects=True)
    assert shown(
        "This confirmation link is not valid. Enter your address to receive a new one."
    ) in response.text
    assert shown("Receive a new confirmation link") in response.text
    assert not account_of("lea.martin@example.org").is_confirmed
    assert not is_logged_in(client)


def test_expired_confirmation_link_gives_a_clear_message(client, smtp, monkeypatch):
    signup(client)
    link = confirmation_link(smtp, "lea.martin@example.org")
    later_by_days(monkeypatch, 4)
    response = client.get(link, follow_redirects=True)
    assert shown("This confirmation link has expired. Enter your address to receive a new one.") in response.text
    assert not account_of("lea.martin@example.org").is_confirmed


def test_a_used_confirmation_link_does_not_log_in_again(client, smtp, app):
    signup(client)
    link = confirmation_link(smtp, "lea.martin@example.org")
    client.get(link)
    other = app.test_client()
    response = other.get(link, follow_redirects=True)
    assert shown("Your address is already confirmed. You can log in.") in response.text
    assert not is_logged_in(other)


def later_by_days(monkeypatch, days: float) -> None:
    """Make signed links see the clock ``days`` later (as if the person waited)."""
    import time
    from types import SimpleNamespace

    import itsdangerous.timed

    shift = days * 86400
    monkeypatch.setattr(itsdangerous.timed, "time", SimpleNamespace(time=lambda: time.time() + shift))


# --- Unconfirmed accounts -----------------------------------------------------------------------


class ResidentOnly:
    """A test plugin declaring something only residents may do."""

    @hookimpl
    def register_permissions(self):
        return [PermissionSpec("petitions.sign", "Sign a petition", ("resident",))]


@pytest.mark.parametrize("app_config", [{"EXTRA_PLUGINS": {"resident_only": ResidentOnly()}}])
def test_unconfirmed_account_cannot_log_in_nor_act_as_a_resident(client, smtp, app_config):
    signup(client)
    user = account_of("lea.martin@example.org")
    assert not user.can("petitions.sign")
    assert "resident" not in user.role_names

    response = client.post(
        "/account/login", data={"email": "lea.martin@example.org", "password": NEW_PASSWORD}
    )
    assert response.status_code == 200
    assert shown("Please confirm your e-mail address first, with the link we sent you.") in response.text
    assert not is_logged_in(client)

    # A new link can be asked for; it confirms the account, which then may act as a resident.
    smtp.clear()
    response = client.post("/account/confirm", data={"email": "lea.martin@example.org"}, follow_redirects=True)
    assert shown("If an unconfirmed account uses this address, a new link has been sent to it.") in response.text
    client.get(confirmation_link(smtp, "lea.martin@example.org"))
    assert is_logged_in(client)
    assert account_of("lea.martin@example.org").can("petitions.sign")


def test_asking_a_new_link_for_an_unknown_address_says_the_same(client, smtp):
    response = client.post("/account/confirm", data={"email": "nobody@example.org"}, follow_redirects=True)
    assert shown("If an unconfirmed account uses this address, a new link has been sent to it.") in response.text
    assert smtp.messages == []


# --- Log in and out -----------------------------------------------------------------------------


def test_wrong_password_and_unknown_address_get_the_same_answer(client, users):
    wrong = client.post("/account/login", data={"email": "resident@example.org", "password": "not it at all"})
    unknown = client.post("/account/login", data={"email": "nobody@example.org", "password": "not it at all"})
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert shown("Incorrect e-mail address or password.") in response.text
    assert not is_logged_in(client)


def test_log_in_goes_back_to_the_page_asked_for_but_never_to_another_site(client, users):
    assert client.get("/account").headers["Location"].startswith("/account/login?next=")
    data = {"email": "resident@example.org", "password": TEST_PASSWORD}
    response = client.post("/account/login?next=/account", data=data)
    assert response.headers["Location"] == "/account"
    client.post("/account/logout")
    response = client.post("/account/login?next=https://evil.example/", data=data)
    assert response.headers["Location"] == "/"


def test_stay_logged_in_survives_closing_the_browser_until_logging_out(client, users):
    response = client.post(
        "/account/login",
        data={"email": "resident@example.org", "password": TEST_PASSWORD, "remember": "y"},
    )
    assert response.status_code == 302
    close_browser(client)
    assert is_logged_in(client)

    client.post("/account/logout")
    # The logging-out answer itself deletes the cookie that would log the person back in.
    assert client.get_cookie("remember_token", domain="civique.test") is None
    assert shown("You are logged out.") in client.get("/").text
    close_browser(client)
    assert not is_logged_in(client)


def close_browser(client) -> None:
    """Forget the session cookie, as a browser does when it closes (the "remember" one stays)."""
    client.delete_cookie("session", domain="civique.test")


def test_logging_out_needs_a_form_not_a_link(client, users, login):
    login(client, users["resident"])
    assert client.get("/account/logout").status_code == 405
    assert is_logged_in(client)


# --- CSRF ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_a_form_sent_without_its_token_is_refused_with_a_clear_page(client, users, app_config):
    response = client.post("/account/login", data={"email": "resident@example.org", "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert shown(
        "The form expired or was sent from elsewhere. Go back, reload the page and send it again."
    ) in response.text
    assert "Traceback" not in response.text
    assert '<main id="main"' in response.text
    assert not is_logged_in(client)

    # With the token of the page, the same form works.
    page = client.get("/account/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/account/login",
        data={"email": "resident@example.org", "password": TEST_PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert is_logged_in(client)
