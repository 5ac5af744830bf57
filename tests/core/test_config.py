"""Configuration the Flask way: defaults, instance file, CIVIQUE_* variables, safe production."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core import create_app
from core.config import ConfigurationError

ROOT = Path(__file__).resolve().parents[2]


def run_flask(*args, env=None, instance=None):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CIVIQUE_")}
    environment.update(env or {})
    if instance is not None:
        environment["CIVIQUE_INSTANCE_PATH"] = str(instance)
    return subprocess.run([sys.executable, "-m", "flask", "--app", "core", *args], cwd=ROOT,
                          env=environment, capture_output=True, text=True, timeout=120)


def test_production_refuses_the_default_secret_key(tmp_path):
    result = run_flask("plugins", instance=tmp_path)
    assert result.returncode != 0
    assert "refuses to start in production with the default secret key" in result.stderr
    assert "Traceback" not in result.stderr


def test_environment_variables_and_instance_file(tmp_path):
    (tmp_path / "civique.cfg").write_text('CITY_NAME = "Colmar"\nSITE_NAME = "Colmar participe"\n')
    result = run_flask("plugins", instance=tmp_path, env={
        "CIVIQUE_SECRET_KEY": "a-long-random-secret-for-this-test",
        "CIVIQUE_PLUGINS": "welcome",
        "CIVIQUE_DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
    })
    assert result.returncode == 0, result.stderr
    assert "welcome" in result.stdout

    os.environ["CIVIQUE_INSTANCE_PATH"] = str(tmp_path)
    try:
        os.environ["CIVIQUE_SITE_NAME"] = "Colmar en commun"
        app = create_app({"ENV": "testing", "SECRET_KEY": "x"})
    finally:
        os.environ.pop("CIVIQUE_SITE_NAME")
    assert app.config["CITY_NAME"] == "Colmar"  # from the instance file
    assert app.config["SITE_NAME"] == "Colmar en commun"  # the environment wins


def test_an_unknown_environment_name_is_a_clear_error():
    with pytest.raises(ConfigurationError, match="must be production, development or testing"):
        create_app({"ENV": "staging", "SECRET_KEY": "x"})


def test_database_urls_use_psycopg_3():
    app = create_app({"ENV": "testing", "SECRET_KEY": "x",
                      "DATABASE_URL": "postgresql://civique@db.example.org/civique"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


def test_redis_url_carries_the_rate_limits():
    app = create_app({"ENV": "testing", "SECRET_KEY": "x", "REDIS_URL": "redis://127.0.0.1:6379/3"})
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"
    app = create_app({"ENV": "testing", "SECRET_KEY": "x"})
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
