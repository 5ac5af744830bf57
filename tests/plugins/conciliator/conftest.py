"""The conciliator's tests: Civique's own fixtures (``core.testing``) with the plugin enabled
(next to whatever ``CIVIQUE_PLUGINS`` enables, ``core.testing.enable_plugin``), a conciliator,
the municipal services, and cases created in any status."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

import plugins.conciliator
from core.testing import enable_plugin, setting_fixture

PLUGIN = "conciliator"

app_config = enable_plugin(PLUGIN, plugins.conciliator)


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


set_setting = setting_fixture(PLUGIN)
