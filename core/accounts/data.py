"""A person's data: the export every plugin contributes to, and erasure (anonymisation)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from ..services.audit import record
from ..database import db, utcnow
from ..events import UserDeleted, emit
from ..hookspecs import hookimpl
from ..pagecache import expire_visitor_pages
from ..plugins import manager
from .models import User


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@hookimpl
def export_user_data(user: User) -> dict[str, Any]:
    """The core's part of the export: the account itself."""
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "neighbourhood": user.neighbourhood.name if user.neighbourhood else None,
        "language": user.locale,
        "notification_frequency": user.notification_frequency,
        "roles": sorted(user.role_names),
        "created_at": _iso(user.created_at),
        "email_confirmed_at": _iso(user.email_confirmed_at),
        "residency_verified_at": _iso(user.residency_verified_at),
        "last_login_at": _iso(user.last_login_at),
    }


@hookimpl(trylast=True)
def erase_user_data(user: User) -> None:
    """The core's part of erasure, after every plugin's (they still see the account as it was):
    the account row keeps only its id and dates of deletion."""
    user.email = None
    user.password_hash = None
    user.display_name = ""
    user.neighbourhood_id = None
    user.locale = None
    user.notification_frequency = "none"
    user.residency_verified_at = None
    user.last_login_at = None
    user.role_grants.clear()


def build_export(user: User) -> dict[str, Any]:
    """Everything Civique stores about ``user``: ``{"account": ..., "<plugin>": ...}``."""
    export: dict[str, Any] = {"format": "civique-personal-data/1", "exported_at": utcnow().isoformat()}
    for plugin_name, data in manager().each("export_user_data", user=user):
        key = "account" if plugin_name == "core.accounts" else plugin_name
        export.setdefault(key, {}).update(data)
    return export


def delete_account(user: User, summary: str = _l("Account deleted by its owner")) -> None:
    """Erase the person's data in every plugin, anonymise the account and commit: the plugins
    are then told (:class:`~core.events.UserDeleted`)."""
    user_id = user.id
    manager().hook.erase_user_data(user=user)  # the account's own erasure comes last (trylast)
    user.deleted_at = utcnow()
    user.session_version += 1
    record("accounts.deleted", user, summary=summary, actor=user)
    expire_visitor_pages()
    emit(UserDeleted(user_id=user_id))
    db.session.commit()
