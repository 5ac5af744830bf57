"""The administration: accounts and roles, permissions, audit log, settings, neighbourhoods and
categories, and the pages plugins add through the ``admin_pages`` hook (listed on its home
page, and beside every administration page through ``admin_pages()`` in templates)."""

from flask_babel import lazy_gettext as _l

from ..declarations import AdminPage
from ..hookspecs import hookimpl


@hookimpl
def register_blueprints(app):
    from .views import bp

    return [bp]


@hookimpl
def template_variables():
    from .views import may_open_the_administration, visible_pages

    return {"admin_pages": visible_pages, "may_open_the_administration": may_open_the_administration}


@hookimpl
def admin_pages(user):
    return [
        AdminPage(_l("Accounts and roles"), "admin.users", "admin.users",
                  _l("Find an account, give or remove roles."), order=10),
        AdminPage(_l("Permissions"), "admin.permissions", "admin.permissions",
                  _l("Which role may do what."), order=20),
        AdminPage(_l("Audit log"), "admin.audit", "admin.audit",
                  _l("Every action of staff and admins."), order=30),
        AdminPage(_l("Outgoing mail"), "admin.mail", "admin.mail",
                  _l("Mail waiting or sent, and what did not leave: send it again."), order=35),
        AdminPage(_l("Neighbourhoods and categories"), "admin.taxonomy", "admin.taxonomy",
                  _l("The lists shared by every part of the site."), order=40),
        AdminPage(_l("Settings"), "admin.settings", "admin.settings",
                  _l("The settings of each participation tool."), order=50),
    ]
