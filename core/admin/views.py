"""Administration pages."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..declarations import AdminPage
from ..hookspecs import hookimpl
from ..permissions import permission_required
from ..plugins import collect

bp = Blueprint("admin", __name__, url_prefix="/admin")


@hookimpl
def admin_pages(user):
    return [
        AdminPage(_l("Accounts and roles"), "admin.users", "admin.users",
                  _l("Find an account, give or remove roles."), order=10),
        AdminPage(_l("Permissions"), "admin.permissions", "admin.permissions",
                  _l("Which role may do what."), order=20),
        AdminPage(_l("Audit log"), "admin.audit", "admin.audit",
                  _l("Every action of staff and admins."), order=30),
        AdminPage(_l("Neighbourhoods and categories"), "admin.taxonomy", "admin.taxonomy",
                  _l("The lists shared by every part of the site."), order=40),
        AdminPage(_l("Settings"), "admin.settings", "admin.settings",
                  _l("The settings of each participation tool."), order=50),
    ]


@bp.get("/")
@permission_required("admin.access")
def index():
    pages = [
        page for page in collect("admin_pages", user=current_user)
        if current_user.can(page.permission)
    ]
    pages.sort(key=lambda page: (page.order, str(page.label)))
    return render_template("admin/index.html", pages=pages)
