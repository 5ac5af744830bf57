"""``flask --app core scaffold NAME``: start a new plugin as its own installable package.

The command writes ``civique-<name>/`` (in the current folder, or ``--directory``): a
distribution declaring the ``civique.plugins`` entry point, and a package ``civique_<name>`` with
the rooms of every Civique plugin — its manifest (``__init__.py``: content type, permission,
pages, navigation, administration page), ``workflow.py``, ``models.py``, ``forms.py``,
``views.py``, ``staff.py``, ``cli.py``, ``data.py``, ``demo.py``, templates extending
``core/base.html``, its first migration on its own Alembic branch (``migrations/versions/``) and
gettext catalogs (fr, en, de) — with tests that use Civique's fixtures. The files come from
``core/scaffold_template/``; the catalogs are written from :data:`MESSAGES`.

The command is Flask's (the ``flask.commands`` entry point), so it runs without the site's
production settings: it serves no page. The new name is checked against a Civique app created
with a throwaway secret key.
"""

from __future__ import annotations

import importlib.util
import keyword
import re
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from flask import current_app, has_app_context

TEMPLATE_DIR = Path(__file__).resolve().parent / "scaffold_template"
# Where Civique's own plugins live (read as folders only: the core never imports a plugin).
BUILTIN_PLUGINS_DIR = Path(__file__).resolve().parent.parent / "plugins"
TEMPLATE_SUFFIX = ".tmpl"
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
# Table and index names start with the plugin's name and must fit PostgreSQL's 63 characters.
MAX_NAME_LENGTH = 30
LANGUAGES = ("fr", "en", "de")

# The generated plugin's strings: English msgid, then French and German. ``None`` as msgid stands
# for the plugin's title, which only its author can translate (left empty in fr and de).
MESSAGES: tuple[tuple[str | None, str, str], ...] = (
    (None, "", ""),
    ("Entry", "Article", "Beitrag"),
    ("Entries", "Articles", "Beiträge"),
    ("Publish entries", "Publier des articles", "Beiträge veröffentlichen"),
    ("Title", "Titre", "Titel"),
    ("Please give a title.", "Veuillez indiquer un titre.", "Bitte geben Sie einen Titel an."),
    ("The title must be at most %(max)d characters long.",
     "Le titre doit comporter au plus %(max)d caractères.",
     "Der Titel darf höchstens %(max)d Zeichen lang sein."),
    ("Text", "Texte", "Text"),
    ("Markdown is accepted: **bold**, *italics*, lists, links.",
     "Le format Markdown est accepté : **gras**, *italique*, listes, liens.",
     "Markdown ist möglich: **fett**, *kursiv*, Listen, Links."),
    ("Please write the text.", "Veuillez écrire le texte.", "Bitte schreiben Sie den Text."),
    ("Your entry is published.", "Votre article est publié.", "Ihr Beitrag ist veröffentlicht."),
    ("New entry", "Nouvel article", "Neuer Beitrag"),
    ("No entry published yet.", "Aucun article publié pour le moment.",
     "Noch kein Beitrag veröffentlicht."),
    ("Published on %(date)s", "Publié le %(date)s", "Veröffentlicht am %(date)s"),
    ("Publish", "Publier", "Veröffentlichen"),
    ("Back to the list", "Retour à la liste", "Zurück zur Liste"),
    ("Draft", "Brouillon", "Entwurf"),
    ("Published", "Publié", "Veröffentlicht"),
    ("Entries published", "Articles publiés", "Veröffentlichte Beiträge"),
    ("The published entries: their title and date of publication.",
     "Les articles publiés : leur titre et leur date de publication.",
     "Die veröffentlichten Beiträge: ihr Titel und ihr Veröffentlichungsdatum."),
)


class ScaffoldError(ValueError):
    """The plugin cannot be created; the message says why and what to do."""


@dataclass(frozen=True)
class PluginNames:
    """Every name derived from the plugin's name."""

    name: str

    @property
    def package(self) -> str:
        return f"civique_{self.name}"

    @property
    def distribution(self) -> str:
        return "civique-" + self.name.replace("_", "-")

    @property
    def title(self) -> str:
        return self.name.replace("_", " ").capitalize()

    @property
    def url_prefix(self) -> str:
        return "/" + self.name.replace("_", "-")


# --- Checking the name ---------------------------------------------------------------------------


def check_name(name: str, app) -> None:
    """Raise :class:`ScaffoldError` unless ``name`` can be a new plugin's name in ``app``."""
    if keyword.iskeyword(name):
        raise ScaffoldError(
            f"'{name}' is a Python keyword and cannot name a plugin; choose another name."
        )
    if not NAME_PATTERN.fullmatch(name):
        raise ScaffoldError(
            f"'{name}' is not a valid plugin name: use lowercase letters, digits and underscores, "
            "starting with a letter (for example: bike_racks)."
        )
    if len(name) > MAX_NAME_LENGTH:
        raise ScaffoldError(
            f"'{name}' is too long for a plugin name: use at most {MAX_NAME_LENGTH} characters "
            "(table names start with it)."
        )
    installed = app.extensions["civique.plugins"].installed
    if name in installed:
        packages = ", ".join(c.distribution for c in installed[name])
        raise ScaffoldError(
            f"A plugin named '{name}' is already installed (package: {packages}); "
            "choose another name."
        )
    if (BUILTIN_PLUGINS_DIR / name).exists():
        raise ScaffoldError(
            f"Civique has a built-in plugin named '{name}' (plugins/{name}); choose another name."
        )
    if name in app.blueprints or name in app.cli.commands or name == "static":
        raise ScaffoldError(
            f"'{name}' is used by the core (pages or commands); choose another name."
        )
    if name.upper() in app.config:
        raise ScaffoldError(
            f"'{name}' is a configuration key of the core ({name.upper()}); choose another name."
        )
    names = PluginNames(name)
    if importlib.util.find_spec(names.package) is not None:
        raise ScaffoldError(
            f"A Python package named '{names.package}' is already installed; choose another name."
        )


# --- Writing the files ---------------------------------------------------------------------------


def core_migration_head() -> str:
    """The revision of the core's migration branch that a new plugin's first revision needs."""
    from alembic.script import ScriptDirectory

    migrations = Path(__file__).resolve().parent / "migrations"
    script = ScriptDirectory(str(migrations), version_locations=[str(migrations / "versions")])
    heads = script.get_heads()
    if len(heads) != 1:
        raise ScaffoldError(f"The core's migrations have {len(heads)} heads; expected one.")
    return heads[0]


def template_values(names: PluginNames) -> dict[str, str]:
    from . import __version__

    return {
        "name": names.name,
        "package": names.package,
        "distribution": names.distribution,
        "title": names.title,
        "url_prefix": names.url_prefix,
        "civique_version": __version__,
        "core_head": core_migration_head(),
        "create_date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
    }


def output_path(template: Path, names: PluginNames) -> Path:
    """Where a template file goes: ``package`` becomes the package, ``plugin`` the plugin name."""
    parts = []
    relative = template.relative_to(TEMPLATE_DIR)
    for part in relative.parts[:-1]:
        parts.append({"package": names.package, "plugin": names.name}.get(part, part))
    filename = relative.name.removesuffix(TEMPLATE_SUFFIX)
    if filename.startswith("plugin_"):
        filename = names.name + filename.removeprefix("plugin")
    elif filename.startswith("test_plugin"):
        filename = f"test_{names.name}" + filename.removeprefix("test_plugin")
    return Path(*parts, filename)


def write_catalogs(package_dir: Path, names: PluginNames) -> list[Path]:
    """Write ``translations/messages.pot`` and the fr, en and de catalogs of the new plugin."""
    folder = package_dir / "translations"
    now = datetime.now(timezone.utc)
    written = []
    for language in (None, *LANGUAGES):
        what = f"{language} catalog" if language else "Message template"
        catalog = Catalog(
            locale=language,
            header_comment=(
                f"# {what} of {names.distribution}, a Civique plugin.\n"
                "# Distributed under the GNU AGPL, version 3 or later, like the plugin."
            ),
            project=names.distribution,
            version="0.1.0",
            msgid_bugs_address=f"the developers of {names.distribution}",
            creation_date=now,
            revision_date=now,
            last_translator="flask --app core scaffold",
            language_team=f"{names.distribution} translators",
            charset="utf-8",
            fuzzy=False,
        )
        for msgid, french, german in MESSAGES:
            msgid = msgid if msgid is not None else names.title
            translation = {"fr": french, "de": german, "en": msgid, None: ""}[language]
            flags = ("python-format",) if "%(" in msgid else ()
            catalog.add(msgid, translation, flags=flags)
        if language is None:
            path = folder / "messages.pot"
        else:
            path = folder / language / "LC_MESSAGES" / "messages.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as output:
            write_po(output, catalog, omit_header=False, sort_output=True)
        written.append(path)
    return written


def create_plugin(name: str, directory: Path, app) -> Path:
    """Check ``name``, write the new plugin's distribution under ``directory``, return its path."""
    check_name(name, app)
    names = PluginNames(name)
    target = Path(directory) / names.distribution
    if target.exists():
        raise ScaffoldError(f"{target} already exists; remove it or choose another --directory.")
    values = template_values(names)
    templates = sorted(p for p in TEMPLATE_DIR.rglob(f"*{TEMPLATE_SUFFIX}") if p.is_file())
    for template in templates:
        destination = target / output_path(template, names)
        destination.parent.mkdir(parents=True, exist_ok=True)
        text = string.Template(template.read_text(encoding="utf-8")).substitute(values)
        destination.write_text(text, encoding="utf-8")
    write_catalogs(target / names.package, names)
    return target


def _app_for_the_checks():
    """The app whose plugins, pages, commands and settings a new name must not take: the one of
    the current context (tests), or one created for the checks with a throwaway secret key."""
    if has_app_context():
        return current_app
    from . import create_app

    return create_app({"SECRET_KEY": secrets.token_hex(32)})


@click.command("scaffold")
@click.argument("name")
@click.option(
    "--directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Where to create the plugin's folder.",
)
def scaffold_command(name: str, directory: Path):
    """Create a new plugin NAME as an installable package civique-NAME/."""
    try:
        target = create_plugin(name, directory, _app_for_the_checks())
    except ScaffoldError as error:
        raise click.ClickException(str(error)) from None
    names = PluginNames(name)
    click.echo(f"Plugin '{name}' created in {target}.")
    click.echo("Next steps:")
    click.echo(f"  pip install -e {target}")
    click.echo(f"  add {name} to CIVIQUE_PLUGINS, then: flask --app core db upgrade")
    click.echo(f"  its pages: {names.url_prefix}/ ; its tests: pytest {target / 'tests'}")
