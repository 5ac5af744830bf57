"""Administration pages: accounts and roles, the permission matrix, the audit log,
neighbourhoods and categories, and the plugins' settings.

Every page checks its own permission (``admin.users``, ``admin.permissions``...), and every
change is written to the audit log in the same commit as the change itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from flask import (
    Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for,
)
from flask_babel import gettext as _, lazy_gettext as _l, ngettext, to_utc
from flask_babel.speaklater import LazyString
from flask_login import current_user
from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..accounts.models import User, UserRole
from ..services.audit import AuditEntry, action_label, record
from ..content import registry
from ..database import db
from ..declarations import AdminPage, SettingSpec
from ..demo import slugify
from ..events import RoleChanged, emit
from ..mail import OutboxMessage, send_again
from ..pagecache import expire_visitor_pages
from ..permissions import (
    PermissionOverride, all_permissions, all_roles, forget_grants, grants, login_required,
    permission_required,
)
from ..plugins import collect, manager
from ..settings import SettingValue, declared_settings, get_setting, save_setting
from ..taxonomy import Category, Neighbourhood
from ..web import whole_number
from . import forms

bp = Blueprint("admin", __name__, url_prefix="/admin")

PER_PAGE = 25
AUDIT_PER_PAGE = 50
IMPLICIT_ROLE = "resident"


def visible_pages() -> list[AdminPage]:
    """The administration pages the current user may open, in their declared order."""
    if "_civique_admin_pages" not in g:
        pages = [
            page for page in collect("admin_pages", user=current_user)
            if current_user.can(page.permission)
        ]
        g._civique_admin_pages = sorted(pages, key=lambda page: (page.order, str(page.label)))
    return g._civique_admin_pages


def page_number() -> int:
    """The page asked for in the query string (1 when missing or not a number)."""
    return whole_number(request.args.get("page"), 0) or 1


def may_open_the_administration() -> bool:
    """Whether the current user may open the administration home: holders of
    ``admin.access``, and anyone who may open one of its pages (a council officer, say)."""
    return current_user.is_authenticated and (current_user.can("admin.access")
                                              or bool(visible_pages()))


@bp.get("/")
@login_required
def index():
    """The administration home: the pages this person may open."""
    if not may_open_the_administration():
        abort(403)
    return render_template("admin/index.html", pages=visible_pages())


# --- Accounts and roles -----------------------------------------------------------------------


def assignable_roles() -> dict[str, Any]:
    """The declared roles an admin can give (``resident`` is implicit, never stored)."""
    return {name: spec for name, spec in all_roles().items() if name != IMPLICIT_ROLE}


@bp.get("/users")
@permission_required("admin.users")
def users():
    """The accounts, searched by name or address and filtered by role."""
    roles = assignable_roles()
    form = forms.AccountSearchForm(request.args)
    form.role.choices = [("", _("All roles"))] + [
        (name, spec.label) for name, spec in roles.items()
    ]
    form.validate()
    query = (db.select(User).options(selectinload(User.role_grants))
             .order_by(func.lower(User.display_name), User.id))
    terms = (form.q.data or "").strip() if not form.q.errors else ""
    if terms:
        query = query.where(or_(User.display_name.icontains(terms, autoescape=True),
                                User.email.icontains(terms.lower(), autoescape=True)))
    role = form.role.data if form.role.data in roles else ""
    if role:
        query = query.where(User.id.in_(db.select(UserRole.user_id).where(UserRole.role == role)))
    page = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
    filters = {key: value for key, value in (("q", terms), ("role", role)) if value}
    return render_template("admin/users.html", form=form, page=page, filters=filters,
                           roles=all_roles())


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@permission_required("admin.users")
def user_roles(user_id: int):
    """One account: what it is, its roles (editable) and the latest changes made to it."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    declared = assignable_roles()
    held = {grant.role for grant in user.role_grants}
    form = forms.RolesForm()
    form.roles.choices = [(name, spec.label) for name, spec in declared.items()]
    if request.method == "GET":
        form.roles.data = sorted(held & declared.keys())
    if request.method == "POST" and user.deleted_at is not None:
        flash(_("This account was deleted: its roles can no longer be changed."), "error")
        return redirect(url_for("admin.user_roles", user_id=user.id))
    if form.validate_on_submit():
        wanted = set(form.roles.data or ())
        added = wanted - held
        removed = (held & declared.keys()) - wanted
        if user.id == current_user.id and "admin" in removed:
            form.roles.errors.append(
                _("You cannot remove your own administrator role. Ask another administrator "
                  "to do it, so that the site always keeps one.")
            )
        elif not added and not removed:
            flash(_("Nothing changed: the roles were already these."), "info")
            return redirect(url_for("admin.user_roles", user_id=user.id))
        else:
            change_roles(user, added, removed)
            flash(_("The roles of %(name)s are saved.", name=user.display_name), "success")
            return redirect(url_for("admin.user_roles", user_id=user.id))
    history = db.session.scalars(
        db.select(AuditEntry)
        .where(AuditEntry.object_type == User.__tablename__, AuditEntry.object_id == str(user.id))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(20)
    ).all()
    undeclared = sorted(held - declared.keys())
    return render_template("admin/user.html", user=user, form=form, roles=declared,
                           undeclared=undeclared, history=history)


def change_roles(user: User, added: set[str], removed: set[str]) -> None:
    """Give and remove roles, audit each change, and commit: the plugins are told then.

    A removed role stops working on the person's next request (roles are read from the
    database on each request), so their session is kept.
    """
    for role in sorted(added):
        user.role_grants.append(UserRole(role=role))
        record("accounts.role_granted", user,
               summary=_l("Role %(role)s given to %(name)s", role=role, name=user.display_name),
               role=role)
    for grant in [grant for grant in user.role_grants if grant.role in removed]:
        user.role_grants.remove(grant)
        record("accounts.role_removed", user,
               summary=_l("Role %(role)s removed from %(name)s", role=grant.role,
                          name=user.display_name),
               role=grant.role)
    for role in sorted(added):
        emit(RoleChanged(user_id=user.id, role=role, granted=True, actor_id=current_user.id))
    for role in sorted(removed):
        emit(RoleChanged(user_id=user.id, role=role, granted=False, actor_id=current_user.id))
    db.session.commit()


# --- Permissions ------------------------------------------------------------------------------


@bp.route("/permissions", methods=["GET", "POST"])
@permission_required("admin.permissions")
def permissions():
    """The matrix of every declared permission against every role."""
    specs = sorted(all_permissions().values(), key=lambda spec: spec.name)
    roles = list(all_roles().values())
    held = grants()
    form = forms.PermissionMatrixForm()
    form.grants.choices = [
        (forms.grant_key(role.name, spec.name), f"{role.name} {spec.name}")
        for spec in specs for role in roles
    ]
    if request.method == "GET":
        form.grants.data = [
            forms.grant_key(role.name, spec.name)
            for spec in specs for role in roles if role.name in held.get(spec.name, set())
        ]
    if form.validate_on_submit():
        wanted = set(form.grants.data or ())
        if not keeps_own_access(wanted):
            form.grants.errors.append(
                _("Your own roles must keep the permissions “%(access)s” and “%(matrix)s”, "
                  "or you could no longer open this page.",
                  access=all_permissions()["admin.access"].label,
                  matrix=all_permissions()["admin.permissions"].label)
            )
        else:
            changed = save_matrix(specs, roles, held, wanted)
            forget_grants()
            # Every process keeps the grants while the kept pages last: they go together.
            expire_visitor_pages()
            if changed:
                flash(ngettext("%(num)d permission changed.", "%(num)d permissions changed.",
                               changed), "success")
            else:
                flash(_("Nothing changed: the permissions were already these."), "info")
            return redirect(url_for("admin.permissions"))
    defaults = {spec.name: set(spec.default_roles) for spec in specs}
    checked = set(form.grants.data or ())
    return render_template("admin/permissions.html", form=form, specs=specs, roles=roles,
                           checked=checked, defaults=defaults, key=forms.grant_key)


def keeps_own_access(wanted: set[str]) -> bool:
    """Whether the current user, with the grants ``wanted``, can still open the matrix."""
    needed = ("admin.access", "admin.permissions")
    return all(
        any(forms.grant_key(role, permission) in wanted for role in current_user.role_names)
        for permission in needed
    )


def save_matrix(specs, roles, held: dict[str, set[str]], wanted: set[str]) -> int:
    """Store the overrides that differ from the defaults, drop the others, audit each change.

    Returns how many grants changed.
    """
    overrides = {
        (row.role, row.permission): row
        for row in db.session.scalars(db.select(PermissionOverride))
    }
    changed = 0
    for spec in specs:
        for role in roles:
            want = forms.grant_key(role.name, spec.name) in wanted
            default = role.name in spec.default_roles
            row = overrides.get((role.name, spec.name))
            if want == default:
                if row is not None:
                    db.session.delete(row)
            elif row is None:
                db.session.add(
                    PermissionOverride(role=role.name, permission=spec.name, granted=want)
                )
            else:
                row.granted = want
            if want != (role.name in held.get(spec.name, set())):
                changed += 1
                if want:
                    summary = _l("%(permission)s granted to %(role)s", permission=spec.name,
                                 role=role.name)
                else:
                    summary = _l("%(permission)s removed from %(role)s", permission=spec.name,
                                 role=role.name)
                record(
                    "permissions.granted" if want else "permissions.revoked",
                    object_type="permission", object_id=spec.name,
                    summary=summary,
                    role=role.name, permission=spec.name, default=default,
                )
    db.session.commit()
    return changed


# --- Audit log --------------------------------------------------------------------------------


@bp.get("/audit")
@permission_required("admin.audit")
def audit():
    """The audit log, newest first, filtered by who, what and when."""
    form = forms.AuditFilterForm(request.args)
    actions = db.session.scalars(
        db.select(AuditEntry.action).distinct().order_by(AuditEntry.action)
    ).all()
    form.action.choices = [("", _("All actions"))] + sorted(
        ((action, action_label(action)) for action in actions), key=lambda choice: choice[1])
    page = None
    filters: dict[str, str] = {}
    if form.validate():
        query, filters = filtered_audit(form)
        page = db.paginate(query, page=page_number(), per_page=AUDIT_PER_PAGE, error_out=False)
    return render_template("admin/audit.html", form=form, page=page, filters=filters)


def local_day_start(day: date) -> datetime:
    """The moment the day ``day`` starts in the site's time zone, in UTC."""
    return to_utc(datetime.combine(day, time.min)).replace(tzinfo=timezone.utc)


def filtered_audit(form: forms.AuditFilterForm):
    """The audit entries matching the filters (newest first), and the filters to keep in links."""
    query = db.select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    filters: dict[str, str] = {}
    actor = (form.actor.data or "").strip()
    if actor:
        query = query.join(User, AuditEntry.actor_id == User.id).where(
            or_(User.display_name.icontains(actor, autoescape=True),
                User.email.icontains(actor.lower(), autoescape=True))
        )
        filters["actor"] = actor
    if form.action.data:
        query = query.where(AuditEntry.action == form.action.data)
        filters["action"] = form.action.data
    if form.date_from.data:
        query = query.where(AuditEntry.created_at >= local_day_start(form.date_from.data))
        filters["date_from"] = form.date_from.data.isoformat()
    if form.date_to.data:
        end = local_day_start(form.date_to.data + timedelta(days=1))
        query = query.where(AuditEntry.created_at < end)
        filters["date_to"] = form.date_to.data.isoformat()
    return query, filters


# --- Outgoing mail ----------------------------------------------------------------------------

# How each state of the outbox (core.mail) is named to an admin, in the order they are listed.
MAIL_STATES = {
    "pending": _l("Waiting to be sent"),
    "sending": _l("Being sent"),
    "sent": _l("Sent"),
    "unsure": _l("Unsure: may not have arrived"),
    "failed": _l("Given up"),
}
MAIL_PER_PAGE = 25


@bp.get("/mail")
@permission_required("admin.mail")
def mail():
    """The outbox: how many mails are in each state, since when the oldest one waits, and the
    mails that need a person (unsure or given up), newest first, each with its button to send
    it again."""
    counts = dict.fromkeys(MAIL_STATES, 0)
    for status, number in db.session.execute(
            db.select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)):
        counts["sending" if status == "handing" else status] += number
    oldest_waiting = db.session.scalar(
        db.select(func.min(OutboxMessage.created_at)).where(OutboxMessage.status == "pending"))
    query = (db.select(OutboxMessage)
             .where(OutboxMessage.status.in_(("unsure", "failed")))
             .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()))
    page = db.paginate(query, page=page_number(), per_page=MAIL_PER_PAGE, error_out=False)
    return render_template("admin/mail.html", counts=counts, states=MAIL_STATES, page=page,
                           oldest_waiting=oldest_waiting)


@bp.post("/mail/<int:message_id>/send-again")
@permission_required("admin.mail")
def mail_send_again(message_id: int):
    """Queue once more a mail that is unsure or was given up (the worker sends it)."""
    message = db.session.get(OutboxMessage, message_id, with_for_update=True)
    if message is None:
        abort(404)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    if message.status not in ("unsure", "failed"):
        db.session.rollback()
        flash(_("This mail is no longer unsure or given up: nothing was changed."), "info")
        return redirect(url_for("admin.mail"))
    previous = message.status
    send_again(message)
    record("mail.sent_again", message,
           summary=_l("Mail “%(subject)s” to %(address)s queued again",
                      subject=message.subject, address=message.to_address),
           previous_state=previous)
    db.session.commit()
    flash(_("The mail “%(subject)s” to %(address)s is queued again: the worker sends it at its "
            "next round.", subject=message.subject, address=message.to_address), "success")
    return redirect(url_for("admin.mail"))


# --- Neighbourhoods and categories ------------------------------------------------------------


@dataclass(frozen=True)
class TaxonomyKind:
    """One of the two shared lists, and the words used for it."""

    model: type
    title: Any
    add_label: Any


KINDS = {
    "neighbourhood": TaxonomyKind(Neighbourhood, _l("Neighbourhoods"), _l("Add a neighbourhood")),
    "category": TaxonomyKind(Category, _l("Categories"), _l("Add a category")),
}


def taxonomy_kind(kind: str) -> TaxonomyKind:
    """The list named in the address, or a 404."""
    if kind not in KINDS:
        abort(404)
    return KINDS[kind]


def taxonomy_item(kind: str, item_id: int):
    """The entry of that list, or a 404."""
    item = db.session.get(taxonomy_kind(kind).model, item_id)
    if item is None:
        abort(404)
    return item


@bp.get("/taxonomy")
@permission_required("admin.taxonomy")
def taxonomy():
    """Both lists, in the order residents see them."""
    lists = {
        name: db.session.scalars(
            db.select(kind.model).order_by(kind.model.position, kind.model.name)
        ).all()
        for name, kind in KINDS.items()
    }
    return render_template("admin/taxonomy.html", kinds=KINDS, lists=lists)


@bp.route("/taxonomy/<kind>/new", methods=["GET", "POST"])
@permission_required("admin.taxonomy")
def taxonomy_create(kind: str):
    """Add a neighbourhood or a category."""
    spec = taxonomy_kind(kind)
    form = forms.TaxonomyForm()
    if form.validate_on_submit() and unique_taxonomy_fields(kind, form, None):
        item = spec.model(name="", slug="", position=0)
        fill_taxonomy_item(item, form)
        db.session.add(item)
        if kind == "neighbourhood":
            summary = _l("Neighbourhood %(name)s (%(slug)s) created", name=item.name,
                         slug=item.slug)
        else:
            summary = _l("Category %(name)s (%(slug)s) created", name=item.name, slug=item.slug)
        if commit_taxonomy(form, kind, item, "taxonomy.created", summary, name=item.name,
                           slug=item.slug):
            flash(_("“%(name)s” is added.", name=item.name), "success")
            return redirect(url_for("admin.taxonomy"))
    return render_template("admin/taxonomy_form.html", form=form, kind=kind, spec=spec, item=None)


@bp.route("/taxonomy/<kind>/<int:item_id>", methods=["GET", "POST"])
@permission_required("admin.taxonomy")
def taxonomy_edit(kind: str, item_id: int):
    """Rename an entry, change its short name or its position."""
    spec = taxonomy_kind(kind)
    item = taxonomy_item(kind, item_id)
    form = forms.TaxonomyForm(obj=item)
    if form.validate_on_submit() and unique_taxonomy_fields(kind, form, item):
        before = {"name": item.name, "slug": item.slug, "position": item.position}
        fill_taxonomy_item(item, form)
        after = {"name": item.name, "slug": item.slug, "position": item.position}
        if before == after:
            flash(_("Nothing changed."), "info")
            return redirect(url_for("admin.taxonomy"))
        if kind == "neighbourhood":
            summary = _l("Neighbourhood %(name)s renamed %(new)s", name=before["name"],
                         new=item.name)
        else:
            summary = _l("Category %(name)s renamed %(new)s", name=before["name"], new=item.name)
        if commit_taxonomy(form, kind, item, "taxonomy.renamed", summary, before=before,
                           after=after):
            flash(_("“%(name)s” is saved.", name=item.name), "success")
            return redirect(url_for("admin.taxonomy"))
    return render_template("admin/taxonomy_form.html", form=form, kind=kind, spec=spec, item=item)


@bp.route("/taxonomy/<kind>/<int:item_id>/delete", methods=["GET", "POST"])
@permission_required("admin.taxonomy")
def taxonomy_delete(kind: str, item_id: int):
    """Ask for confirmation (GET) and delete (POST); what used the entry is kept, unfiled."""
    spec = taxonomy_kind(kind)
    item = taxonomy_item(kind, item_id)
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        name = item.name
        if kind == "neighbourhood":
            summary = _l("Neighbourhood %(name)s (%(slug)s) deleted", name=name, slug=item.slug)
        else:
            summary = _l("Category %(name)s (%(slug)s) deleted", name=name, slug=item.slug)
        record("taxonomy.deleted", item, summary=summary, kind=kind, name=name, slug=item.slug)
        detach_taxonomy(kind, item)
        db.session.delete(item)
        db.session.commit()
        flash(_("“%(name)s” is deleted.", name=name), "success")
        return redirect(url_for("admin.taxonomy"))
    return render_template("admin/taxonomy_delete.html", form=form, kind=kind, spec=spec, item=item,
                           usage=taxonomy_usage(kind, item))


def fill_taxonomy_item(item, form: forms.TaxonomyForm) -> None:
    """Copy the form into ``item``, making the short name from the name when left empty."""
    item.name = form.name.data.strip()
    item.slug = (form.slug.data or "").strip() or slugify(item.name)
    item.position = form.position.data or 0


def unique_taxonomy_fields(kind: str, form: forms.TaxonomyForm, item) -> bool:
    """Check that no other entry of the list has the same name or short name; say which does."""
    model = taxonomy_kind(kind).model
    name = form.name.data.strip()
    slug = (form.slug.data or "").strip() or slugify(name)
    others = db.select(model)
    if item is not None:
        others = others.where(model.id != item.id)
    ok = True
    if not slug:
        form.slug.errors.append(
            _("Enter a short name: the name has no letter or digit to make one from.")
        )
        ok = False
    same_name = db.session.scalar(others.where(func.lower(model.name) == name.lower()))
    if same_name is not None:
        form.name.errors.append(_("“%(name)s” already exists in this list.", name=same_name.name))
        ok = False
    same_slug = db.session.scalar(others.where(model.slug == slug)) if slug else None
    if same_slug is not None:
        field = form.slug if (form.slug.data or "").strip() else form.name
        field.errors.append(
            _("The short name “%(slug)s” is already used by “%(name)s”. Choose another one.",
              slug=slug, name=same_slug.name)
        )
        ok = False
    return ok


def commit_taxonomy(form, kind: str, item, action: str, summary: str, **details) -> bool:
    """Audit and commit a created or changed entry; on a clash with a concurrent change, say so."""
    db.session.flush()
    record(action, item, summary=summary, kind=kind, **details)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        form.name.errors.append(
            _("This name or short name was just used by someone else. Choose another one.")
        )
        return False
    return True


def taxonomy_holders(kind: str) -> list[tuple[Any, type]]:
    """``(label, model)`` for every table filed under a neighbourhood or a category."""
    column = f"{kind}_id"
    holders: list[tuple[Any, type]] = []
    if kind == "neighbourhood":
        holders.append((_l("Accounts"), User))
    for content_type in registry().values():
        if hasattr(content_type.model, column):
            holders.append((content_type.label_plural, content_type.model))
    return holders


def taxonomy_usage(kind: str, item) -> list[tuple[Any, int]]:
    """What is filed under ``item``: ``(label, count)`` for accounts and each kind of content."""
    column = f"{kind}_id"
    usage = []
    for label, model in taxonomy_holders(kind):
        count = db.session.scalar(
            db.select(func.count()).select_from(model).where(getattr(model, column) == item.id)
        )
        if count:
            usage.append((label, count))
    return usage


def detach_taxonomy(kind: str, item) -> None:
    """File nothing under ``item`` any more: what ``ON DELETE SET NULL`` does, on every
    database (SQLite does not enforce foreign keys here)."""
    column = f"{kind}_id"
    for _label, model in taxonomy_holders(kind):
        db.session.execute(
            db.update(model).where(getattr(model, column) == item.id).values({column: None})
            .execution_options(synchronize_session="fetch")
        )


# --- Settings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SettingRow:
    """A setting as the settings page shows it."""

    spec: SettingSpec
    value: Any
    configured_in: str | None  # "file" or "environment" when the server's configuration sets it
    variable: str
    saved: bool

    @property
    def locked(self) -> bool:
        return self.configured_in is not None

    def display_value(self) -> Any:
        """The value as an admin reads it (yes/no, the label of a choice)."""
        if self.spec.type == "bool":
            return _("Yes") if self.value else _("No")
        if self.spec.type == "choice":
            labels = {str(choice): label for choice, label in self.spec.choices}
            return labels.get(str(self.value), self.value)
        return self.value


def configuration_source(plugin: str, spec: SettingSpec) -> str | None:
    """Where the server's configuration sets this setting: ``"environment"``, ``"file"`` or None."""
    if f"CIVIQUE_{plugin.upper()}__{spec.name.upper()}" in os.environ:
        return "environment"
    section = current_app.config.get(plugin.upper())
    if isinstance(section, dict) and spec.name.upper() in section:
        return "file"
    return None


def plain(value: Any) -> Any:
    """A setting's value as stored and audited: a default written as a translated message (the
    mediator's "where else to turn", say) is its text, which the audit log's JSON can hold."""
    return str(value) if isinstance(value, LazyString) else value


def setting_rows(plugin: str, specs: list[SettingSpec]) -> list[SettingRow]:
    """Each declared setting of ``plugin`` with its current value and where it comes from."""
    saved = {
        row.name for row in db.session.scalars(db.select(SettingValue).filter_by(plugin=plugin))
    }
    return [
        SettingRow(spec=spec, value=get_setting(plugin, spec.name),
                   configured_in=configuration_source(plugin, spec),
                   variable=f"CIVIQUE_{plugin.upper()}__{spec.name.upper()}",
                   saved=spec.name in saved)
        for spec in specs
    ]


def plugin_settings_form(plugin: str, rows: list[SettingRow], bound: bool):
    """The form of a plugin's editable settings (bound to the request when ``bound``)."""
    editable = [row.spec for row in rows if not row.locked]
    values = {row.spec.name: row.value for row in rows}
    return forms.settings_form(plugin, editable, values, bound)


def render_settings(bound_plugin: str | None = None, bound_form=None):
    """The settings page; ``bound_form`` (with its errors) replaces the form of ``bound_plugin``."""
    sections = []
    for plugin, specs in sorted(declared_settings().items()):
        rows = setting_rows(plugin, specs)
        if plugin == bound_plugin:
            form = bound_form
        else:
            form = plugin_settings_form(plugin, rows, bound=False)
        sections.append(
            {"plugin": plugin, "title": plugin_title(plugin), "rows": rows, "form": form}
        )
    return render_template("admin/settings.html", sections=sections)


def plugin_title(plugin: str) -> str:
    """The name people read for ``plugin``: what its ``plugin_title`` hook says, else one made
    from its code name (``idea_box`` -> ``Idea box``)."""
    titles = current_app.extensions.get("civique.plugin_titles")
    if titles is None:
        titles = dict(manager().each("plugin_title"))
        current_app.extensions["civique.plugin_titles"] = titles
    if plugin in titles:
        return str(titles[plugin])
    return plugin.rsplit(".", 1)[-1].replace("_", " ").capitalize()


@bp.get("/settings")
@permission_required("admin.settings")
def settings():
    """One section per plugin that declares settings."""
    return render_settings()


@bp.post("/settings/<plugin>")
@permission_required("admin.settings")
def settings_save(plugin: str):
    """Save the editable settings of one plugin; only changed values are stored and audited."""
    specs = declared_settings().get(plugin)
    if not specs:
        abort(404)
    rows = setting_rows(plugin, specs)
    form = plugin_settings_form(plugin, rows, bound=True)
    if not form.validate_on_submit():
        return render_settings(plugin, form), 400
    changed = 0
    for row in rows:
        if row.locked:
            continue
        value = forms.submitted_value(row.spec, form)
        if value == plain(row.value):
            continue
        save_setting(plugin, row.spec.name, value)
        changed += 1
        record("settings.changed", object_type="setting", object_id=f"{plugin}.{row.spec.name}",
               summary=_l("%(setting)s set to %(value)s", setting=f"{plugin}.{row.spec.name}",
                          value=repr(value)),
               plugin=plugin, name=row.spec.name, before=plain(row.value), after=value)
    db.session.commit()
    if changed:
        flash(_("The settings of “%(plugin)s” are saved.", plugin=plugin_title(plugin)), "success")
    else:
        flash(_("Nothing changed."), "info")
    return redirect(url_for("admin.settings", _anchor=f"plugin-{plugin}"))


@bp.post("/settings/<plugin>/<name>/reset")
@permission_required("admin.settings")
def settings_reset(plugin: str, name: str):
    """Forget the value saved on this page: the configuration's value or the default applies."""
    specs = {spec.name: spec for spec in declared_settings().get(plugin, [])}
    if name not in specs:
        abort(404)
    form = forms.ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    row = db.session.scalar(db.select(SettingValue).filter_by(plugin=plugin, name=name))
    if row is not None:
        before = plain(get_setting(plugin, name))
        db.session.delete(row)
        expire_visitor_pages()
        g.pop("_civique_settings", None)
        after = plain(get_setting(plugin, name))
        record("settings.reset", object_type="setting", object_id=f"{plugin}.{name}",
               summary=_l("%(setting)s back to %(value)s", setting=f"{plugin}.{name}",
                          value=repr(after)),
               plugin=plugin, name=name, before=before, after=after)
        db.session.commit()
        flash(_("“%(label)s” is back to the value of the configuration or the default.",
                label=specs[name].label), "success")
    return redirect(url_for("admin.settings", _anchor=f"plugin-{plugin}"))
