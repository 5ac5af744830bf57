"""The audit log reads in each reader's language: a summary recorded as a message with its
values is shown translated, its English kept for exports; the data recorded stays readable."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from markupsafe import escape

from core.database import db
from core.services.audit import AuditEntry, record
from core.taxonomy import Neighbourhood

from .admin_fixtures import admin_client, people, signed_in  # noqa: F401  (fixtures)


def test_a_summary_recorded_as_a_message_is_shown_in_the_readers_language(app, people, signed_in):
    quarter = Neighbourhood(name="Rebberg", slug="rebberg")
    db.session.add(quarter)
    db.session.flush()
    # A message of the catalogs, with its values.
    record("legal.text_saved", quarter, summary=_l("Legal page written"), actor=people["admin"], slug="privacy")
    record("taxonomy.created", quarter, summary=_l("“%(name)s” is added.", name="Rebberg"),
           actor=people["admin"])
    db.session.commit()
    entries = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [entry.summary for entry in entries] == ["Legal page written", "“Rebberg” is added."]
    assert entries[1].details["_summary"] == {"message": "“%(name)s” is added.", "values": {"name": "Rebberg"}}

    admin = people["admin"]
    admin.locale = "fr"
    db.session.commit()
    page = signed_in(admin).get("/admin/audit").text
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        from flask_babel import force_locale, gettext
        with force_locale("fr"):
            written, added = gettext("Legal page written"), gettext("“%(name)s” is added.", name="Rebberg")
    assert written != "Legal page written" and str(escape(written)) in page
    assert added != "“Rebberg” is added." and str(escape(added)) in page
    assert "is added." not in page
    # The data recorded is shown under its own heading, without the summary's bookkeeping.
    assert "privacy" in page and "_summary" not in page


def test_a_summary_written_as_plain_text_is_shown_as_written(app, admin_client, people):
    db.session.add(AuditEntry(action="taxonomy.created", actor_id=people["admin"].id,
                              summary="created by the import script"))
    db.session.commit()
    assert "created by the import script" in admin_client.get("/admin/audit").text
