"""Accounts: sign-up with e-mail confirmation, log in/out, password reset, the account page,
"download my data" and "delete my account"."""

from .views import bp  # noqa: F401
from .gdpr import export_user_data, erase_user_data  # noqa: F401  (hook implementations)
from .retention import register_jobs, scheduled_jobs  # noqa: F401  (hook implementations)
