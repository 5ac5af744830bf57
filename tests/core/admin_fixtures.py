"""Fixtures shared by the administration tests (imported by each ``test_admin*`` module)."""

from __future__ import annotations

import pytest

from core.database import db


@pytest.fixture
def people(users):
    """The ``users`` fixture, reading the site in English (the language of the tests' texts)."""
    for user in users.values():
        user.locale = "en"
    db.session.commit()
    return users


@pytest.fixture
def admin_client(app, people, login):
    """A browser signed in as the admin."""
    client = app.test_client()
    login(client, people["admin"])
    return client


@pytest.fixture
def signed_in(app, login):
    """``signed_in(user)``: a new browser signed in as ``user``."""

    def factory(user):
        client = app.test_client()
        login(client, user)
        return client

    return factory
