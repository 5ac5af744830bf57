"""Log-in rate limiting, with the in-memory storage and with Redis.

Every test runs twice: with ``memory://`` and with the Redis server given by
``CIVIQUE_TEST_REDIS_URL`` (configured through ``REDIS_URL``, as an instance would). Without that
variable the Redis runs are skipped, loudly; when ``CI=true`` they fail instead.
"""

from __future__ import annotations

import uuid

import pytest

from core.testing import TEST_PASSWORD, redis_url_for_tests

from .test_accounts import shown

LIMIT = 3


@pytest.fixture(params=["memory", "redis"])
def storage(request) -> dict:
    """The rate-limit storage configuration of this run."""
    if request.param == "memory":
        return {"REDIS_URL": None}  # nothing configured: the default, in-process memory
    return {"REDIS_URL": redis_url_for_tests("rate limits")}


@pytest.fixture
def app_config(storage) -> dict:
    return {
        "RATELIMIT_ENABLED": True,
        "LOGIN_RATE_LIMIT": f"{LIMIT} per minute",
        "SIGNUP_RATE_LIMIT": f"{LIMIT} per minute",
        **storage,
    }


class Identities:
    """Addresses and accounts of this test's own: Redis is shared by every run and every test,
    so nothing may collide with what another test counted. Their counters are removed after."""

    def __init__(self, make_user) -> None:
        self.make_user = make_user
        self.used: list[str] = []

    def address(self) -> str:
        number = uuid.uuid4().int
        value = f"10.{number % 250 + 1}.{number // 250 % 250 + 1}.{number // 62500 % 250 + 1}"
        self.used.append(value)
        return value

    def account(self) -> str:
        email = f"person-{uuid.uuid4().hex[:16]}@example.org"
        self.make_user(email)
        self.used.append(email)
        return email


@pytest.fixture
def new(make_user, storage):
    """``new.address()`` and ``new.account()``: unique identities for this test."""
    identities = Identities(make_user)
    yield identities
    if storage.get("REDIS_URL"):
        with redis_connection(storage) as connection:
            for identity in identities.used:
                keys = connection.keys(f"*{identity}*")
                if keys:
                    connection.delete(*keys)


def redis_connection(storage):
    import redis

    return redis.Redis.from_url(storage["REDIS_URL"])


def attempt(client, address, email, password="not the password at all"):
    return client.post(
        "/account/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_the_storage_follows_the_configuration(app, storage):
    expected = storage.get("REDIS_URL") or "memory://"
    assert app.config["RATELIMIT_STORAGE_URI"] == expected


def test_after_n_failed_attempts_the_next_one_is_refused(client, new, storage):
    address, email = new.address(), new.account()
    for _ in range(LIMIT):
        response = attempt(client, address, email)
        assert response.status_code == 200
        assert shown("Incorrect e-mail address or password.") in response.text

    # Even the right password is refused now: the attempts are what is limited.
    response = attempt(client, address, email, password=TEST_PASSWORD)
    assert response.status_code == 429
    assert shown("Too many attempts") in response.text
    assert shown("You have made too many attempts. Please wait a little and try again.") in response.text
    assert f'<html lang="{client.application.config["BABEL_DEFAULT_LOCALE"]}">' in response.text
    assert "Traceback" not in response.text
    assert int(response.headers["Retry-After"]) > 0
    assert client.get("/account").status_code == 302  # not logged in

    if storage.get("REDIS_URL"):
        with redis_connection(storage) as connection:
            assert connection.keys(f"*{address}*"), "the counters should be kept in Redis"


def test_the_refusal_page_speaks_the_visitors_language(client, new):
    address, email = new.address(), new.account()
    for _ in range(LIMIT):
        attempt(client, address, email)
    response = client.post(
        "/account/login",
        data={"email": email, "password": "still not it"},
        environ_base={"REMOTE_ADDR": address},
        headers={"Accept-Language": "de"},
    )
    assert response.status_code == 429
    assert '<html lang="de">' in response.text
    assert shown("Too many attempts", "de") in response.text


def test_attempts_on_one_account_from_many_addresses_are_limited_too(client, new):
    target = new.account()
    for _ in range(LIMIT):
        assert attempt(client, new.address(), target).status_code == 200
    assert attempt(client, new.address(), target, password=TEST_PASSWORD).status_code == 429

    # Another account, from the same kind of fresh address, can still log in.
    assert attempt(client, new.address(), new.account(), password=TEST_PASSWORD).status_code == 302


def test_successful_log_ins_do_not_use_up_the_attempts(client, new):
    address, email = new.address(), new.account()
    for _ in range(LIMIT + 2):
        assert attempt(client, address, email, password=TEST_PASSWORD).status_code == 302
        client.post("/account/logout", environ_base={"REMOTE_ADDR": address})
    assert attempt(client, address, email).status_code == 200


def test_nobody_can_flood_an_inbox_with_reset_links(client, new, smtp):
    email = new.account()
    for _ in range(LIMIT):
        response = client.post(
            "/account/password/forgot", data={"email": email}, environ_base={"REMOTE_ADDR": new.address()}
        )
        assert response.status_code == 200
    response = client.post(
        "/account/password/forgot", data={"email": email}, environ_base={"REMOTE_ADDR": new.address()}
    )
    assert response.status_code == 429
    smtp.wait_for(email, count=LIMIT)
    assert len(smtp.to(email)) == LIMIT  # the refused request sent nothing
