"""``finance_commission``: the city's finances made readable, and the extra-municipal finance
commission open to residents.

This module is the plugin's manifest: what it declares to the core, at a glance — its content
type, role, permissions, settings, pages, navigation, administration pages and template
variables. The core finds the rest of the plugin by convention, in rooms every plugin has:

- ``workflow.py``: the life of a resident's question (states, transitions) and the names the
  rooms share (permissions, ``NAME``, ``COMMISSION_SLUG``);
- ``models.py``: the tables (years of accounts and their lines, comparable cities' averages,
  residents' questions);
- ``mapping.py``: the account-to-aggregate mapping, a documented table;
- ``indicators.py``: the legal ratios (CGCT art. R2313-1), savings and debt capacity;
- ``importer.py``: importing a year from CSV (SCDL budget format or the simple format;
  examples in ``samples/``); ``ledger.py``: reading the accounts back;
- ``forms.py``, ``views.py`` (public pages under ``/finances/``), ``staff.py`` (the city's
  pages, blueprint ``finance_commission_staff``, same addresses), ``templates/``;
- ``cli.py``: ``flask --app core finance_commission import ...``; ``data.py``: personal data,
  open data (valid SCDL export), statistics; ``demo.py``: the demo city's finances (the core
  registers these three);
- ``migrations/versions/``: the plugin's own Alembic branch; ``translations/``: its catalogs
  (the core finds both folders).

The commission itself (members, meetings, agenda, documents, minutes) is the core's "bodies and
meetings" service; questions use the core's workflow, answers, follows, moderation and search.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.content import ContentType
from core.declarations import AdminPage, NavItem, PermissionSpec, RoleSpec, SettingSpec
from core.hookspecs import hookimpl

from .models import Question
from .workflow import ANSWER, MANAGE, MODERATE, WORKFLOW

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
    from . import staff, views

    return [views.bp, staff.bp]


@hookimpl
def template_variables():
    from .views import formatted

    # ``finance_value(value, unit)``: an indicator's value in the visitor's language, with its unit.
    return {"finance_value": formatted}


@hookimpl
def audit_actions():
    return {
        "finance_commission.accounts_imported": _l("Finances: accounts imported"),
        "finance_commission.accounts_replaced": _l("Finances: accounts replaced"),
        "finance_commission.comparison_saved": _l("Finances: comparison with similar cities saved"),
    }


@hookimpl
def plugin_title():
    return _l("City finances")


@hookimpl
def nav_items(user):
    return [NavItem(_l("City finances"), "finance_commission.index", order=40, icon="piggy-bank",
                    description=_l("Where the money comes from and goes, and questions to the commission."))]


@hookimpl
def admin_pages(user):
    return [
        AdminPage(_l("Import the city's accounts"), "finance_commission_staff.import_accounts", MANAGE,
                  _l("Import a year's accounts (SCDL budget file or simple CSV) and the averages of comparable cities."),
                  order=40),
        AdminPage(_l("Finance questions to moderate"), "finance_commission_staff.moderation_queue", MODERATE,
                  _l("Residents' questions on the city's finances waiting to be published."), order=41),
    ]
