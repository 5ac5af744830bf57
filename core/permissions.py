"""Roles, permissions and the checks every view goes through.

Roles and permissions are declared through hooks (:func:`core.hookspecs.register_roles`,
:func:`core.hookspecs.register_permissions`) with default grants; admins may grant or revoke a
permission for a role, stored as :class:`PermissionOverride` rows.

The easy path for a view that serves an object is :func:`get_or_404` (or :func:`authorize` for
an object already loaded): the object's ``allows(user, action)`` decides, and someone who may
not even see the object gets the same 404 as for an object that does not exist.
"""

from __future__ import annotations

from functools import wraps
from typing import Protocol

from flask import abort, g, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin, current_user
from sqlalchemy import Boolean, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .database import db
from .declarations import PermissionSpec, RoleSpec
from .hookspecs import hookimpl

CORE_ROLES = ("resident", "moderator", "staff", "admin")


class PermissionOverride(db.Model):
    """An admin's change to a default grant: ``granted`` true adds, false removes."""

    __tablename__ = "permission_override"
    __table_args__ = (
        UniqueConstraint("role", "permission", name="uq_permission_override_role_permission"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(64))
    permission: Mapped[str] = mapped_column(String(128))
    granted: Mapped[bool] = mapped_column(Boolean)


class AnonymousUser(AnonymousUserMixin):
    """Someone not signed in: no role, no permission."""

    role_names: set[str] = set()
    public_name = _l("Visitor")

    def has_role(self, role: str) -> bool:
        return False

    def can(self, permission: str) -> bool:
        return False


class Guarded(Protocol):
    """What an object served by a view implements so that :func:`authorize` can check it."""

    def allows(self, user, action: str) -> bool: ...


# --- The core's own declarations ---------------------------------------------------------------


@hookimpl
def register_roles():
    return [
        RoleSpec("resident", _l("Resident"), _l("Every confirmed account.")),
        RoleSpec("moderator", _l("Moderator"), _l("Reviews reported content and comments.")),
        RoleSpec("staff", _l("City staff"), _l("Answers, studies and publishes for the city.")),
        RoleSpec("admin", _l("Administrator"), _l("Manages accounts, roles and settings.")),
    ]


@hookimpl
def register_permissions():
    return [
        PermissionSpec("admin.access", _l("Open the administration"), ("admin", "staff", "moderator")),
        PermissionSpec("admin.users", _l("Manage accounts and roles"), ("admin",)),
        PermissionSpec("admin.permissions", _l("Change which role holds which permission"), ("admin",)),
        PermissionSpec("admin.audit", _l("Read the audit log"), ("admin",)),
        PermissionSpec("admin.settings", _l("Change the plugins' settings"), ("admin",)),
        PermissionSpec("admin.mail", _l("Read the outgoing mail and send again what did not leave"),
                       ("admin",)),
        PermissionSpec("admin.taxonomy", _l("Manage neighbourhoods and categories"), ("admin",)),
    ]


# --- Resolving grants ---------------------------------------------------------------------------


def all_roles() -> dict[str, RoleSpec]:
    """Every declared role by name (core and enabled plugins)."""
    from .plugins import collect

    return {spec.name: spec for spec in collect("register_roles")}


def all_permissions() -> dict[str, PermissionSpec]:
    """Every declared permission by name (core and enabled plugins)."""
    from .plugins import collect

    return {spec.name: spec for spec in collect("register_permissions")}


def grants() -> dict[str, set[str]]:
    """Permission name -> roles holding it, defaults with admins' overrides applied.

    Computed once per request (and once per CLI command); the admins' overrides are kept by each
    process while the kept pages are (:class:`core.pagecache.ProcessCopy`): changing them
    expires the kept pages.
    """
    from .pagecache import process_copy

    cached = g.get("_civique_grants")
    if cached is not None:
        return cached
    table = {name: set(spec.default_roles) for name, spec in all_permissions().items()}
    for permission, role, granted in process_copy("permission_overrides", _overrides).get():
        roles = table.setdefault(permission, set())
        if granted:
            roles.add(role)
        else:
            roles.discard(role)
    g._civique_grants = table
    return table


def _overrides() -> list[tuple[str, str, bool]]:
    return [(row.permission, row.role, row.granted)
            for row in db.session.scalars(db.select(PermissionOverride).order_by(PermissionOverride.id))]


def roles_granting(permission: str) -> set[str]:
    """The roles that hold ``permission`` (empty for an unknown permission)."""
    return grants().get(permission, set())


def forget_grants() -> None:
    """Drop the grants computed for this request and kept by this process (after an admin
    changed them; the other processes read them again once the kept pages expire)."""
    from .pagecache import process_copy

    g.pop("_civique_grants", None)
    process_copy("permission_overrides", _overrides).forget()


# --- Checks for views ---------------------------------------------------------------------------


def deny():
    """Stop the request: send anonymous visitors to log in, refuse others with a 403."""
    if not current_user.is_authenticated:
        abort(redirect(url_for("accounts.login", next=request.full_path.rstrip("?"))))
    abort(403)


def permission_required(permission: str):
    """Decorator for a view that needs ``permission`` (login first when anonymous)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.can(permission):
                deny()
            return view(*args, **kwargs)

        return wrapped

    return decorator


def login_required(view):
    """Decorator for a view that needs a signed-in, confirmed account."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            deny()
        return view(*args, **kwargs)

    return wrapped


def authorize(obj: Guarded, action: str = "view"):
    """Check ``action`` on ``obj`` for the current user and return ``obj``.

    Someone who may not view the object gets a 404, exactly as if it did not exist; someone who
    may view it but not do ``action`` is asked to log in (anonymous) or gets a 403.
    """
    if not obj.allows(current_user, "view"):
        abort(404)
    if action != "view" and not obj.allows(current_user, action):
        deny()
    return obj


def get_or_404(model, ident, action: str = "view"):
    """Load ``model`` by primary key and :func:`authorize` ``action`` on it."""
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return authorize(obj, action)
