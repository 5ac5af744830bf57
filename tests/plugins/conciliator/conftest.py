"""The conciliator's tests: Civique's own fixtures (``core.testing``) with the plugin enabled,
a conciliator, the municipal services, and cases created in any status."""

from __future__ import annotations

import json
import os
from datetime import date, timedelta

import pytest

from core.config import as_list

PLUGIN = "conciliator"


def plugins_from_environment() -> list[str]:
    raw = os.environ.get("CIVIQUE_PLUGINS", "")
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    return as_list(value) or []


@pytest.fixture
def app_config() -> dict:
    import plugins.conciliator

    enabled = plugins_from_environment()
    if PLUGIN not in enabled:
        enabled.append(PLUGIN)
    return {"PLUGINS": enabled, "EXTRA_PLUGINS": {PLUGIN: plugins.conciliator}}


@pytest.fixture
def conciliator(make_user):
    return make_user("mediator@example.org", "Mia Mediator", roles=["conciliator"])


@pytest.fixture
def services(app):
    from core.database import db
    from plugins.conciliator.models import Service

    rows = {name: Service(name=name) for name in ("Parking", "Civil status", "Water")}
    db.session.add_all(rows.values())
    db.session.commit()
    return rows


@pytest.fixture
def make_case(app, services):
    """``make_case(resident, state="received", **fields)``: a case with its reference."""
    from core.database import db
    from plugins.conciliator.models import Case
    from plugins.conciliator.rules import add_case

    def factory(resident, title="Parking fine contested", state="received", service="Parking",
                **fields):
        fields.setdefault("prior_complaint_date", date.today() - timedelta(days=30))
        case = Case(title=title, body="I was fined while my card was displayed.",
                    author_id=resident.id if resident else None, state=state,
                    service_id=services[service].id, prior_steps="Letter to the parking office.",
                    hoped_outcome="The fine cancelled.", **fields)
        add_case(case)
        db.session.commit()
        return case

    return factory


@pytest.fixture
def set_setting(app):
    from core.database import db
    from core.settings import save_setting

    def setter(name, value):
        save_setting(PLUGIN, name, value)
        db.session.commit()

    return setter
