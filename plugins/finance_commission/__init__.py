"""``finance_commission``: the city's finances made readable, and the extra-municipal finance
commission open to residents.

This module is the plugin's manifest: everything it declares to the core at a glance. The
rooms of the plugin are:

- ``models.py``: the tables (years of accounts and their lines, comparable cities' averages,
  residents' questions);
- ``mapping.py``: the account-to-aggregate mapping, a documented table;
- ``indicators.py``: the legal ratios (CGCT art. R2313-1), savings and debt capacity;
- ``importer.py``: importing a year from CSV (SCDL budget format or the simple format;
  examples in ``samples/``); ``ledger.py``: reading the accounts back;
- ``forms.py``, ``views.py`` (public pages under ``/finances/``), ``staff.py`` (the city's
  pages), ``templates/``;
- ``data.py``: personal data, open data (valid SCDL export), statistics; ``demo.py``;
- ``migrations/versions/``: the plugin's own Alembic branch; ``translations/``: its catalogs.

The commission itself (members, meetings, agenda, documents, minutes) is the core's "bodies and
meetings" service; questions use the core's workflow, answers, follows, moderation and search.
"""

from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l

from core.content import ContentType, State, Transition, Workflow
from core.declarations import AdminPage, NavItem, PermissionSpec, RoleSpec, SettingSpec
from core.hookspecs import hookimpl

from .models import ANSWER, MANAGE, MODERATE, Question

NAME = "finance_commission"
HERE = Path(__file__).resolve().parent
COMMISSION_SLUG = "commission"

WORKFLOW = Workflow(
    states=(
        State("pending", _l("Awaiting moderation"), public=False),
        State("declined", _l("Not published"), public=False),
        State("published", _l("Awaiting the commission's answer")),
        State("answered", _l("Answered")),
    ),
    initial="pending",
    transitions=(
        Transition("approve", _l("Publish the question"), ("pending",), "published", MODERATE),
        Transition("decline", _l("Do not publish"), ("pending",), "declined", MODERATE, comment_required=True),
    ),
)

QUESTION = ContentType(
    name=Question.content_type_name,
    label=_l("Question on the city's finances"),
    label_plural=_l("Questions on the city's finances"),
    model=Question,
    endpoint="finance_commission.question",
    services=frozenset({"workflow", "answers", "follows", "moderation", "search"}),
    workflow=WORKFLOW,
    comments_open=lambda question: False,
)


@hookimpl
def register_content_types():
    return [QUESTION]


@hookimpl
def register_roles():
    return [RoleSpec("commission_member", _l("Finance commission member"),
                     _l("Answers residents' questions on behalf of the finance commission."))]


@hookimpl
def register_permissions():
    return [
        PermissionSpec(MANAGE, _l("Import the city's accounts and run the finance commission"), ("staff", "admin")),
        PermissionSpec(ANSWER, _l("Answer residents' questions for the finance commission"),
                       ("commission_member", "staff", "admin")),
        PermissionSpec(MODERATE, _l("Moderate residents' questions on the city's finances"),
                       ("moderator", "staff", "admin")),
    ]


@hookimpl
def register_settings():
    return [
        SettingSpec("siret", _l("SIRET number of the city"), "",
                    help=_l("Written in the open-data export of the accounts (SCDL field BGT_SIRET) when the "
                            "imported file does not give it.")),
        SettingSpec("questions_open", _l("Residents may ask the commission questions"), True, type="bool"),
    ]


@hookimpl
def register_blueprints(app):
    from . import staff, views  # noqa: F401  (staff.py adds the city's pages to the blueprint)

    return [views.bp]


@hookimpl
def nav_items(user):
    return [NavItem(_l("City finances"), "finance_commission.index", order=40)]


@hookimpl
def admin_pages(user):
    return [
        AdminPage(_l("Import the city's accounts"), "finance_commission.import_accounts", MANAGE,
                  _l("Import a year's accounts (SCDL budget file or simple CSV) and the averages of comparable cities."),
                  order=40),
        AdminPage(_l("Finance questions to moderate"), "finance_commission.moderation_queue", MODERATE,
                  _l("Residents' questions on the city's finances waiting to be published."), order=41),
    ]


@hookimpl
def export_user_data(user):
    from .data import export_user_data as export

    return export(user)


@hookimpl
def erase_user_data(user):
    from .data import erase_user_data as erase

    erase(user)


@hookimpl
def open_data_datasets():
    from .data import datasets

    return datasets()


@hookimpl
def public_statistics():
    from .data import statistics

    return statistics()


@hookimpl
def migration_dirs():
    return [str(HERE / "migrations" / "versions")]


@hookimpl
def translation_dirs():
    return [str(HERE / "translations")]


@hookimpl
def load_demo_data(demo):
    from .demo import load

    load(demo)
