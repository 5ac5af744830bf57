"""Core service: the audit log, every action of staff and admins (who, when, what, on what).

Code that acts for the city calls :func:`record` in the transaction of the change, so the
entry is saved with it. Admins read the log in the administration (``/admin/audit``).
"""

from .models import AuditEntry, record

__all__ = ["AuditEntry", "record"]
