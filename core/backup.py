"""Backups: one archive with a consistent snapshot of the database and the uploaded files, and
putting such an archive back (``flask --app core backup`` and ``flask --app core restore``).

The archive, ``civique-backup-YYYYmmdd-HHMMSS.tar.gz`` (UTC time), holds

``database.sqlite3`` or ``database.pgdump``
    SQLite: a copy made with SQLite's online backup, consistent while the site writes.
    PostgreSQL: ``pg_dump --format=custom --no-owner --no-privileges``, taken in the snapshot of a
    transaction that also counted the rows, so the counts are those of the dump.
``uploads/...``
    The files under ``STORAGE_PATH``, copied after the database: files are written once under a
    temporary name and never changed in place, so every file a row of the snapshot names is
    there (files uploaded meanwhile come too, unused; only a file deleted in those seconds is
    missing, as it is from the site).
``manifest.json``
    What the archive holds (:class:`Manifest`): when and by which version it was made, the
    database's kind, schema revisions and row count of every table, and every file with its size
    and SHA-256.

:func:`restore_backup` refuses an instance whose database holds rows or whose uploads folder
holds files, unless forced; extracts the archive beside the uploads (members checked by name and
by ``tarfile``'s ``data`` filter, so that none is written outside); checks every file against
the manifest before touching anything; replaces the database (SQLite's backup API writes into the
live file, so every process sees the restored data; ``pg_restore --clean --single-transaction``);
moves the files into place; then counts the rows and hashes the files again against the
manifest. Every failure is a :class:`BackupError`: the command prints its message, no traceback.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Iterator

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import Connection, create_engine, func, inspect, select, table, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from .database import db

FORMAT = "civique-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
UPLOADS = "uploads"
# Alembic's bookkeeping: a schema just created holds its revisions and no data yet.
NOT_DATA = {"alembic_version"}
CHUNK = 1024 * 1024


class BackupError(click.ClickException):
    """A backup or a restore cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class StoredFile:
    """A file of the archive: its path (in the archive, or under the uploads folder), size and
    SHA-256."""

    path: str
    size: int
    sha256: str


@dataclass
class Manifest:
    """What a backup holds, written as ``manifest.json``."""

    kind: str
    database_file: StoredFile
    tables: dict[str, int]
    alembic_revisions: list[str]
    files: list[StoredFile]
    created_at: str
    civique_version: str
    plugins: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps({
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": self.created_at,
            "civique_version": self.civique_version,
            "plugins": self.plugins,
            "database": {
                "kind": self.kind,
                "file": asdict(self.database_file),
                "alembic_revisions": self.alembic_revisions,
                "tables": self.tables,
            },
            "files": [asdict(stored) for stored in self.files],
        }, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, raw: bytes, archive: Path) -> Manifest:
        """Read ``manifest.json``; a manifest of another format or version is refused."""
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT:
                raise BackupError(f"{archive} is not a Civique backup (its manifest is not one).")
            if data.get("format_version") != FORMAT_VERSION:
                raise BackupError(
                    f"{archive} is a Civique backup of format version "
                    f"{data.get('format_version')}; this version of Civique reads version "
                    f"{FORMAT_VERSION}. Restore it with the version of Civique that made it."
                )
            database = data["database"]
            return cls(
                kind=str(database["kind"]),
                database_file=StoredFile(**database["file"]),
                tables={str(name): int(count) for name, count in database["tables"].items()},
                alembic_revisions=[str(revision) for revision in database["alembic_revisions"]],
                files=[StoredFile(**stored) for stored in data["files"]],
                created_at=str(data["created_at"]),
                civique_version=str(data["civique_version"]),
                plugins=[str(name) for name in data.get("plugins", [])],
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BackupError(f"{archive}: its manifest.json is damaged ({error}).") from None

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def describe(self) -> list[str]:
        """Two lines saying what the backup holds, for the commands' output."""
        revisions = ", ".join(self.alembic_revisions) or "none recorded"
        size = sum(stored.size for stored in self.files)
        return [
            f"database: {KIND_NAMES.get(self.kind, self.kind)}, {len(self.tables)} tables, "
            f"{self.rows:,} rows (schema revisions: {revisions})",
            f"uploads: {len(self.files):,} files, {human_size(size)}",
        ]


@dataclass
class BackupReport:
    """What :func:`make_backup` wrote."""

    archive: Path
    size: int
    manifest: Manifest


@dataclass
class RestoreReport:
    """What :func:`restore_backup` put back, and checked."""

    archive: Path
    manifest: Manifest
    storage: Path
    # Tables of this instance that the backup has not (a plugin enabled since): left as they were.
    other_tables: list[str]


# --- Helpers --------------------------------------------------------------------------------------


def human_size(size: int) -> str:
    """``2.4 MB`` for ``2_400_000``."""
    if size < 1000:
        return f"{size} bytes"
    value, units = size / 1000, ["kB", "MB", "GB", "TB"]
    while value >= 1000 and len(units) > 1:
        value, units = value / 1000, units[1:]
    return f"{value:.1f} {units[0]}"


def database_kind(uri: str) -> str:
    """``sqlite`` or ``postgresql``; the backup knows no other database."""
    kind = make_url(uri).get_backend_name()
    if kind not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {kind}.")
    return kind


def sqlite_path(uri: str) -> Path:
    """The file of a SQLite database URL."""
    name = make_url(uri).database
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupError(f"The SQLite database {uri} is not a file that can be backed up.")
    return Path(name)


def libpq_target(uri: str) -> tuple[str, dict[str, str]]:
    """The URL that ``pg_dump`` and ``pg_restore`` understand (no ``+psycopg``) and the
    environment that carries the password (kept off the command line that ``ps`` shows)."""
    url = make_url(uri)
    environment = {"PGPASSWORD": str(url.password)} if url.password else {}
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), environment


def postgresql_tool(name: str) -> str:
    """The path of ``pg_dump`` or ``pg_restore``, or an error saying how to get it."""
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} was not found on this machine's PATH: install the PostgreSQL client tools "
            "of your server's version (Debian and Ubuntu: the postgresql-client package)."
        )
    return found


def run_tool(arguments: list[str], environment: dict[str, str]) -> None:
    """Run ``pg_dump`` or ``pg_restore``; its error becomes a :class:`BackupError`."""
    done = subprocess.run(arguments, env={**os.environ, **environment}, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip()[-2000:]
        raise BackupError(f"{Path(arguments[0]).name} failed: {message}")


def table_counts(connection: Connection) -> dict[str, int]:
    """The number of rows of every table of the database (its default schema), by name."""
    return {
        name: connection.execute(select(func.count()).select_from(table(name))).scalar_one()
        for name in sorted(inspect(connection).get_table_names())
    }


def alembic_revisions(connection: Connection, tables) -> list[str]:
    """The schema revisions recorded by Alembic (none when the schema was made otherwise)."""
    if "alembic_version" not in tables:
        return []
    return sorted(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def stored_files(root: Path) -> Iterator[Path]:
    """The files under the uploads folder, in order; names starting with a dot (a restore under
    way) and ``.part`` files (an upload being written) are not stored files."""
    if not root.is_dir():
        return
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and not name.endswith(".part"):
                yield Path(folder) / name


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class HashingReader:
    """A file read by ``tarfile`` while its SHA-256 is computed, so that it is read once."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        return data


def add_file(tar: tarfile.TarFile, path: Path, name: str) -> StoredFile | None:
    """Add the file at ``path`` to ``tar`` as ``name``; ``None`` if it was deleted meanwhile."""
    try:
        stream = path.open("rb")
    except FileNotFoundError:
        return None
    with stream:
        status = os.fstat(stream.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = status.st_size, int(status.st_mtime), 0o644
        reader = HashingReader(stream)
        tar.addfile(info, reader)
    return StoredFile(path=name, size=status.st_size, sha256=reader.digest.hexdigest())


# --- Backup ---------------------------------------------------------------------------------------


def sqlite_snapshot(source: Path, copy: Path) -> tuple[dict[str, int], list[str]]:
    """Copy the live SQLite database with SQLite's online backup, then count the copy's rows."""
    if not source.is_file():
        raise BackupError(f"There is no SQLite database at {source}.")
    sqlite_copy(source, copy, f"SQLite could not copy {source}")
    engine = create_engine(f"sqlite:///{copy}", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            tables = table_counts(connection)
            return tables, alembic_revisions(connection, tables)
    finally:
        engine.dispose()


def sqlite_copy(origin_path: Path, target_path: Path, failure: str) -> None:
    """Copy a SQLite database into another (created, or replaced in one transaction) with
    SQLite's backup API, which takes the locks that keep both consistent."""
    origin = sqlite3.connect(origin_path, timeout=30)
    target = sqlite3.connect(target_path, timeout=30)
    try:
        origin.backup(target)
    except sqlite3.Error as error:
        raise BackupError(f"{failure}: {error}") from None
    finally:
        origin.close()
        target.close()


def postgresql_snapshot(uri: str, dump: Path) -> tuple[dict[str, int], list[str]]:
    """``pg_dump`` in the snapshot of a transaction that counts the rows, so that the counts are
    those of the dump however much the site writes meanwhile."""
    pg_dump = postgresql_tool("pg_dump")
    target, environment = libpq_target(uri)
    with db.engine.connect() as connection:
        connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            tables = table_counts(connection)
            revisions = alembic_revisions(connection, tables)
            run_tool([pg_dump, "--format=custom", "--no-owner", "--no-privileges",
                      f"--snapshot={snapshot}", f"--file={dump}", target], environment)
    return tables, revisions


def archive_path(output: str | Path | None, now: datetime) -> Path:
    """Where the archive goes: ``output``, or a dated name in the folder ``output`` names (an
    existing folder, or a path ending with ``/``), or in the current folder."""
    name = f"civique-backup-{now:%Y%m%d-%H%M%S}.tar.gz"
    if output is None:
        return Path.cwd() / name
    path = Path(output)
    if path.is_dir() or str(output).endswith(("/", os.sep)):
        return path / name
    return path


def make_backup(output: str | Path | None = None) -> BackupReport:
    """Write a backup of the current app's database and uploads; see the module's docstring."""
    from . import __version__
    from .plugins import manager
    from .services.attachments.models import storage_root

    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    kind = database_kind(uri)
    root = storage_root()
    now = datetime.now(timezone.utc)
    archive = archive_path(output, now).absolute()
    try:
        archive.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".civique-backup-", dir=archive.parent))
    except OSError as error:
        raise BackupError(f"Cannot write in {archive.parent}: {error.strerror}.") from None
    partial = archive.with_name(archive.name + ".part")
    try:
        dump = work / DATABASE_FILES[kind]
        if kind == "sqlite":
            tables, revisions = sqlite_snapshot(sqlite_path(uri), dump)
        else:
            tables, revisions = postgresql_snapshot(uri, dump)
        # Readable by its owner only: the archive holds personal data and password hashes.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(descriptor, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                database_file = add_file(tar, dump, dump.name)
                if database_file is None:
                    raise BackupError(f"The database copy {dump} vanished while it was archived.")
                files = []
                for path in stored_files(root):
                    name = path.relative_to(root).as_posix()
                    stored = add_file(tar, path, f"{UPLOADS}/{name}")
                    if stored is not None:
                        files.append(StoredFile(name, stored.size, stored.sha256))
                manifest = Manifest(
                    kind=kind, database_file=database_file, tables=tables,
                    alembic_revisions=revisions, files=files,
                    created_at=now.isoformat(timespec="seconds"), civique_version=__version__,
                    plugins=sorted(plugin.name for plugin in manager().enabled),
                )
                data = manifest.to_json().encode("utf-8")
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o644
                tar.addfile(info, io.BytesIO(data))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, archive)
    except OSError as error:
        raise BackupError(f"The backup could not be written: {error}") from None
    finally:
        partial.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)
    return BackupReport(archive=archive, size=archive.stat().st_size, manifest=manifest)


# --- Restore --------------------------------------------------------------------------------------


def what_is_there(root: Path) -> str:
    """What the current app's database and uploads folder already hold, in words; empty when
    the instance is new (tables without rows, no files)."""
    with db.engine.connect() as connection:
        names = sorted(inspect(connection).get_table_names())
        virtual = []
        if connection.dialect.name == "sqlite":
            virtual = connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND sql LIKE 'CREATE VIRTUAL TABLE%'").scalars().all()
        tables = [
            name for name in names
            # The shadow tables in which SQLite keeps a virtual table (the search index) are
            # never empty; the virtual table itself says whether it holds anything.
            if name not in NOT_DATA and not any(name.startswith(f"{v}_") for v in virtual)
            and connection.execute(select(1).select_from(table(name)).limit(1)).first() is not None
        ]
    files = sum(1 for _ in stored_files(root))
    found = []
    if tables:
        found.append(f"rows in {len(tables)} tables of its database ("
                     + ", ".join(tables[:4]) + (", ..." if len(tables) > 4 else "") + ")")
    if files:
        found.append(f"{files:,} files in {root}")
    return " and ".join(found)


def safe_upload_path(name: str, archive: Path) -> PurePosixPath:
    """The relative path of an uploaded file named in the manifest, refused if it could leave the
    uploads folder."""
    path = PurePosixPath(name)
    if (path.is_absolute() or not path.parts
            or any(part in ("", ".", "..") or part.startswith(".") for part in path.parts)):
        raise BackupError(f"{archive} names a file outside the uploads folder: {name}")
    return path


def extract(archive: Path, staging: Path, kind: str) -> None:
    """Extract ``archive`` into ``staging``, refusing members a backup does not hold and, through
    ``tarfile``'s ``data`` filter, links, devices and paths leading outside."""
    expected = {MANIFEST, DATABASE_FILES[kind]}
    other_kind = {name: other for other, name in DATABASE_FILES.items() if other != kind}
    try:
        with tarfile.open(archive, mode="r|gz") as tar:
            for member in tar:
                name = member.name
                if name in other_kind:
                    raise BackupError(
                        f"{archive} holds a {KIND_NAMES[other_kind[name]]} database; this instance "
                        f"uses {KIND_NAMES[kind]}. Restore it into an instance of the same kind."
                    )
                if name not in expected and not (
                        name.startswith(UPLOADS + "/") and (member.isfile() or member.isdir())):
                    raise BackupError(f"{archive} is not a Civique backup: it holds {name!r}.")
                tar.extract(member, staging, filter="data")
    except tarfile.FilterError as error:
        raise BackupError(f"{archive} was refused, nothing was restored: {error}.") from None
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(
            f"{archive} is damaged or is not a Civique backup (a .tar.gz archive made by "
            f"`flask --app core backup`): {error}"
        ) from None


def differing_files(base: Path, files: list[StoredFile]) -> list[str]:
    """The files missing under ``base`` or differing in size or SHA-256 from the manifest's."""
    return [
        stored.path for stored in files
        if not (base / stored.path).is_file() or (base / stored.path).stat().st_size != stored.size
        or sha256_of(base / stored.path) != stored.sha256
    ]


def restore_sqlite(copy: Path, uri: str) -> None:
    """Write the backup's database into the instance's file with SQLite's backup API: one
    transaction, seen at once by every process that has the file open (a file put in its place
    would leave them writing into the old one)."""
    target_path = sqlite_path(uri)
    sqlite_copy(copy, target_path, f"SQLite could not restore into {target_path}")


def restore_postgresql(dump: Path, uri: str) -> None:
    """``pg_restore`` the dump into the instance's database in one transaction."""
    pg_restore = postgresql_tool("pg_restore")
    target, environment = libpq_target(uri)
    run_tool([pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "--exit-on-error", f"--dbname={target}", str(dump)],
             environment)


def restore_backup(archive: str | Path, force: bool = False) -> RestoreReport:
    """Put the backup ``archive`` back into the current app's database and uploads folder, then
    check rows and files against its manifest; see the module's docstring."""
    from .services.attachments.models import storage_root

    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    kind = database_kind(uri)
    root = storage_root()
    archive = Path(archive).absolute()
    if not archive.is_file():
        raise BackupError(f"There is no backup at {archive}.")
    if kind == "sqlite":  # a new instance: its database's folder may not exist yet
        sqlite_path(uri).parent.mkdir(parents=True, exist_ok=True)
    # Connections left open would hold locks that the restore must take.
    db.session.remove()
    db.engine.dispose()
    if not force:
        there = what_is_there(root)
        if there:
            raise BackupError(
                f"This instance already holds data: {there}. A restore replaces it; restore into "
                "an empty instance, or add --force to replace what is there."
            )
    try:
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".civique-restore-", dir=root))
    except OSError as error:
        raise BackupError(f"Cannot write in the uploads folder {root}: {error.strerror}.") from None
    try:
        extract(archive, staging, kind)
        if not (staging / MANIFEST).is_file():
            raise BackupError(f"{archive} is not a Civique backup: it has no {MANIFEST}.")
        manifest = Manifest.from_json((staging / MANIFEST).read_bytes(), archive)
        if manifest.kind != kind or manifest.database_file.path != DATABASE_FILES[kind]:
            raise BackupError(
                f"{archive} holds a {KIND_NAMES.get(manifest.kind, manifest.kind)} database; "
                f"this instance uses {KIND_NAMES[kind]}."
            )
        paths = {str(safe_upload_path(stored.path, archive)) for stored in manifest.files}
        extracted = {path.relative_to(staging / UPLOADS).as_posix()
                     for path in stored_files(staging / UPLOADS)}
        if extracted - paths:
            raise BackupError(f"{archive} holds files its manifest does not list: "
                              + ", ".join(sorted(extracted - paths)[:5]))
        damaged = (differing_files(staging, [manifest.database_file])
                   + differing_files(staging / UPLOADS, manifest.files))
        if damaged:
            raise BackupError(f"{archive} is damaged, nothing was restored: these files differ "
                              "from its manifest: " + ", ".join(damaged[:5]))

        dump = staging / manifest.database_file.path
        if kind == "sqlite":
            restore_sqlite(dump, uri)
        else:
            restore_postgresql(dump, uri)
        for stored in manifest.files:
            destination = root / stored.path
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / UPLOADS / stored.path, destination)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    db.engine.dispose()
    with db.engine.connect() as connection:
        counts = table_counts(connection)
    wrong = [f"{name} ({counts.get(name, 'missing')} instead of {count})"
             for name, count in manifest.tables.items() if counts.get(name) != count]
    if wrong:
        raise BackupError("The restored database does not match the backup: " + ", ".join(wrong))
    damaged = differing_files(root, manifest.files)
    if damaged:
        raise BackupError(f"After the restore, these files of {root} differ from the backup: "
                          + ", ".join(damaged[:5]))
    return RestoreReport(archive=archive, manifest=manifest, storage=root,
                         other_tables=sorted(set(counts) - set(manifest.tables)))


# --- Commands (registered in core/cli.py) ---------------------------------------------------------


def database_error(error: SQLAlchemyError) -> str:
    """What the database driver said, without SQLAlchemy's wrapping."""
    return str(getattr(error, "orig", None) or error).strip()


@click.command("backup")
@click.option("--output", "-o", type=click.Path(), default=None,
              help="The archive to write, or a folder for civique-backup-YYYYmmdd-HHMMSS.tar.gz "
                   "(default: the current folder).")
@with_appcontext
def backup_command(output: str | None):
    """Back up the database and the uploaded files into one archive, while the site runs."""
    try:
        report = make_backup(output)
    except SQLAlchemyError as error:
        raise BackupError(f"The database could not be read: {database_error(error)}") from None
    click.echo(f"Backup written to {report.archive} ({human_size(report.size)}):")
    for line in report.manifest.describe():
        click.echo(f"  {line}")


@click.command("restore")
@click.argument("archive", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True,
              help="Replace the database and files of an instance that already holds data.")
@with_appcontext
def restore_command(archive: Path, force: bool):
    """Put a backup made by `backup` back into this instance, and check every row and file.

    Stop the site and the worker first; restart them afterwards.
    """
    try:
        report = restore_backup(archive, force=force)
    except SQLAlchemyError as error:
        raise BackupError(f"The database could not be reached: {database_error(error)}") from None
    manifest = report.manifest
    made = datetime.fromisoformat(manifest.created_at)
    click.echo(f"Restored {report.archive} (made {made:%Y-%m-%d %H:%M:%S} UTC by Civique "
               f"{manifest.civique_version}):")
    for line in manifest.describe():
        click.echo(f"  {line}")
    click.echo("  checked: every table has the rows of the backup, every file "
               f"(in {report.storage}) its checksum.")
    if report.other_tables:
        click.echo("  tables of this instance the backup does not have were left as they were: "
                   + ", ".join(report.other_tables))
    click.echo("If this version of Civique is newer than the backup's, run "
               "`flask --app core db upgrade` before starting the site.")
