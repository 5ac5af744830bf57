"""A person's data: "download my data" (every plugin contributes) and "delete my account"."""

from __future__ import annotations

import json

import pytest

from core.accounts.models import User
from core.services.audit import AuditEntry
from core.database import db, utcnow
from core.events import UserDeleted
from core.hookspecs import hookimpl
from core.taxonomy import Neighbourhood
from core.testing import TEST_PASSWORD

from .services import noticeboard
from .services.noticeboard.models import Notice
from .test_accounts import is_logged_in, shown


class Diary:
    """A test plugin that keeps private notes about people, and hears about events."""

    def __init__(self) -> None:
        self.notes: dict[int, list[str]] = {}
        self.erased: list[dict] = []
        self.events: list = []

    @hookimpl
    def export_user_data(self, user):
        notes = self.notes.get(user.id)
        return {"notes": notes} if notes else None

    @hookimpl
    def erase_user_data(self, user):
        # What the plugin sees: the account as it still is, before the core anonymises it.
        self.erased.append({"id": user.id, "email": user.email, "name": user.display_name})
        self.notes.pop(user.id, None)

    @hookimpl
    def track_event(self, event):
        self.events.append(event)


@pytest.fixture
def diary() -> Diary:
    return Diary()


@pytest.fixture
def app_config(diary):
    return {"EXTRA_PLUGINS": {"diary": diary, "noticeboard": noticeboard}}


@pytest.fixture
def resident(users):
    user = users["resident"]
    user.neighbourhood = Neighbourhood(name="Bourtzwiller", slug="bourtzwiller")
    user.notification_frequency = "daily"
    db.session.commit()
    return user


def delete_account(client, password=TEST_PASSWORD, confirm="y"):
    return client.post("/account/delete", data={"password": password, "confirm": confirm})


# --- Download my data ---------------------------------------------------------------------------


def test_download_my_data_is_one_json_file_with_every_plugins_part(client, login, resident, diary):
    diary.notes[resident.id] = ["Asked about the tram line", "Came to the Rebberg meeting"]
    login(client, resident)
    assert shown("Download my data") in client.get("/account").text

    response = client.get("/account/export.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert ".json" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"

    data = json.loads(response.data)
    account = data["account"]
    assert account["email"] == "resident@example.org"
    assert account["display_name"] == "Rose Resident"
    assert account["neighbourhood"] == "Bourtzwiller"
    assert account["language"] == resident.locale
    assert account["notification_frequency"] == "daily"
    assert account["email_confirmed_at"]
    assert "password_hash" not in json.dumps(data) and "argon2" not in json.dumps(data)
    assert data["diary"] == {"notes": ["Asked about the tram line", "Came to the Rebberg meeting"]}


def test_the_export_holds_only_the_persons_own_data(client, login, users, diary):
    diary.notes[users["staff"].id] = ["Someone else's note"]
    login(client, users["resident"])
    data = json.loads(client.get("/account/export.json").data)
    assert data["account"]["email"] == "resident@example.org"
    assert "diary" not in data
    assert "staff@example.org" not in json.dumps(data)


# --- Delete my account --------------------------------------------------------------------------


def test_deleting_the_account_anonymises_it_and_keeps_what_was_written(client, app, login, resident, diary):
    notice = Notice(title="Benches on Place de la Réunion", body="Please.", author_id=resident.id,
                    state="published", published_at=utcnow())
    db.session.add(notice)
    db.session.commit()
    diary.notes[resident.id] = ["private"]
    other_device = app.test_client()
    login(other_device, resident)
    login(client, resident)

    page = client.get("/account/delete")
    assert shown("Delete my account") in page.text
    response = delete_account(client)
    assert response.status_code == 302
    assert shown(
        "Your account has been deleted. What you wrote in public now shows as from a deleted participant."
    ) in client.get("/").text

    # Logged out here and everywhere else.
    assert not is_logged_in(client)
    assert not is_logged_in(other_device)

    # Personal data erased; the row stays so that content keeps an author.
    db.session.expire_all()
    user = db.session.get(User, resident.id)
    assert user.deleted_at is not None
    assert (user.email, user.password_hash, user.display_name) == (None, None, "")
    assert user.neighbourhood_id is None and user.locale is None and user.last_login_at is None
    assert user.role_names == set()

    # Every plugin was asked to erase while the account was still whole, then heard of the deletion.
    assert diary.erased == [{"id": resident.id, "email": "resident@example.org", "name": "Rose Resident"}]
    assert diary.notes == {}
    assert UserDeleted(user_id=resident.id) in diary.events

    # What the person wrote stays, shown as from a deleted participant.
    detail = client.get(f"/notices/{notice.id}").text
    assert "Benches on Place de la Réunion" in detail
    assert shown("Deleted participant") in detail
    assert "Rose Resident" not in detail

    # The deletion is in the audit log.
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "accounts.deleted"))
    assert entry is not None and entry.object_id == str(resident.id)


def test_a_deleted_account_can_no_longer_log_in_and_its_address_is_free(client, login, resident, smtp):
    login(client, resident)
    delete_account(client)
    response = client.post("/account/login", data={"email": "resident@example.org", "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert shown("Incorrect e-mail address or password.") in response.text
    assert not is_logged_in(client)

    # The address may sign up again, as a new account.
    client.post("/account/signup", data={
        "display_name": "Rose again", "email": "resident@example.org", "password": "a brand new long password",
        "password_confirm": "a brand new long password", "neighbourhood": "", "accept_terms": "y",
    })
    [message] = smtp.wait_for("resident@example.org")
    assert "/account/confirm/" in message.get_body(preferencelist=("plain",)).get_content()
    new = db.session.scalar(db.select(User).where(User.email == "resident@example.org"))
    assert new is not None and new.id != resident.id


@pytest.mark.parametrize(
    "password, confirm, message",
    [
        ("not my password at all", "y", "This is not your password."),
        (TEST_PASSWORD, "", "Tick the box to confirm."),
    ],
)
def test_deleting_needs_the_password_and_the_tick(client, login, resident, diary, password, confirm, message):
    login(client, resident)
    response = delete_account(client, password=password, confirm=confirm)
    assert response.status_code == 200
    assert shown(message) in response.text
    assert is_logged_in(client)
    db.session.expire_all()
    user = db.session.get(User, resident.id)
    assert user.deleted_at is None and user.email == "resident@example.org"
    assert diary.erased == []


def test_accounts_never_confirmed_are_anonymised_after_the_retention_period(app, make_user):
    from datetime import timedelta

    from core.accounts.models import User
    from core.accounts.retention import purge_unconfirmed
    from core.database import db, utcnow

    old = make_user("typo@exmaple.org", "Old Typo", confirmed=False)
    old.created_at = utcnow() - timedelta(days=31)
    recent = make_user("recent@example.org", "Recent Person", confirmed=False)
    confirmed = make_user("kept@example.org", "Kept Person")
    confirmed.created_at = utcnow() - timedelta(days=400)
    db.session.commit()
    assert purge_unconfirmed() == 1
    old = db.session.get(User, old.id)
    assert old.email is None and old.deleted_at is not None
    assert db.session.get(User, recent.id).email == "recent@example.org"
    assert db.session.get(User, confirmed.id).email == "kept@example.org"
