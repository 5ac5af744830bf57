"""When a part of the site fails: the database or Redis away, a worker killed in the middle of
its work, the mail server refusing. Every request is answered (a success, or a translated page
saying to try again), and nothing the site said it recorded, or any mail, is lost or doubled.

``bench/faults.py`` (``make faults``) runs the same faults for real, under load, on two
instances; these tests hold each one in a single process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

import pytest

from core import create_app, heartbeat
from core.database import db, utcnow
from core.heartbeat import WorkerBeat
from core.jobs import Job, enqueue, recover_stale, run_due
from core.mail import OutboxMessage, deliver_due, send_mail
from core.testing import DEFAULT_TEST_CONFIG


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, no ``except Exception`` catches it."""


@pytest.fixture
def as_worker():
    """Make this process the worker ``name`` (as ``flask --app core worker`` does), its
    heartbeat written; ``as_worker(None)`` goes back to being a web process."""
    previous = heartbeat._name

    def become(name):
        heartbeat._name = name
        if name is not None:
            heartbeat.beat()

    yield become
    heartbeat._name = previous


def killed_worker_dies(name: str) -> None:
    """The heartbeat of the worker ``name`` stops: it is taken for dead."""
    row = db.session.get(WorkerBeat, name)
    row.beat_at = utcnow() - heartbeat.LAPSE_AFTER - timedelta(seconds=1)
    db.session.commit()


def queue_mails(count: int) -> list[OutboxMessage]:
    messages = [send_mail(f"person{n}@example.org", "A test", "accounts/mail/reset",
                          user=None, link=f"https://civique.test/{n}") for n in range(count)]
    db.session.commit()
    return messages


def message_ids(smtp) -> list[str]:
    return [message["Message-ID"] for message in smtp.messages]


# --- The database or Redis unreachable -----------------------------------------------------------


@pytest.fixture
def unreachable(tmp_path, request):
    """An app whose database (or Redis) does not answer, in French as residents read it."""

    def build(**config):
        return create_app({**DEFAULT_TEST_CONFIG, "BABEL_DEFAULT_LOCALE": "fr",
                           "STORAGE_PATH": str(tmp_path / "storage"), **config})

    return build


NO_DATABASE = {"DATABASE_URL": "postgresql://civique@127.0.0.1:9/nowhere"}


def test_without_its_database_every_page_says_to_try_again(unreachable):
    client = unreachable(**NO_DATABASE).test_client()
    for response in (client.get("/"), client.get("/ideas/"),
                     client.post("/account/login", data={"email": "a@b.fr", "password": "x"})):
        assert response.status_code == 503
        page = response.get_data(as_text=True)
        assert "Service indisponible" in page
        assert "réessayer dans quelques secondes" in page
        assert "Traceback" not in page and "OperationalError" not in page
        assert response.headers["Retry-After"].isdigit()


def test_a_signed_in_person_is_told_to_try_again_too(tmp_path):
    """The database fails once the person is signed in (their account cannot be read): the
    same translated page, not an error while drawing it."""
    from core.extensions import db as app_db

    path = tmp_path / "site.sqlite3"
    site = create_app({**DEFAULT_TEST_CONFIG, "BABEL_DEFAULT_LOCALE": "fr",
                       "DATABASE_URL": f"sqlite:///{path}", "STORAGE_PATH": str(tmp_path / "s")})

    @site.get("/test-fails-midway")
    def fails_midway():
        # The account was read, then the database goes (and the rollback forgets the account).
        from flask_login import current_user
        from sqlalchemy.exc import OperationalError

        assert current_user.display_name == "Rose"
        app_db.engine.dispose()
        path.rename(tmp_path / "gone.sqlite3")
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    with site.app_context():
        app_db.create_all()
        from core.accounts.models import User
        from core.accounts.passwords import hash_password

        app_db.session.add(User(email="rose@example.org", display_name="Rose",
                                password_hash=hash_password("un-long-mot-de-passe-42"),
                                email_confirmed_at=utcnow()))
        app_db.session.commit()
        client = site.test_client()
        assert client.post("/account/login", data={"email": "rose@example.org",
                                                   "password": "un-long-mot-de-passe-42"}).status_code == 302
        midway = client.get("/test-fails-midway")
        assert midway.status_code == 503
        assert "réessayer dans quelques secondes" in midway.get_data(as_text=True)
        # From now on the next connection finds no tables.
        for response in (client.get("/"), client.get("/account"),
                         client.post("/content/idea_box.idea/1/support", data={"action": "support"})):
            assert response.status_code == 503
            assert "réessayer dans quelques secondes" in response.get_data(as_text=True)
        app_db.session.remove()
        app_db.engine.dispose()


def test_a_connection_lost_at_the_end_of_a_request_leaves_its_answer_whole(
        app, database_url, tmp_path, monkeypatch):
    """PostgreSQL restarting just as a page was made: closing the request's session fails on
    the dead connection; the page is still answered, and the next request gets a new one."""
    from sqlalchemy.exc import OperationalError

    from core.events import Session

    # A site of its own, each request in its own app context as in production (the ``app``
    # fixture made the schema and keeps one context for the test's requests).
    site = create_app({**DEFAULT_TEST_CONFIG, "DATABASE_URL": database_url,
                       "STORAGE_PATH": str(tmp_path / "storage")})
    client = site.test_client()

    close = Session.close
    failures = []

    def fails_once(session):
        if not failures:
            failures.append(True)
            raise OperationalError("ROLLBACK", {}, Exception("terminating connection due to "
                                                             "administrator command"))
        close(session)

    monkeypatch.setattr(Session, "close", fails_once)
    page = client.get("/ideas/")
    assert page.status_code == 200 and failures
    assert client.get("/ideas/").status_code == 200


def test_healthz_tells_the_database_apart(unreachable):
    response = unreachable(**NO_DATABASE).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["database"] == "unavailable"


def test_without_redis_the_site_runs_on(database_url, smtp, tmp_path, make_user):
    """Redis away: pages are served, sign-in works (rate limits counted in memory), jobs wait in
    the database; /healthz says Redis is down and still answers 200 (the instance serves)."""
    app = create_app({**DEFAULT_TEST_CONFIG, "DATABASE_URL": database_url,
                      "MAIL_SERVER": smtp.host, "MAIL_PORT": smtp.port,
                      "STORAGE_PATH": str(tmp_path / "storage"),
                      "REDIS_URL": "redis://127.0.0.1:9/0", "RATELIMIT_ENABLED": True,
                      "PAGE_CACHE_SECONDS": 10})
    with app.app_context():
        user = make_user("rose@example.org")
        client = app.test_client()
        assert client.get("/").status_code == 200
        assert client.get("/").status_code == 200
        response = client.post("/account/login", data={"email": user.email,
                                                      "password": "correct-horse-battery"})
        assert response.status_code in (200, 302)
        health = client.get("/healthz")
        assert health.status_code == 200
        assert health.json["redis"] == "unavailable" and health.json["status"] == "degraded"
        assert health.json["database"] == "ok"


# --- Workers -------------------------------------------------------------------------------------


def test_healthz_tells_the_workers_apart(app, client, as_worker):
    assert client.get("/healthz").json["worker"]["status"] == "none"
    as_worker("machine-a:101")
    heartbeat.round_done()
    report = client.get("/healthz").json
    assert report["status"] == "ok" and report["worker"]["status"] == "ok"
    assert report["worker"]["alive"] == 1
    heartbeat.round_done(RuntimeError("Redis said no"))
    assert client.get("/healthz").json["worker"]["status"] == "failing"
    row = db.session.get(WorkerBeat, "machine-a:101")
    row.round_at = utcnow() - timedelta(seconds=app.config["WORKER_LATE_SECONDS"] + 5)
    row.round_error = None
    db.session.commit()
    report = client.get("/healthz").json
    assert report["status"] == "degraded" and report["worker"]["status"] == "late"
    assert report["worker"]["last_round_seconds"] > app.config["WORKER_LATE_SECONDS"]


def test_a_worker_killed_in_the_middle_of_a_batch_loses_and_repeats_no_mail(
        app, smtp, as_worker, monkeypatch):
    as_worker("machine-a:101")
    queue_mails(6)
    smtp.messages.clear()
    from core import mail

    transport = mail._transport
    handed = []

    def dies_at_the_fourth(email, delivered, session=None):
        handed.append(email["Message-ID"])
        if len(handed) == 4:
            raise Killed()
        transport(email, delivered, session)

    monkeypatch.setattr(mail, "_transport", dies_at_the_fourth)
    with pytest.raises(Killed):
        deliver_due()
    db.session.rollback()
    states = [m.status for m in db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id))]
    # Claimed a few at a time: the one being handed and the two not begun are held by the
    # killed worker.
    assert states == ["sent", "sent", "sent", "handing", "sending", "sending"]
    assert len(smtp.messages) == 3

    monkeypatch.setattr(mail, "_transport", transport)
    # Another worker takes over; the killed one's claims are kept while its heartbeat could be
    # a slow machine's, and taken back once it stopped.
    as_worker("machine-b:202")
    queue_mails(1)
    assert deliver_due() == 1
    assert len(smtp.messages) == 4
    killed_worker_dies("machine-a:101")
    deliver_due()
    ids = message_ids(smtp)
    # The two it had not begun are sent; the one it was handing is unsure, not sent again.
    assert len(ids) == len(set(ids)) == 6
    states = [m.status for m in db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id))]
    assert states == ["sent", "sent", "sent", "unsure", "sent", "sent", "sent"]
    assert handed[3] not in ids


def test_a_worker_killed_after_the_server_accepted_a_mail_never_sends_it_twice(
        app, smtp, as_worker, monkeypatch):
    """Killed between the server's acceptance and the record of it: the mail arrived once, and
    the outbox says it is unsure rather than sending it a second time."""
    as_worker("machine-a:101")
    queue_mails(2)
    smtp.messages.clear()
    from core import mail

    transport = mail._transport

    def dies_once_accepted(email, delivered, session=None):
        transport(email, lambda: None, session)
        raise Killed()

    monkeypatch.setattr(mail, "_transport", dies_once_accepted)
    with pytest.raises(Killed):
        deliver_due()
    db.session.rollback()
    monkeypatch.setattr(mail, "_transport", transport)
    killed_worker_dies("machine-a:101")
    as_worker("machine-b:202")
    assert deliver_due() == 1
    ids = message_ids(smtp)
    assert len(ids) == len(set(ids)) == 2
    first, second = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id))
    assert (first.status, second.status) == ("unsure", "sent")
    assert first.last_error


def test_a_worker_told_to_stop_finishes_the_mail_it_is_sending_and_gives_back_the_rest(
        app, database_url, tmp_path):
    """SIGTERM (a deployment stopping the service) in the middle of a batch: the worker ends
    the mail it is handing to the server, gives the others back to the queue and exits; none
    is unsure, none lost, none sent twice."""
    from core.testing import SMTPServer

    slow = SMTPServer(delay=0.2).start()
    try:
        queue_mails(30)
        env = {**os.environ, "CIVIQUE_ENV": "development", "CIVIQUE_DATABASE_URL": database_url,
               "CIVIQUE_INSTANCE_PATH": str(tmp_path / "instance"), "CIVIQUE_MAIL_BACKEND": "smtp",
               "CIVIQUE_MAIL_SERVER": slow.host, "CIVIQUE_MAIL_PORT": str(slow.port),
               "CIVIQUE_REDIS_URL": ""}
        worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "core", "worker",
                                   "--interval", "1"], env=env, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while len(slow.messages) < 3 and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.05)
        worker.send_signal(signal.SIGTERM)
        _out, errors = worker.communicate(timeout=30)
    finally:
        slow.stop()
    assert worker.returncode == 0, errors
    assert "stopped" in errors
    db.session.expire_all()
    states = Counter(db.session.scalars(db.select(OutboxMessage.status)))
    received = message_ids(slow)
    assert len(received) == len(set(received)) == states["sent"]
    assert 3 <= states["sent"] < 30, "stopped in the middle of the batch"
    assert set(states) == {"sent", "pending"}
    given_back = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.status == "pending"))
    assert {(m.claimed_by, m.attempts) for m in given_back} == {(None, 0)}


def test_a_connection_lost_while_the_mail_goes_leaves_it_unsure_and_a_refusal_retried(
        app, smtp, as_worker, monkeypatch):
    """The server's answer to the mail never comes (the connection breaks, or times out): it
    may have accepted it, so it is unsure, not sent again. A refusal is an answer: retried."""
    import smtplib

    from core import mail

    as_worker("machine-a:101")
    lost, refused, fine = queue_mails(3)
    smtp.messages.clear()
    real_data = mail._SMTP.data
    calls = []

    def data(self, msg):
        calls.append(msg)
        if len(calls) == 1:  # accepted, then the answer is lost
            real_data(self, msg)
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        if len(calls) == 2:
            raise smtplib.SMTPDataError(451, b"Try again later")
        return real_data(self, msg)

    monkeypatch.setattr(mail._SMTP, "data", data)
    assert deliver_due() == 1
    db.session.expire_all()
    assert (lost.status, refused.status, fine.status) == ("unsure", "pending", "sent")
    assert "connection broke" in lost.last_error and refused.attempts == 1
    assert len(message_ids(smtp)) == 2


def test_a_sender_taken_for_dead_sends_nothing_it_no_longer_holds(app, smtp, as_worker):
    """A worker so slow that its heartbeat lapsed (the database away for long): another one
    took its mails back and sent them; the slow one, going on, sends none of them again."""
    from core.mail import claim_due, deliver

    as_worker("machine-a:101")
    queue_mails(2)
    smtp.messages.clear()
    held = claim_due()
    killed_worker_dies("machine-a:101")
    as_worker("machine-b:202")
    from core.mail import recover_interrupted

    recover_interrupted()
    taken = claim_due()  # the other worker holds them now, and has not sent them yet
    as_worker("machine-a:101")  # the slow one comes back and goes on through its batch
    assert [deliver(message) for message in held] == [False, False]
    assert smtp.messages == []
    as_worker("machine-b:202")
    assert [deliver(message) for message in taken] == [True, True]
    ids = message_ids(smtp)
    assert len(ids) == len(set(ids)) == 2


def test_the_request_and_the_worker_never_both_send_a_mail(app, smtp, as_worker):
    """The mail a request queued is claimed before it is sent: the worker, passing at the
    same moment, skips it."""
    (message,) = queue_mails(1)
    from core.mail import claim, deliver

    claimed_by_request = claim(message.id)
    as_worker("machine-a:101")
    assert deliver_due() == 0
    as_worker(None)  # back in the request (a web process)
    assert deliver(claimed_by_request)
    as_worker("machine-a:101")
    assert deliver_due() == 0
    assert len(smtp.messages) == 1


def test_a_mail_server_refusing_then_accepting_gets_each_mail_once(app, smtp, as_worker):
    as_worker("machine-a:101")
    smtp.stop()
    queue_mails(3)
    assert deliver_due() == 0
    pending = db.session.scalars(db.select(OutboxMessage)).all()
    assert {m.status for m in pending} == {"pending"} and {m.attempts for m in pending} == {1}
    assert all(m.last_error for m in pending)
    smtp.start()
    db.session.execute(db.update(OutboxMessage).values(next_attempt_at=utcnow()))
    db.session.commit()
    assert deliver_due() == 3
    ids = message_ids(smtp)
    assert len(ids) == len(set(ids)) == 3


def _count_job(**payload):
    from core.taxonomy import Category

    db.session.add(Category(name=f"Job {payload['n']}", slug=f"job-{payload['n']}"))


@pytest.fixture
def a_job(app, monkeypatch):
    """A job kind ``test.count`` whose work is one row, written in the job's transaction."""
    from core import jobs

    real = jobs.handlers
    monkeypatch.setattr(jobs, "handlers", lambda: {**real(), "test.count": _count_job})
    return "test.count"


def test_a_worker_killed_while_running_a_job_leaves_nothing_and_it_runs_once(
        app, a_job, as_worker, monkeypatch):
    from core import jobs
    from core.taxonomy import Category

    enqueue(a_job, n=1)
    db.session.commit()
    as_worker("machine-a:101")

    def killed(**payload):
        _count_job(**payload)
        db.session.flush()
        raise Killed()

    real = jobs.handlers
    monkeypatch.setattr(jobs, "handlers", lambda: {**real(), "test.count": killed})
    with pytest.raises(Killed):
        run_due()
    db.session.rollback()
    job = db.session.scalar(db.select(Job))
    assert job.status == "running" and job.worker == "machine-a:101"
    assert db.session.scalar(db.select(db.func.count()).select_from(Category)) == 0

    monkeypatch.setattr(jobs, "handlers", lambda: {**real(), "test.count": _count_job})
    as_worker("machine-b:202")
    assert recover_stale() == 0  # machine-a may only be slow
    killed_worker_dies("machine-a:101")
    assert recover_stale() == 1
    assert run_due() == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Category)) == 1
    assert db.session.scalar(db.select(Job)).status == "done"


def test_a_failure_after_the_action_was_recorded_says_so(app, client):
    """The database goes after the request committed (drawing the next page fails): the page
    says the action is recorded, so that the person does not do it twice."""
    from sqlalchemy.exc import OperationalError

    from core.taxonomy import Category

    def records_then_fails():
        db.session.add(Category(name="Recorded", slug="recorded"))
        db.session.commit()
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    app.add_url_rule("/test-records-then-fails", view_func=records_then_fails, methods=["POST"])
    response = client.post("/test-records-then-fails")
    assert response.status_code == 503
    assert "What you did is recorded" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Category.name)) == "Recorded"
