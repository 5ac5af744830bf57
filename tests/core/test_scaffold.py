"""``flask --app core scaffold NAME``: a new plugin that installs, runs and passes its own tests."""

from __future__ import annotations

import ast
import configparser
import fnmatch
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from core.scaffold import MAX_NAME_LENGTH, TEMPLATE_DIR, TEMPLATE_SUFFIX
from core.testing import database_kind

ROOT = Path(__file__).resolve().parents[2]
NAME = "bike_racks"
PACKAGE = "civique_bike_racks"


def scaffold(app, *args: str):
    from core.scaffold import scaffold_command

    return app.test_cli_runner().invoke(scaffold_command, args=list(args))


@pytest.fixture
def generated(app, tmp_path) -> Path:
    """The distribution written by ``flask --app core scaffold bike_racks --directory <tmp>``."""
    result = scaffold(app, NAME, "--directory", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "Plugin 'bike_racks' created" in result.output
    return tmp_path / "civique-bike-racks"


# --- The name is checked -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Bike-Racks", "is not a valid plugin name: use lowercase letters, digits and underscores"),
        ("2wheels", "is not a valid plugin name"),
        ("bike racks", "is not a valid plugin name"),
        ("class", "is a Python keyword"),
        ("welcome", "A plugin named 'welcome' is already installed (package: civique)"),
        ("accounts", "is used by the core"),
        ("demo", "is used by the core"),
        ("plugin_providers", "is a configuration key of the core (PLUGIN_PROVIDERS)"),
        ("b" * (MAX_NAME_LENGTH + 1), f"use at most {MAX_NAME_LENGTH} characters"),
    ],
)
def test_a_wrong_name_is_refused_with_a_clear_message_and_nothing_is_written(
    app, tmp_path, name, message
):
    result = scaffold(app, name, "--directory", str(tmp_path))
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_the_name_of_a_built_in_plugin_being_written_is_refused(app, tmp_path, monkeypatch):
    """A folder of plugins/ not yet registered as an entry point still reserves its name."""
    builtin = tmp_path / "plugins"
    (builtin / "street_reports").mkdir(parents=True)
    monkeypatch.setattr("core.scaffold.BUILTIN_PLUGINS_DIR", builtin)
    output = tmp_path / "out"
    output.mkdir()
    result = scaffold(app, "street_reports", "--directory", str(output))
    assert result.exit_code != 0
    assert "built-in plugin named 'street_reports' (plugins/street_reports)" in result.output
    assert list(output.iterdir()) == []


def test_the_command_runs_as_the_readme_says_without_the_sites_production_settings(tmp_path):
    """``flask --app core scaffold NAME`` serves no page: it needs no production secret key."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PYTEST_", "CIVIQUE_"))}
    env.update({"CIVIQUE_ENV": "production", "CIVIQUE_INSTANCE_PATH": str(tmp_path / "instance")})
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "core", "scaffold", NAME, "--directory", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Plugin 'bike_racks' created" in result.stdout
    assert (tmp_path / "civique-bike-racks" / PACKAGE / "workflow.py").is_file()


def test_an_existing_folder_is_never_overwritten(app, tmp_path):
    existing = tmp_path / "civique-bike-racks"
    existing.mkdir()
    (existing / "notes.txt").write_text("mine")
    result = scaffold(app, NAME, "--directory", str(tmp_path))
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert [p.name for p in existing.iterdir()] == ["notes.txt"]


# --- What is generated ---------------------------------------------------------------------


def test_the_distribution_declares_the_plugin_entry_point(generated):
    project = tomllib.loads((generated / "pyproject.toml").read_text())["project"]
    assert project["name"] == "civique-bike-racks"
    assert project["entry-points"]["civique.plugins"] == {NAME: PACKAGE}
    assert any(dep.startswith("civique") for dep in project["dependencies"])


def test_the_package_has_the_files_a_plugin_starts_with(generated):
    package = generated / PACKAGE
    for relative in ("__init__.py", "workflow.py", "models.py", "forms.py", "views.py", "staff.py",
                     "cli.py", "data.py", "demo.py",
                     "templates/bike_racks/index.html", "templates/bike_racks/form.html",
                     "templates/bike_racks/detail.html",
                     "migrations/versions/bike_racks_0001_initial.py", "translations/messages.pot"):
        assert (package / relative).is_file(), relative
    for language in ("fr", "en", "de"):
        assert (package / "translations" / language / "LC_MESSAGES" / "messages.po").is_file()
    assert (generated / "tests" / "__init__.py").is_file()
    assert 'pytest_plugins = ["core.testing"]' in (generated / "tests" / "conftest.py").read_text()
    for template in (package / "templates" / NAME).glob("*.html"):
        assert template.read_text().startswith('{% extends "core/base.html" %}')


def test_the_generated_code_is_complete_python_with_documented_hooks(generated):
    for path in generated.rglob("*"):
        if path.is_file():
            assert "${" not in path.read_text(encoding="utf-8"), f"placeholder left in {path}"
    manifest = ast.parse((generated / PACKAGE / "__init__.py").read_text())
    hooks = {node.name for node in manifest.body if isinstance(node, ast.FunctionDef)
             and any(getattr(d, "id", None) == "hookimpl" for d in node.decorator_list)}
    assert {"register_blueprints", "nav_items", "register_permissions", "register_content_types",
            "admin_pages"} <= hooks
    # Found by the core by convention, never declared: the folders and the hook rooms.
    assert not hooks & {"migration_dirs", "translation_dirs", "export_user_data", "load_demo_data"}
    for path in generated.rglob("*.py"):
        ast.parse(path.read_text(), filename=str(path))


def test_the_first_migration_opens_the_plugins_own_branch_after_the_core(generated):
    (migration,) = (generated / PACKAGE / "migrations" / "versions").glob("*.py")
    module = ast.parse(migration.read_text())
    values = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in module.body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }
    assert values["revision"] == "bike_racks_0001"
    assert values["down_revision"] is None
    assert values["branch_labels"] == (NAME,)
    assert values["depends_on"].startswith("core_")


def test_every_string_the_plugin_shows_is_in_its_catalogs_in_french_and_german(generated):
    extracted = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(
            str(generated / PACKAGE),
            method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2")],
            keywords={"_": None, "_l": None, "gettext": None, "lazy_gettext": None},
        )
    }
    assert "Publish entries" in extracted and "No entry published yet." in extracted
    for language in ("fr", "de", "en"):
        path = generated / PACKAGE / "translations" / language / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as po:
            catalog = read_po(po, locale=language)
        assert {m.id for m in catalog if m.id} == extracted, language
        untranslated = {m.id for m in catalog if m.id and not m.string}
        # The plugin's title is the author's to translate; every other string is translated.
        assert untranslated <= {"Bike racks"}, (language, untranslated)


def test_the_scaffold_templates_are_shipped_with_civique(generated):
    """Every template file matches a pattern of setup.cfg's package data (else pip drops it)."""
    setup = configparser.ConfigParser()
    setup.read(ROOT / "setup.cfg")
    patterns = [p.strip() for p in setup["options.package_data"]["*"].split(",")]
    files = [p for p in TEMPLATE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert files and all(p.name.endswith(TEMPLATE_SUFFIX) for p in files)
    assert all(any(fnmatch.fnmatch(p.name, pattern) for pattern in patterns) for p in files)


# --- The generated plugin works ------------------------------------------------------------


def child_database_environment() -> dict[str, str]:
    """The database for the generated tests: never the one this test run is using.

    On PostgreSQL, a sibling database (``<name>_plugin``) is created when missing; the generated
    tests' fixtures empty it when they start, exactly as they would a plugin author's database.
    """
    if database_kind() != "postgresql":
        return {"CIVIQUE_TEST_DATABASE": "sqlite"}
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from core.config import normalise_database_url

    url = make_url(normalise_database_url(os.environ["CIVIQUE_TEST_POSTGRESQL_URL"]))
    name = f"{url.database}_plugin"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return {
        "CIVIQUE_TEST_DATABASE": "postgresql",
        "CIVIQUE_TEST_POSTGRESQL_URL": url.set(database=name).render_as_string(hide_password=False),
    }


@pytest.mark.slow
def test_the_generated_plugin_installs_and_its_own_tests_pass(generated, tmp_path):
    """pip installs it (into a folder of its own: the project's environment stays as it is), and
    its tests — the page answers, the navigation shows it, staff publish, migrations match the
    model — pass in a fresh interpreter that finds it only through its entry point."""
    target = tmp_path / "site-packages"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
         str(generated)],
        check=True,
        cwd=tmp_path,
    )
    assert (target / PACKAGE / "templates" / NAME / "index.html").is_file()
    assert (target / PACKAGE / "migrations" / "versions" / "bike_racks_0001_initial.py").is_file()
    assert (target / PACKAGE / "translations" / "fr" / "LC_MESSAGES" / "messages.po").is_file()

    run_dir = tmp_path / "run"
    run_dir.mkdir()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PYTEST_", "CIVIQUE_"))}
    env.update(child_database_environment())
    env.update({
        "PYTHONPATH": os.pathsep.join([str(target), str(ROOT)]),
        "CIVIQUE_PLUGINS": NAME,
        "CIVIQUE_INSTANCE_PATH": str(tmp_path / "instance"),
    })
    # --import-mode=importlib and a clean working folder: the plugin is imported from where pip
    # installed it, not from its source folder.
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--import-mode=importlib",
         "-q", str(generated / "tests")],
        cwd=run_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    passed = re.search(r"(\d+) passed", output)
    assert passed and int(passed.group(1)) >= 9, output
