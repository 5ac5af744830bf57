"""`pip install .` from a clean clone gives a working distribution, not only an editable one."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    """A wheel built from a copy of the checkout's files, as from a clean clone (no build/ left)."""
    import shutil

    source = tmp_path_factory.mktemp("clone") / "civique"
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.splitlines()
    for name in files:
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source)],
        check=True,
        cwd=out,
    )
    (path,) = out.glob("civique-*.whl")
    return zipfile.ZipFile(path)


def test_wheel_ships_templates_static_files_migrations_and_catalogs(wheel):
    names = set(wheel.namelist())
    for expected in (
        "core/templates/core/base.html",
        "core/templates/accounts/signup.html",
        "core/static/civique.css",
        "core/migrations/env.py",
        "core/migrations/alembic.ini",
        "core/migrations/script.py.mako",
        "translations/fr/LC_MESSAGES/messages.po",
        "translations/de/LC_MESSAGES/messages.po",
    ):
        assert expected in names, f"{expected} missing from the wheel"
    assert any(n.startswith("core/migrations/versions/") and n.endswith(".py") for n in names)
    assert not any(n.startswith("tests/") for n in names), "tests must not be installed"


def test_wheel_declares_the_plugin_entry_points_and_licence(wheel):
    entry_points = next(n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt"))
    text = wheel.read(entry_points).decode()
    assert "[civique.plugins]" in text
    assert "welcome = core.welcome" in text
    metadata = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
    assert "AGPL-3.0-or-later" in wheel.read(metadata).decode()
