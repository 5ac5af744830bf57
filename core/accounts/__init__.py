"""Accounts: sign-up with e-mail confirmation, log in/out, password reset, the account page,
"download my data" and "delete my account" (``data.py``), and the clean-up of accounts never
confirmed (``retention.py``)."""

from datetime import timedelta

from ..hookspecs import hookimpl


@hookimpl
def register_blueprints(app):
    from .views import bp

    return [bp]


@hookimpl
def register_jobs():
    from .retention import JOB, purge_unconfirmed

    return {JOB: lambda **payload: purge_unconfirmed()}


@hookimpl
def scheduled_jobs():
    from ..jobs import Schedule
    from .retention import JOB

    return [Schedule(JOB, timedelta(days=1), JOB)]
