"""pytest fixtures for Civique and its plugins: the ones the project uses for itself.

Use them from a plugin's ``conftest.py``::

    pytest_plugins = ["core.testing"]

What you get: ``app`` (a fresh app per test on a clean database, SQLite by default or
PostgreSQL when ``CIVIQUE_TEST_DATABASE=postgresql`` and ``CIVIQUE_TEST_POSTGRESQL_URL`` are
set), ``client``, ``smtp`` (a real SMTP server on localhost that receives the app's mail),
``users`` (one confirmed account per core role), ``make_user`` and ``login``. Override
``app_config`` to change the configuration; a plugin's tests enable it with
:func:`enable_plugin`::

    import my_plugin
    from core.testing import enable_plugin

    app_config = enable_plugin("my_plugin", my_plugin)
"""

from __future__ import annotations

import json
import os
import warnings

import pytest
from flask import g, request_started
from sqlalchemy import text
from sqlalchemy.engine import make_url

from core.config import as_list

from .smtp import SMTPServer, body, links  # noqa: F401  (re-exported for tests)

TEST_PASSWORD = "correct horse battery staple"
DEFAULT_TEST_CONFIG = {
    "ENV": "testing",
    "TESTING": True,
    "SECRET_KEY": "tests-only-secret-key",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "SERVER_NAME": "civique.test",
    "MAIL_DEFAULT_SENDER": "Civique <no-reply@civique.test>",
    "CITY_NAME": "Mulhouse",
    # Tests read the interface in English, the language of the source strings, so that they
    # keep passing whatever the French and German catalogs say. Tests of the French default
    # set "BABEL_DEFAULT_LOCALE": "fr" (the product's default) through ``app_config``.
    "BABEL_DEFAULT_LOCALE": "en",
    # Cheap password hashes (still argon2id): the suite signs in thousands of times, and a
    # hash's strength is not what it tests.
    "PASSWORD_HASH_TIME_COST": 1,
    "PASSWORD_HASH_MEMORY_KIB": 1024,
}


def plugins_from_environment() -> list[str]:
    """The plugins named in ``CIVIQUE_PLUGINS`` (a comma-separated list or a JSON list), so that
    a plugin's tests can also run inside a municipality's set of plugins."""
    raw = os.environ.get("CIVIQUE_PLUGINS", "")
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    return as_list(value) or []


def enable_plugin(name: str, plugin, **config):
    """An ``app_config`` fixture enabling plugin ``name`` next to whatever ``CIVIQUE_PLUGINS``
    enables, with ``config`` added (a plugin's settings, say: ``IDEA_BOX={...}``).

    ``plugin`` (the module, or object, carrying the hooks) is handed over directly, so that the
    tests do not depend on the installed entry points.
    """

    @pytest.fixture
    def app_config() -> dict:
        enabled = plugins_from_environment()
        if name not in enabled:
            enabled.append(name)
        return {"PLUGINS": enabled, "EXTRA_PLUGINS": {name: plugin}, **config}

    return app_config


def without_plugin(name: str):
    """An ``app_config`` fixture with the plugins of ``CIVIQUE_PLUGINS`` but ``name``: for the
    test that a plugin is removable."""

    @pytest.fixture
    def app_config() -> dict:
        return {"PLUGINS": [plugin for plugin in plugins_from_environment() if plugin != name]}

    return app_config


def setting_fixture(plugin: str):
    """A ``set_setting`` fixture: ``set_setting("support_threshold", 3)`` saves a setting of
    ``plugin`` as an admin would, and commits."""

    @pytest.fixture
    def set_setting(app):
        from core.database import db
        from core.settings import save_setting

        def setter(name, value):
            save_setting(plugin, name, value)
            db.session.commit()

        return setter

    return set_setting


def add_places(neighbourhoods: dict[str, str] | None = None,
               categories: dict[str, str] | None = None) -> dict:
    """Add neighbourhoods and categories, given as ``{slug: name}`` in their order, and commit;
    returns the rows by slug: ``add_places({"rebberg": "Rebberg"}, {"mobility": "Mobility"})``."""
    from core.database import db
    from core.taxonomy import Category, Neighbourhood

    rows = {}
    for model, names in ((Neighbourhood, neighbourhoods or {}), (Category, categories or {})):
        for position, (slug, name) in enumerate(names.items(), start=1):
            rows[slug] = model(name=name, slug=slug, position=position)
    db.session.add_all(rows.values())
    db.session.commit()
    return rows


# Test processes a leg of the suite may run at once (pytest-xdist's ``-n``), each with its own
# database and its own Redis database number.
MAX_TEST_WORKERS = 4


def test_worker() -> tuple[int, int]:
    """``(index, count)`` of this test process among pytest-xdist's workers (``(0, 1)`` when
    the suite runs in one process)."""
    name = os.environ.get("PYTEST_XDIST_WORKER", "")
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 1)
    index = int(name[2:]) if name.startswith("gw") and name[2:].isdigit() else 0
    if count > MAX_TEST_WORKERS:
        pytest.exit(f"at most {MAX_TEST_WORKERS} test processes a leg (pytest -n)", 2)
    return index, count


def redis_url_for_tests(what: str) -> str:
    """The Redis of the tests (``CIVIQUE_TEST_REDIS_URL``) for tests of ``what`` kept in Redis.

    Without that variable the test is skipped, loudly; when ``CI=true`` it fails instead. Each
    test process has its own Redis database number, from the one given: the SQLite leg's
    processes the next ones (15, 0, 1, 2), the PostgreSQL leg's the four after (3, 4, 5, 6), so
    that the legs of ``make test`` and their processes run at the same time without emptying
    each other's.
    """
    url = os.environ.get("CIVIQUE_TEST_REDIS_URL")
    if url:
        base, _slash, number = url.rpartition("/")
        if number.isdigit():
            index, _count = test_worker()
            leg = MAX_TEST_WORKERS if database_kind() == "postgresql" else 0
            url = f"{base}/{(int(number) + leg + index) % 16}"
    if not url:
        message = (
            f"CIVIQUE_TEST_REDIS_URL is not set: {what} stored in Redis are NOT TESTED. "
            "Set it (for example redis://127.0.0.1:6379/0) to run these tests."
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but " + message)
        warnings.warn(message, stacklevel=2)
        pytest.skip("!!! " + message)
    return url


def database_kind() -> str:
    return os.environ.get("CIVIQUE_TEST_DATABASE", "sqlite").lower()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The database of this test run: a SQLite file, or the PostgreSQL database given.

    A PostgreSQL test database is emptied (schema ``public`` dropped) when the run starts, so
    that each run starts from the current models whatever an earlier run left there. When the
    suite runs in several processes (``pytest -n``), each process has a database of its own,
    created beside the one given (``<name>_w0``, ``<name>_w1``...) and dropped at its end.
    """
    if database_kind() != "postgresql":
        yield "sqlite:///" + str(tmp_path_factory.mktemp("database") / "civique-tests.sqlite3")
        return
    url = os.environ.get("CIVIQUE_TEST_POSTGRESQL_URL")
    if not url:
        pytest.exit("CIVIQUE_TEST_DATABASE=postgresql needs CIVIQUE_TEST_POSTGRESQL_URL", 2)
    from sqlalchemy import create_engine

    from core.config import normalise_database_url

    index, count = test_worker()
    own = None
    if count > 1:
        given = make_url(normalise_database_url(url))
        own = f"{given.database}_w{index}"
        with create_engine(given, isolation_level="AUTOCOMMIT").connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{own}"'))
        url = given.set(database=own).render_as_string(hide_password=False)
    engine = create_engine(normalise_database_url(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    yield url
    if own is not None:
        with create_engine(given, isolation_level="AUTOCOMMIT").connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def smtp_server():
    """One real SMTP server for the whole run (cleared before each test by ``smtp``)."""
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp(smtp_server):
    """The SMTP server the app sends to; its ``messages`` are this test's mail."""
    if not smtp_server.running:
        smtp_server.start()
    smtp_server.clear()
    return smtp_server


@pytest.fixture
def app_config() -> dict:
    """Override in a test module or conftest to change the app's configuration."""
    return {}


@pytest.fixture
def app(database_url, smtp, app_config, tmp_path):
    """A fresh app on a clean database, with an app context pushed for the test."""
    from core import create_app
    from core.extensions import db

    config = {
        **DEFAULT_TEST_CONFIG,
        "DATABASE_URL": database_url,
        "MAIL_SERVER": smtp.host,
        "MAIL_PORT": smtp.port,
        "STORAGE_PATH": str(tmp_path / "storage"),
        **app_config,
    }
    os.environ.setdefault("CIVIQUE_INSTANCE_PATH", str(tmp_path.parent / "instance"))
    application = create_app(config)
    # Requests share this app context, hence ``g``: give each an empty one, as in production.
    request_started.connect(lambda sender, **extra: g.__dict__.clear(), application, weak=False)
    with application.app_context():
        db.create_all()
        empty_database(db)
        yield application
        db.session.remove()
        empty_database(db)
        db.engine.dispose()


def empty_database(db) -> None:
    """Delete every row of every table (the schema stays) and restart the id sequences.

    On PostgreSQL, ``DELETE`` then resetting the sequences is much faster than ``TRUNCATE`` for
    the few rows a test writes (``TRUNCATE`` creates new files for every table).
    """
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        existing = set(db.inspect(connection).get_table_names())
        for table in tables:
            if table.name in existing:
                connection.execute(table.delete())
        if connection.dialect.name == "postgresql":
            connection.execute(text(
                "SELECT setval(c.oid, 1, false) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind = 'S' AND n.nspname = current_schema()"
            ))
        elif "sqlite_sequence" in {r[0] for r in connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}:
            connection.exec_driver_sql("DELETE FROM sqlite_sequence")


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app):
    """Create a confirmed account: ``make_user("a@example.org", roles=["staff"])``."""
    from core.accounts.models import User, UserRole
    from core.accounts.passwords import hash_password
    from core.database import db, utcnow

    password_hash = hash_password(TEST_PASSWORD)

    def factory(email: str, name: str | None = None, roles=(), confirmed: bool = True,
                neighbourhood=None, locale: str | None = "en") -> User:
        user = User(
            email=email.lower(),
            display_name=name or email.split("@")[0].replace(".", " ").title(),
            password_hash=password_hash,
            email_confirmed_at=utcnow() if confirmed else None,
            neighbourhood=neighbourhood,
            locale=locale,
        )
        user.role_grants = [UserRole(role=role) for role in roles]
        db.session.add(user)
        db.session.commit()
        return user

    return factory


@pytest.fixture
def users(make_user) -> dict:
    """One confirmed account per core role: resident, moderator, staff, admin."""
    return {
        "resident": make_user("resident@example.org", "Rose Resident"),
        "moderator": make_user("moderator@example.org", "Max Moderator", roles=["moderator"]),
        "staff": make_user("staff@example.org", "Sam Staff", roles=["staff"]),
        "admin": make_user("admin@example.org", "Ada Admin", roles=["admin"]),
    }


@pytest.fixture
def login():
    """``login(client, user)`` signs ``user`` in through the real login form."""

    def do_login(client, user, password: str = TEST_PASSWORD):
        response = client.post(
            "/account/login", data={"email": user.email, "password": password}
        )
        assert response.status_code == 302, "login failed"
        return response

    return do_login


def count_queries(client, url: str):
    """``(number of SQL statements, response)`` for a GET of ``url`` (which must answer 200).

    For tests that a list costs the same whatever its length (no query per item)::

        few, _ = count_queries(client, "/ideas/?per_page=5")
        many, _ = count_queries(client, "/ideas/?per_page=50")
        assert many == few
    """
    from sqlalchemy import event

    from core.extensions import db

    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    # A request on the site starts with an empty session; the tests' session outlives their
    # requests, so what an earlier request loaded is forgotten first (it is read again).
    db.session.expire_all()

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(statements), response

