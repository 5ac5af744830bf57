"""The administration's mail page: what the outbox holds, and the mails that need a person
(unsure after a sender died while handing them, or given up), sent again on an admin's word."""

from __future__ import annotations

from core.database import db
from core.mail import OutboxMessage, deliver_due, send_mail
from core.services.audit import AuditEntry

from .admin_fixtures import admin_client, people, signed_in  # noqa: F401  (fixtures)


def queued(address: str, status: str, attempts: int = 1) -> OutboxMessage:
    message = send_mail(address, "Confirm your account", "accounts/mail/reset",
                        user=None, link="https://civique.test/reset")
    message.status = status
    message.attempts = attempts
    db.session.commit()
    return message


def test_the_admin_reads_the_outbox_and_the_mails_that_need_someone(admin_client, smtp):
    queued("waiting@example.org", "pending")
    queued("arrived@example.org", "sent")
    queued("perhaps@example.org", "unsure")
    queued("refused@example.org", "failed", attempts=12)
    page = admin_client.get("/admin/mail")
    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert "<dt>Waiting to be sent</dt><dd>1</dd>" in text
    assert "<dt>Unsure: may not have arrived</dt><dd>1</dd>" in text
    assert "<dt>Given up</dt><dd>1</dd>" in text
    assert "The oldest mail waiting was written on" in text
    assert "perhaps@example.org" in text and "refused@example.org" in text
    assert "after 12 attempts" in text
    # Mail sent or on its way is counted, not listed.
    assert "arrived@example.org" not in text and "waiting@example.org" not in text


def test_a_mail_sent_again_goes_once_and_the_audit_log_says_who(admin_client, smtp, people):
    unsure = queued("perhaps@example.org", "unsure")
    response = admin_client.post(f"/admin/mail/{unsure.id}/send-again")
    assert response.status_code == 302
    page = admin_client.get(response.headers["Location"])
    assert "is queued again" in page.text
    assert "perhaps@example.org" not in page.text.split("Mail that needs you")[1]
    db.session.refresh(unsure)
    assert (unsure.status, unsure.attempts) == ("pending", 0)
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "mail.sent_again"))
    assert entry.actor_id == people["admin"].id and entry.object_id == str(unsure.id)

    smtp.messages.clear()
    assert deliver_due() == 1
    assert [m["To"] for m in smtp.messages] == ["perhaps@example.org"]
    # Sent now: a second click changes nothing and sends nothing.
    again = admin_client.post(f"/admin/mail/{unsure.id}/send-again", follow_redirects=True)
    assert "nothing was changed" in again.text
    assert deliver_due() == 0
    assert len(smtp.messages) == 1


def test_only_an_admin_reads_the_outbox_or_sends_again(app, people, signed_in, smtp):
    failed = queued("refused@example.org", "failed", attempts=12)
    for role in ("resident", "staff", "moderator"):
        client = signed_in(people[role])
        assert client.get("/admin/mail").status_code == 403, role
        assert client.post(f"/admin/mail/{failed.id}/send-again").status_code == 403, role
    db.session.refresh(failed)
    assert failed.status == "failed"
    anonymous = app.test_client().get("/admin/mail")
    assert anonymous.status_code == 302 and "/account/login" in anonymous.headers["Location"]


def test_sending_again_a_mail_that_does_not_exist_is_not_found(admin_client):
    assert admin_client.post("/admin/mail/999/send-again").status_code == 404
