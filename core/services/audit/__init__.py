"""Core service: the audit log, every action of staff and admins (who, when, what, on what).

Code that acts for the city calls :func:`record` in the transaction of the change, so the
entry is saved with it. Admins read the log in the administration (``/admin/audit``), each action in words: the module
that records an action declares its label through the ``audit_actions`` hook (see ``labels.py``).
"""

from core.hookspecs import hookimpl

from .labels import (
    action_label, audit_actions, object_label, recorded_details, state_change, summary_text,
)
from .models import AuditEntry, record

__all__ = ["AuditEntry", "action_label", "audit_actions", "object_label", "record", "state_change"]


@hookimpl
def template_variables():
    return {"audit_action_label": action_label, "audit_object_label": object_label,
            "audit_state_change": state_change, "audit_summary": summary_text,
            "audit_details": recorded_details}
