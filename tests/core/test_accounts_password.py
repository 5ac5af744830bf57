"""Passwords: reset by mail, change from the account page, and the sessions they end."""

from __future__ import annotations

import pytest

from core.accounts.models import User
from core.database import db
from core.testing import TEST_PASSWORD, body, links

from .test_accounts import TOO_COMMON, close_browser, is_logged_in, later_by_days, shown

NEW_PASSWORD = "seven swans on the Ill river"


def log_in(client, email="resident@example.org", password=TEST_PASSWORD, **extra):
    return client.post("/account/login", data={"email": email, "password": password, **extra})


def ask_reset_link(client, smtp, email="resident@example.org") -> str:
    response = client.post("/account/password/forgot", data={"email": email})
    assert response.status_code == 200
    assert shown(
        "If an account uses %(email)s, we have sent it a link to choose a new password. "
        "The link is valid for two hours.",
        email=email,
    ) in response.text
    [message] = smtp.wait_for(email)
    found = [link for link in links(message) if "/account/password/reset/" in link]
    assert found, body(message)
    return found[0]


def choose(client, link, password=NEW_PASSWORD, confirm=None):
    return client.post(link, data={"password": password, "password_confirm": confirm or password})


# --- Reset by mail ------------------------------------------------------------------------------


def test_reset_by_the_mailed_link_replaces_the_password_once(client, smtp, users):
    link = ask_reset_link(client, smtp)
    page = client.get(link)
    assert page.status_code == 200
    assert shown("Choose a new password") in page.text

    response = choose(client, link)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/login"
    assert shown("Your password has been changed. You can log in with it now.") in client.get("/account/login").text

    old = log_in(client)
    assert shown("Incorrect e-mail address or password.") in old.text
    assert log_in(client, password=NEW_PASSWORD).status_code == 302
    client.post("/account/logout")

    # The link worked once: followed again, it says so, and changes nothing.
    response = client.get(link, follow_redirects=True)
    assert shown("This link is not valid or was already used. Ask for a new one.") in response.text
    response = choose(client, link, password="an attacker's own long password")
    assert response.status_code == 302
    assert log_in(client, password=NEW_PASSWORD).status_code == 302


def test_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, smtp, users):
    response = client.post("/account/password/forgot", data={"email": "nobody@example.org"})
    assert shown(
        "If an account uses %(email)s, we have sent it a link to choose a new password. "
        "The link is valid for two hours.",
        email="nobody@example.org",
    ) in response.text
    assert smtp.messages == []


def test_forged_reset_link_gives_a_clear_message(client, smtp, users):
    link = ask_reset_link(client, smtp)
    forged = link[: link.rindex(".") + 1] + "A" * 27
    response = client.get(forged, follow_redirects=True)
    assert shown("This link is not valid or was already used. Ask for a new one.") in response.text
    assert shown("Forgot your password?") in response.text
    response = choose(client, forged)
    assert response.status_code == 302
    assert log_in(client).status_code == 302  # unchanged


def test_expired_reset_link_gives_a_clear_message(client, smtp, users, monkeypatch):
    link = ask_reset_link(client, smtp)
    later_by_days(monkeypatch, 3 / 24)  # the link lives two hours
    response = client.get(link, follow_redirects=True)
    assert shown("This link has expired. Ask for a new one.") in response.text
    choose(client, link)
    monkeypatch.undo()
    assert log_in(client).status_code == 302  # unchanged


def test_reset_applies_the_password_policy(client, smtp, users):
    link = ask_reset_link(client, smtp)
    response = choose(client, link, password="rose-resident-2024")
    assert shown("The password must not contain your name or e-mail address.") in response.text
    response = choose(client, link, password="short")
    assert shown("The password must have at least %(n)s characters.", n=10) in response.text
    response = choose(client, link, password=NEW_PASSWORD, confirm="something else entirely")
    assert shown("The two passwords differ.") in response.text
    assert log_in(client).status_code == 302  # unchanged


def test_reset_ends_every_open_session(client, app, smtp, users):
    other_device = app.test_client()
    assert log_in(other_device).status_code == 302
    choose(client, ask_reset_link(client, smtp))
    assert not is_logged_in(other_device)


def test_reset_link_confirms_an_unconfirmed_address(client, smtp, make_user):
    make_user("new@example.org", confirmed=False)
    choose(client, ask_reset_link(client, smtp, "new@example.org"))
    assert log_in(client, "new@example.org", NEW_PASSWORD).status_code == 302


# --- Change from the account page ---------------------------------------------------------------


def change(client, current=TEST_PASSWORD, password=NEW_PASSWORD, confirm=None):
    return client.post(
        "/account/password",
        data={"current_password": current, "password": password, "password_confirm": confirm or password},
    )


def test_changing_the_password_logs_out_other_devices_only(client, app, users):
    phone, laptop = app.test_client(), app.test_client()
    assert log_in(client).status_code == 302
    assert log_in(phone).status_code == 302
    assert log_in(laptop, remember="y").status_code == 302

    response = change(client)
    assert response.status_code == 302
    assert shown("Your password has been changed.") in client.get("/account").text
    assert is_logged_in(client)

    response = phone.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login")
    # "Stay logged in" on another device does not bring the old session back either.
    close_browser(laptop)
    assert not is_logged_in(laptop)

    assert log_in(phone).status_code == 200  # old password refused
    assert log_in(phone, password=NEW_PASSWORD).status_code == 302


def test_changing_the_password_needs_the_current_one_and_follows_the_policy(client, users, login):
    login(client, users["resident"])
    response = change(client, current="not my password at all")
    assert shown("This is not your current password.") in response.text
    response = change(client, password="abcabcabcabc")
    assert shown(TOO_COMMON) in response.text
    client.post("/account/logout")
    assert log_in(client).status_code == 302  # unchanged


@pytest.mark.parametrize("path", ["/account/password", "/account", "/account/delete", "/account/export.json"])
def test_account_pages_ask_visitors_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login?next=")


def test_passwords_are_stored_as_argon2_hashes(users):
    user = db.session.get(User, users["resident"].id)
    assert user.password_hash.startswith("$argon2id$")
    assert TEST_PASSWORD not in user.password_hash
