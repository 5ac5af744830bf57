"""Backups: ``flask --app core backup`` writes one archive while the site runs, and ``restore``
puts it back into an empty instance, every row and every file, or says clearly why it will not.

Run on the database of the test run (SQLite, or PostgreSQL with ``CIVIQUE_TEST_DATABASE``): the
empty instance restored into is a new SQLite file, or a throw-away PostgreSQL database created
beside the test database on the same server.
"""

from __future__ import annotations

import hashlib
import io
import json
import stat
import tarfile
import threading
import time
from pathlib import Path

import pytest
from flask import g, request_started
from PIL import Image
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from core import create_app
from core.accounts.models import User
from core.config import normalise_database_url
from core.database import db
from core.testing import DEFAULT_TEST_CONFIG, add_places, database_kind

IDEAS = {
    "Plant lime trees on the Rebberg square": (20, 120, 60),
    "A covered bike shelter at Dornach station": (200, 40, 40),
}


def png_bytes(colour) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def site(app, client, users, login):
    """A site in use: four accounts, two ideas of the idea box, each with its picture."""
    places = add_places({"rebberg": "Rebberg", "dornach": "Dornach"}, {"nature": "Nature"})
    login(client, users["resident"])
    for title, colour in IDEAS.items():
        response = client.post("/ideas/new", data={
            "title": title,
            "body": "Families leave the square in summer: there is no shade at all there.",
            "neighbourhood": str(places["rebberg"].id),
            "category": str(places["nature"].id),
            "image": (io.BytesIO(png_bytes(colour)), "picture.png"),
            "image_description": f"The place today ({title})",
            "action": "submit",
        }, content_type="multipart/form-data", follow_redirects=True)
        assert "Your idea is published" in response.text
    return app


def run(app, *args):
    """``flask --app core <args>`` on ``app``, as an administrator types it."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def every_row(app) -> dict[str, list[tuple]]:
    """Every row of every table of ``app``'s database, in a stable order."""
    with app.app_context(), db.engine.connect() as connection:
        quote = connection.dialect.identifier_preparer.quote
        return {
            name: sorted(map(tuple, connection.execute(text(f"SELECT * FROM {quote(name)}"))),
                         key=repr)
            for name in sorted(inspect(connection).get_table_names())
        }


def every_file(app) -> dict[str, bytes]:
    """The uploaded files of ``app`` by path under its uploads folder."""
    root = Path(app.config["STORAGE_PATH"])
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile("manifest.json"))


@pytest.fixture
def empty_instance(request, database_url, smtp, tmp_path):
    """A new instance with an empty database and no uploads folder yet: no table at all, or
    (parameter ``"schema created"``) the tables that ``db upgrade`` makes, without rows."""
    restore_url = "sqlite:///" + str(tmp_path / "restored" / "civique.sqlite3")
    admin = None
    if database_kind() == "postgresql":
        url = make_url(normalise_database_url(database_url))
        name = f"{url.database}_restore"
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        restore_url = url.set(database=name).render_as_string(hide_password=False)
    instance = create_app({
        **DEFAULT_TEST_CONFIG, "DATABASE_URL": restore_url, "MAIL_SERVER": smtp.host,
        "MAIL_PORT": smtp.port, "STORAGE_PATH": str(tmp_path / "restored" / "uploads"),
    })
    request_started.connect(lambda sender, **extra: g.__dict__.clear(), instance, weak=False)
    if getattr(request, "param", "new database") == "schema created":
        (tmp_path / "restored").mkdir()
        with instance.app_context():
            db.create_all()
    yield instance
    with instance.app_context():
        db.session.remove()
        db.engine.dispose()
    if admin is not None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def backup(app, tmp_path) -> Path:
    result = run(app, "backup", "--output", str(tmp_path / "backups") + "/")
    assert result.exit_code == 0, result.output
    archives = list((tmp_path / "backups").glob("civique-backup-*.tar.gz"))
    assert len(archives) == 1 and f"Backup written to {archives[0]}" in result.output
    return archives[0]


@pytest.mark.parametrize("empty_instance", ["new database", "schema created"], indirect=True)
def test_a_backup_restored_into_an_empty_instance_has_every_row_and_file(
        site, empty_instance, tmp_path, login):
    archive = backup(site, tmp_path)
    rows, files = every_row(site), every_file(site)
    assert len(files) == 2 and rows["user_account"] and rows["idea_box_idea"]
    # The archive says what it holds, and only its owner may read it (personal data).
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    manifest = manifest_of(archive)
    assert manifest["database"]["kind"] == database_kind()
    assert manifest["database"]["tables"] == {name: len(found) for name, found in rows.items()}
    assert {f["path"]: f["sha256"] for f in manifest["files"]} == {
        path: hashlib.sha256(data).hexdigest() for path, data in files.items()}

    result = run(empty_instance, "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert f"Restored {archive}" in result.output
    assert "every table has the rows of the backup" in result.output
    assert "uploads: 2 files" in result.output

    restored = every_row(empty_instance)
    assert restored.keys() == rows.keys()
    for name in rows:
        assert restored[name] == rows[name], f"table {name} differs after the restore"
    assert every_file(empty_instance) == files
    with empty_instance.app_context(), db.engine.connect() as connection:
        emails = connection.execute(text("SELECT email FROM user_account ORDER BY email")).scalars()
        titles = connection.execute(text("SELECT id, title FROM idea_box_idea ORDER BY id")).all()
        picture = connection.execute(text(
            "SELECT id, original_name, size FROM attachment ORDER BY id")).first()
    assert list(emails) == ["admin@example.org", "moderator@example.org", "resident@example.org",
                            "staff@example.org"]
    assert [title for _id, title in titles] == list(IDEAS)

    # The restored site works: the resident signs in, finds her idea and its picture, and new
    # rows get new ids (PostgreSQL's sequences came back too).
    with empty_instance.app_context():
        client = empty_instance.test_client()
        resident = db.session.scalar(db.select(User).where(User.email == "resident@example.org"))
        login(client, resident)
        assert list(IDEAS)[0] in client.get(f"/ideas/{titles[0][0]}").text
        served = client.get(f"/files/{picture.id}/{picture.original_name}")
        assert served.status_code == 200 and len(served.data) == picture.size
        assert served.data in files.values()
        newcomer = User(email="new@example.org", display_name="New", password_hash="x")
        db.session.add(newcomer)
        db.session.commit()
        assert newcomer.id == max(row[0] for row in rows["user_account"]) + 1


def test_restore_refuses_an_instance_that_holds_data_unless_forced(site, make_user, tmp_path):
    archive = backup(site, tmp_path)
    make_user("late@example.org")
    db.session.remove()

    refused = run(site, "restore", str(archive))
    assert refused.exit_code == 1
    assert "This instance already holds data" in refused.output and "--force" in refused.output
    assert "Traceback" not in refused.output
    with site.app_context(), db.engine.connect() as connection:
        assert connection.execute(text(
            "SELECT count(*) FROM user_account WHERE email = 'late@example.org'")).scalar_one() == 1

    forced = run(site, "restore", "--force", str(archive))
    assert forced.exit_code == 0, forced.output
    with site.app_context(), db.engine.connect() as connection:
        emails = set(connection.execute(text("SELECT email FROM user_account")).scalars())
    assert "late@example.org" not in emails and "resident@example.org" in emails
    assert len(every_file(site)) == 2


def tar_gz(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def with_one_file_changed(archive: Path, target: Path) -> Path:
    """A copy of ``archive`` in which the first uploaded file lost a byte (the manifest kept)."""
    members = {}
    with tarfile.open(archive) as tar:
        for member in tar:
            members[member.name] = tar.extractfile(member).read()
    first = sorted(name for name in members if name.startswith("uploads/"))[0]
    members[first] = members[first][:-1]
    return tar_gz(target, members)


@pytest.mark.parametrize("damage, message", [
    ("garbage", "is damaged or is not a Civique backup"),
    ("other files", "is not a Civique backup: it holds 'notes.txt'"),
    ("no manifest", "is not a Civique backup: it has no manifest.json"),
    ("file changed", "is damaged, nothing was restored: these files differ from its manifest"),
    ("path outside", "was refused, nothing was restored"),
    ("other kind", "database; this instance uses"),
])
def test_a_damaged_or_foreign_archive_is_refused_with_a_clear_message_and_nothing_restored(
        site, empty_instance, tmp_path, damage, message):
    broken = tmp_path / "broken.tar.gz"
    if damage == "garbage":
        broken.write_bytes(b"this is no backup at all" * 100)
    elif damage == "other files":
        tar_gz(broken, {"notes.txt": b"my holiday notes"})
    elif damage == "no manifest":
        tar_gz(broken, {"uploads/ab/abcdef.png": png_bytes((1, 2, 3))})
    elif damage == "file changed":
        with_one_file_changed(backup(site, tmp_path), broken)
    elif damage == "path outside":
        tar_gz(broken, {"uploads/../../escaped.txt": b"written outside"})
    else:
        other = "database.pgdump" if database_kind() == "sqlite" else "database.sqlite3"
        tar_gz(broken, {other: b"a database of the other kind"})

    result = run(empty_instance, "restore", str(broken))
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert every_row(empty_instance) == {}, "the database must stay untouched"
    assert every_file(empty_instance) == {}
    assert not list(tmp_path.rglob("escaped.txt"))


def test_a_backup_taken_while_the_site_writes_is_consistent(site, empty_instance, tmp_path):
    """Rows written during the backup are either in the archive or not, and the row counts of its
    manifest are those of its database: the restore, which checks them, passes."""
    engine = create_engine(site.config["SQLALCHEMY_DATABASE_URI"])
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE backup_probe (id INTEGER PRIMARY KEY, n INTEGER)"))
    written, stop = [0], threading.Event()

    def write():
        while not stop.is_set():
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO backup_probe (id, n) VALUES (:n, :n)"),
                                   {"n": written[0] + 1})
            written[0] += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while written[0] < 20:
            time.sleep(0.01)
        before = written[0]
        archive = backup(site, tmp_path)
        during = written[0] - before
    finally:
        stop.set()
        writer.join()
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE backup_probe"))
        engine.dispose()
    assert during > 0, "the writer must have written while the backup ran"
    in_archive = manifest_of(archive)["database"]["tables"]["backup_probe"]
    assert before <= in_archive <= written[0]

    result = run(empty_instance, "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert sorted(row[0] for row in every_row(empty_instance)["backup_probe"]) == list(
        range(1, in_archive + 1))


@pytest.mark.postgresql
@pytest.mark.skipif(database_kind() != "postgresql", reason="pg_dump serves PostgreSQL only")
def test_without_pg_dump_the_backup_says_what_to_install(site, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run(site, "backup", "--output", str(tmp_path / "backup.tar.gz"))
    assert result.exit_code == 1
    assert "pg_dump was not found" in result.output and "postgresql-client" in result.output
    assert "Traceback" not in result.output
    assert not list(tmp_path.glob("backup.tar.gz*"))
