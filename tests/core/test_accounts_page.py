"""The account page: public name, neighbourhood, language and e-mail notification preferences."""

from __future__ import annotations

import re

import pytest

from core.accounts.models import User
from core.database import db
from core.taxonomy import Neighbourhood

from .test_accounts import shown


@pytest.fixture
def neighbourhoods(app) -> dict[str, Neighbourhood]:
    rows = [
        Neighbourhood(name="Rebberg", slug="rebberg", position=2),
        Neighbourhood(name="Dornach", slug="dornach", position=1),
    ]
    db.session.add_all(rows)
    db.session.commit()
    return {n.name: n for n in rows}


def reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def selected(page: str, name: str) -> str | None:
    """The value of the option selected in the ``name`` select of ``page``."""
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
    match = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', select)
    return next((g for g in match.groups() if g is not None), None) if match else None


def test_account_page_shows_the_current_preferences(client, users, login, neighbourhoods):
    user = users["resident"]
    user.neighbourhood = neighbourhoods["Rebberg"]
    user.notification_frequency = "daily"
    db.session.commit()
    login(client, user)

    page = client.get("/account").text
    assert shown("Logged in as %(email)s.", email="resident@example.org") in page
    assert 'value="Rose Resident"' in page
    assert selected(page, "neighbourhood") == str(neighbourhoods["Rebberg"].id)
    assert selected(page, "locale") == user.locale
    assert selected(page, "notification_frequency") == "daily"
    # The choices, labelled, in the order admins gave the neighbourhoods.
    assert f'<label for="notification_frequency">{shown("E-mail notifications")}</label>' in page
    for label in ("For each notification", "A daily digest", "No e-mail"):
        assert f">{shown(label)}</option>" in page
    assert page.index(">Dornach<") < page.index(">Rebberg<")
    for language in ("Français", "English", "Deutsch"):
        assert language in page


def test_saving_name_neighbourhood_language_and_notifications(client, users, login, neighbourhoods):
    user = users["resident"]
    login(client, user)
    response = client.post(
        "/account",
        data={
            "display_name": "  Rose R.  ",
            "neighbourhood": str(neighbourhoods["Dornach"].id),
            "locale": "de",
            "notification_frequency": "none",
        },
    )
    assert response.status_code == 302
    page = client.get("/account").text
    assert shown("Your account has been updated.", "de") in page

    saved = reload(user)
    assert saved.display_name == "Rose R."
    assert saved.neighbourhood.name == "Dornach"
    assert saved.locale == "de"
    assert saved.notification_frequency == "none"

    # The interface now speaks the language chosen.
    assert '<html lang="de">' in page
    assert selected(page, "notification_frequency") == "none"
    assert selected(page, "neighbourhood") == str(neighbourhoods["Dornach"].id)

    client.post("/account", data={"display_name": "Rose R.", "neighbourhood": "", "locale": "fr",
                                  "notification_frequency": "daily"})
    assert '<html lang="fr">' in client.get("/").text
    saved = reload(user)
    assert saved.neighbourhood is None
    assert saved.notification_frequency == "daily"


def test_the_chosen_language_follows_the_person_to_another_device(client, app, users, login):
    login(client, users["resident"])
    client.post("/account", data={"display_name": "Rose Resident", "neighbourhood": "", "locale": "de",
                                  "notification_frequency": "each"})
    other_device = app.test_client()
    login(other_device, users["resident"])
    assert '<html lang="de">' in other_device.get("/").text


@pytest.mark.parametrize(
    "field, value",
    [
        ("notification_frequency", "weekly"),
        ("locale", "xx"),
        ("neighbourhood", "9999"),
        ("display_name", "R"),
        ("display_name", ""),
    ],
)
def test_invalid_values_are_refused_and_nothing_changes(client, users, login, field, value):
    user = users["resident"]
    language = user.locale
    login(client, user)
    data = {"display_name": "Rose Resident", "neighbourhood": "", "locale": language,
            "notification_frequency": "each", field: value}
    response = client.post("/account", data=data)
    assert response.status_code == 200
    assert shown("Please correct the following:") in response.text
    # The message sits next to the field, and the field is marked invalid for screen readers.
    assert f'<p class="error" id="{field}-error">' in response.text
    assert re.search(rf'<(input|select)[^>]*aria-invalid="true"[^>]*name="{field}"', response.text)
    saved = reload(user)
    assert (saved.display_name, saved.locale, saved.notification_frequency) == (
        "Rose Resident", language, "each"
    )


def test_new_accounts_get_one_mail_per_notification(client, smtp):
    client.post("/account/signup", data={
        "display_name": "Noé", "email": "noe@example.org", "password": "a long sentence about trams",
        "password_confirm": "a long sentence about trams", "neighbourhood": "", "accept_terms": "y",
    })
    user = db.session.scalar(db.select(User).where(User.email == "noe@example.org"))
    assert user.notification_frequency == "each"


def test_the_neighbourhood_can_be_given_at_sign_up(client, smtp, neighbourhoods):
    client.post("/account/signup", data={
        "display_name": "Noé", "email": "noe@example.org", "password": "a long sentence about trams",
        "password_confirm": "a long sentence about trams", "accept_terms": "y",
        "neighbourhood": str(neighbourhoods["Rebberg"].id),
    })
    user = db.session.scalar(db.select(User).where(User.email == "noe@example.org"))
    assert user.neighbourhood.name == "Rebberg"


def test_roles_given_by_an_admin_are_shown_by_name(client, users, login):
    login(client, users["moderator"])
    page = client.get("/account").text
    assert f'<span class="badge">{shown("Moderator")}</span>' in page
