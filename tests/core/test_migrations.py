"""Migrations: upgrading an empty database gives exactly the models' schema, on both databases.

The check runs ``flask --app core db upgrade`` on a database of its own (a new SQLite file, or
a new PostgreSQL database next to the test database), then asks Alembic to compare what it
built with the models of the core and the enabled built-in plugins.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from core.testing import database_kind

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def empty_database_url(tmp_path):
    if database_kind() != "postgresql":
        yield "sqlite:///" + str(tmp_path / "migrated.sqlite3")
        return
    from sqlalchemy.engine import make_url

    from core.config import normalise_database_url

    base = make_url(normalise_database_url(os.environ["CIVIQUE_TEST_POSTGRESQL_URL"]))
    name = f"civique_migrations_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def flask(*args, database_url, plugins=None, tmp_path):
    env = {
        **os.environ,
        "CIVIQUE_ENV": "development",
        "CIVIQUE_DATABASE_URL": database_url,
        "CIVIQUE_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    if plugins is not None:
        env["CIVIQUE_PLUGINS"] = plugins
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "core", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def schema_differences(database_url: str, plugins: str | None) -> list:
    """Alembic's comparison of the migrated database with the enabled models."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from core import create_app
    from core.extensions import db

    config = {"ENV": "testing", "SECRET_KEY": "x", "DATABASE_URL": database_url}
    if plugins is not None:
        config["PLUGINS"] = [p for p in plugins.split(",") if p]
    app = create_app(config)
    with app.app_context():
        owned = _tables_of_enabled_models(app)

        def include(obj, name, type_, reflected, compare_to):
            # Only the enabled models' tables (not the tests' own, nor alembic_version, nor the
            # SQLite full-text table the search service creates beside its table).
            return name in owned if type_ == "table" else True

        engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_object": include}
            )
            differences = compare_metadata(context, db.metadata)
        engine.dispose()
    return differences


def _tables_of_enabled_models(app) -> set[str]:
    """Tables of the core's models and of the enabled plugins' models (not the tests' ones)."""
    from core.extensions import db
    from core.plugins import manager

    with app.app_context():
        prefixes = ["core."] + [
            getattr(plugin, "__name__", "") + "." for plugin in manager().pm.get_plugins()
            if getattr(plugin, "__name__", "").startswith("plugins.")
        ]
    tables = set()
    for mapper in db.Model.registry.mappers:
        module = mapper.class_.__module__
        if any(module.startswith(prefix) or module + "." == prefix for prefix in prefixes):
            tables.update(t.name for t in mapper.tables)
    return tables


def test_upgrading_an_empty_database_gives_the_models_schema(empty_database_url, tmp_path):
    flask("db", "upgrade", database_url=empty_database_url, tmp_path=tmp_path)
    differences = schema_differences(empty_database_url, None)
    assert differences == [], "migrations and models differ:\n" + "\n".join(map(repr, differences))
    # Upgrading again changes nothing and does not fail.
    flask("db", "upgrade", database_url=empty_database_url, tmp_path=tmp_path)


def test_each_plugin_has_its_own_branch(empty_database_url, tmp_path):
    """With no plugin enabled only the core's tables exist; enabling them upgrades their branches."""
    flask("db", "upgrade", database_url=empty_database_url, plugins="", tmp_path=tmp_path)
    engine = create_engine(_sqlalchemy_url(empty_database_url))
    core_only = set(inspect(engine).get_table_names())
    engine.dispose()
    assert "user_account" in core_only
    assert not any(name.startswith(("idea", "consultation", "council", "conciliat", "finance"))
                   for name in core_only)
    flask("db", "upgrade", database_url=empty_database_url, tmp_path=tmp_path)
    assert schema_differences(empty_database_url, None) == []


def _sqlalchemy_url(url: str) -> str:
    from core.config import normalise_database_url

    return normalise_database_url(url)
