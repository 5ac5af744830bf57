"""``council_draw``: citizens' councils drawn by lot, fairly and verifiably.

Residents volunteer through a public call (or are imported from paper forms); the city draws
each college's members under quotas (gender parity, age bands, neighbourhoods, its own
features) with the LEXIMIN algorithm of Flanigan et al. (2021), which gives every candidate as
equal a chance as the quotas allow, or with the classic greedy algorithm. The pool
(pseudonymised), the quotas, the algorithm and the probabilities are published before a public
ceremony where a seed is entered in front of witnesses; anyone can then re-run the draw with
``flask --app core council_draw verify record.json``. Drawn members accept or decline by e-mail;
a ranked reserve list replaces those who leave, keeping the quotas.

This module is the plugin's manifest: what it declares to the core, at a glance — its role and
permissions, settings, pages, navigation, administration page, template helpers and jobs. The
core finds the rest of the plugin by convention, in its rooms:

- ``workflow.py``: the lives of a draw and of a drawn member, and the names the rooms share;
- ``models.py``: councils, colleges, features, quotas, candidates, draws, members;
- ``selection/``: the algorithms, the seeded sampler and the public record (pure Python);
- ``eligibility.py`` (flags), ``draws.py`` (prepare, publish, ceremony, answers, replacements),
  ``importer.py`` (CSV import), ``councils.py`` (setting a council up);
- ``forms.py``, ``views.py`` (public pages), ``staff.py`` (the city's pages), ``templates/``;
- ``cli.py``: ``verify``; ``data.py``: personal data (export, erasure, retention), open data,
  statistics; ``demo.py``: the demo city's council (the core registers these three);
- ``migrations/versions/``: the plugin's Alembic branch; ``translations/``: its catalogs (the
  core finds both folders).
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from core.declarations import AdminPage, NavItem, PermissionSpec, RoleSpec, SearchSource, SettingSpec
from core.hookspecs import hookimpl

from .workflow import CANDIDATES, DRAW_LIFE, MANAGE, MEMBER_LIFE, OFFICER, status_label

ERASE_JOB = "council_draw.erase_expired"


@hookimpl
def register_roles():
    return [RoleSpec(OFFICER, _l("Citizens' councils officer"),
                     _l("Runs the calls and draws of citizens' councils and sees the candidates' "
                        "personal data."))]


@hookimpl
def register_permissions():
    return [
        PermissionSpec(MANAGE, _l("Set up citizens' councils, their calls and their draws"),
                       (OFFICER, "admin")),
        PermissionSpec(CANDIDATES, _l("See the personal data of citizens' council candidates"),
                       (OFFICER,)),
    ]


@hookimpl
def register_settings():
    return [
        SettingSpec(
            "retention_months", _l("Months candidates' personal data is kept after the term"),
            3, type="int", minimum=0, maximum=120,
            help=_l("Then it is erased; the anonymous record of the draw stays public."),
        ),
        SettingSpec(
            "background_pool_size",
            _l("Pools from this many candidates are computed by the background worker"),
            1000, type="int", minimum=0, maximum=100000,
            help=_l("Smaller pools are computed at once (a fraction of a second for 600 "
                    "candidates and quotas on three features); larger ones may take minutes, and "
                    "the officer is notified when they are ready. 0: always in the background."),
        ),
        SettingSpec(
            "time_limit_minutes", _l("Longest time the worker spends computing a draw's chances"),
            20, type="int", minimum=1, maximum=25,
            help=_l("A computation that takes longer is stopped and the officer told why."),
        ),
    ]


@hookimpl
def register_blueprints(app):
    from . import staff, views

    return [views.bp, staff.bp]


@hookimpl
def audit_actions():
    return {
        "council_draw.answer_recorded": _l("Draw: a member's answer recorded"),
        "council_draw.candidate_pool_changed": _l("Draw: candidates changed"),
        "council_draw.candidate_viewed": _l("Draw: a candidate's file read"),
        "council_draw.candidates_imported": _l("Draw: candidates imported"),
        "council_draw.candidates_viewed": _l("Draw: list of candidates read"),
        "council_draw.ceremony_held": _l("Draw: ceremony held"),
        "council_draw.college_created": _l("Council: college created"),
        "council_draw.college_deleted": _l("Council: college deleted"),
        "council_draw.college_updated": _l("Council: college changed"),
        "council_draw.council_created": _l("Council created"),
        "council_draw.council_updated": _l("Council changed"),
        "council_draw.draw_cancelled": _l("Draw cancelled"),
        "council_draw.draw_failed": _l("Draw: chances could not be computed"),
        "council_draw.draw_prepared": _l("Draw prepared"),
        "council_draw.draw_published": _l("Draw published"),
        "council_draw.draw_queued": _l("Draw: chances queued for the background worker"),
        "council_draw.feature_created": _l("Council: quota criterion created"),
        "council_draw.feature_deleted": _l("Council: quota criterion deleted"),
        "council_draw.feature_updated": _l("Council: quota criterion changed"),
        "council_draw.member_replaced": _l("Draw: member replaced from the reserve"),
        "council_draw.member_withdrawn": _l("Draw: member withdrawn"),
        "council_draw.personal_data_erased": _l("Council: candidates' personal data erased"),
        "council_draw.quotas_updated": _l("Council: quotas changed"),
    }


@hookimpl
def plugin_title():
    return _l("Citizens' councils")


@hookimpl
def nav_items(user):
    return [NavItem(_l("Citizens' councils"), "council_draw.index", order=30, icon="users",
                    description=_l("Volunteer for a council of residents drawn by lot."))]


@hookimpl
def admin_pages(user):
    return [
        AdminPage(_l("Citizens' councils"), "council_draw_staff.manage_index", MANAGE,
                  _l("Councils, calls for candidates, quotas, draws and replacements."), order=40),
    ]


@hookimpl
def template_variables():
    """A probability as the pages show it, and the labels of the draws' and members' statuses."""
    from .views import council_percent

    return {
        "council_percent": council_percent,
        "council_draw_status": lambda status: status_label(DRAW_LIFE, status),
        "council_member_status": lambda status: status_label(MEMBER_LIFE, status),
    }


@hookimpl
def register_jobs():
    from .data import erase_expired
    from .draws import COMPUTE_JOB, compute

    return {ERASE_JOB: lambda **payload: erase_expired(), COMPUTE_JOB: compute}


@hookimpl
def scheduled_jobs():
    from core.jobs import Schedule

    return [Schedule(ERASE_JOB, timedelta(days=1), ERASE_JOB)]


def _council_neighbourhood(council) -> int | None:
    return council.neighbourhoods[0].id if len(council.neighbourhoods) == 1 else None


@hookimpl
def search_sources():
    """Published councils, found by their name, description and call for candidates."""
    from flask import url_for

    from .models import Council

    return [SearchSource(
        "council_draw.council", _l("Citizens' council"), _l("Citizens' councils"), Council,
        url=lambda council: url_for("council_draw.council", id=council.id),
        title=lambda council: council.name,
        text=lambda council: "\n".join(filter(None, [council.description, council.call_text])),
        is_public=lambda council: council.is_published, neighbourhood_id=_council_neighbourhood,
    )]
