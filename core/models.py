"""Every model of the core, imported in one place so that the metadata is complete."""

from .accounts.models import User, UserRole
from .heartbeat import WorkerBeat
from .services.audit import AuditEntry
from .mail import OutboxMessage
from .permissions import PermissionOverride
from .settings import SettingValue
from .taxonomy import Category, Neighbourhood

__all__ = [
    "AuditEntry", "Category", "Neighbourhood", "OutboxMessage", "PermissionOverride",
    "SettingValue", "User", "UserRole", "WorkerBeat",
]
