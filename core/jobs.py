"""Core service: background jobs, through a durable outbox in the database.

Slow or scheduled work (digests, reminders, imports, clean-ups) is queued with
:func:`enqueue` in the caller's transaction: the job exists exactly when the change that asked
for it was committed. The worker (``flask --app core worker``) runs due jobs, retries a failing
one with growing delays, and queues the plugins' schedules (``scheduled_jobs`` hook) once per
period. Mail has its own outbox (:mod:`core.mail`), delivered by the same worker.

Without Redis, workers take due jobs from the database (``SKIP LOCKED`` on PostgreSQL, so that
several share the work). With ``REDIS_URL`` set, jobs are also carried by RQ, so that workers on
several machines pick them up as soon as they are queued. Either way a job runs once: a worker
must *claim* it (one atomic ``UPDATE`` from ``pending`` to ``running``) before running it, so a
job handed out twice is run by the first taker only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import JSON, Integer, String, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from .database import UTCDateTime, db, utcnow
from .events import after_commit
from .heartbeat import forget_silent, round_done, stop_asked, taken_back, worker_name

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# Delay before attempt n+1 (minutes); the last value repeats.
BACKOFF_MINUTES = (1, 5, 15, 60, 240)
# A job "running" for longer than this was taken by a worker that died: it is run again.
STALE_AFTER = timedelta(minutes=30)
# A job handed to RQ and still pending after this is handed out again.
REDISPATCH_AFTER = timedelta(minutes=5)
RQ_QUEUE = "civique"


class Job(db.Model):
    """A piece of work to do: its kind, its payload, and how it went."""

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(120))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # pending -> running -> done, or back to pending (retry), or failed after MAX_ATTEMPTS.
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Unique when given: queuing the same key twice keeps one job (schedules use it).
    unique_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # The worker running it (core.heartbeat): if that worker dies, the job is taken back.
    worker: Mapped[str | None] = mapped_column(String(200))


class ScheduleRun(db.Model):
    """When each schedule last queued its job (shared by every worker)."""

    __tablename__ = "job_schedule"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    last_run_at: Mapped[datetime] = mapped_column(UTCDateTime)


@dataclass(frozen=True)
class Schedule:
    """Queue the job ``kind`` with ``payload`` every ``every``, once across all workers."""

    name: str
    every: timedelta
    kind: str
    payload: dict[str, Any] = field(default_factory=dict)


class UnknownJob(LookupError):
    """No enabled plugin provides a job of this kind."""


# --- Queuing -----------------------------------------------------------------------------------


def handlers() -> dict[str, Any]:
    """Job kind -> function, from every enabled plugin's ``register_jobs`` hook."""
    from .plugins import manager

    table: dict[str, Any] = {}
    for result in manager().hook.register_jobs():
        table.update(result or {})
    return table


def enqueue(kind: str, *, run_at: datetime | None = None, unique_key: str | None = None,
            **payload: Any) -> Job | None:
    """Queue a job of ``kind`` (the caller commits). ``payload`` must be JSON-serialisable.

    With ``unique_key``, a job with the same key already queued is kept and ``None`` returned.
    """
    if kind not in handlers():
        raise UnknownJob(kind)
    if unique_key is not None:
        existing = db.session.scalar(select(Job.id).where(Job.unique_key == unique_key))
        if existing is not None:
            return None
    job = Job(kind=kind, payload=payload, unique_key=unique_key,
              next_attempt_at=run_at or utcnow())
    db.session.add(job)
    if current_app.config.get("REDIS_URL"):
        after_commit(hand_to_rq, job)
    return job


def hand_to_rq(job: Job) -> None:
    """After-commit work of :func:`enqueue`: hand the job to RQ at once (with ``REDIS_URL``)."""
    try:
        dispatch([job.id])
    except Exception:  # the worker's next round hands it out
        db.session.rollback()
        log.exception("Could not hand job %s to RQ; the worker will", job.id)


def rq_queue():
    """The RQ queue on ``REDIS_URL``."""
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(current_app.config["REDIS_URL"])
    return Queue(RQ_QUEUE, connection=connection)


def dispatch(job_ids: list[int]) -> int:
    """Hand pending jobs to RQ (they stay in the database until done). Returns how many."""
    if not job_ids:
        return 0
    queue = rq_queue()
    now = utcnow()
    for job_id in job_ids:
        # RQ stops a job after 3 minutes by default: give it as long as the database outbox
        # does (a council draw's computation may take many minutes).
        queue.enqueue("core.jobs.run_from_rq", job_id, description=f"civique job {job_id}",
                      job_timeout=int(STALE_AFTER.total_seconds()))
    db.session.execute(db.update(Job).where(Job.id.in_(job_ids)).values(dispatched_at=now))
    db.session.commit()
    return len(job_ids)


# --- Running -----------------------------------------------------------------------------------


def claim(job_id: int) -> bool:
    """Take a due pending job for this worker; false when another took it (or it is not due)."""
    now = utcnow()
    result = db.session.execute(
        db.update(Job)
        .where(Job.id == job_id, Job.status == "pending", Job.next_attempt_at <= now)
        .values(status="running", started_at=now, attempts=Job.attempts + 1,
                worker=worker_name())
    )
    db.session.commit()
    return result.rowcount == 1


def run_job(job_id: int) -> bool:
    """Claim and run one job; true when this call ran it successfully."""
    if not claim(job_id):
        return False
    job = db.session.get(Job, job_id)
    function = handlers().get(job.kind)
    try:
        if function is None:
            raise UnknownJob(f"no enabled plugin provides the job {job.kind!r}")
        function(**(job.payload or {}))
        # Done in the transaction of the work itself: for a job that does not commit on its own,
        # a worker killed before this commit leaves neither the work nor the mark, and the job
        # runs again from the start (jobs that commit in steps must be safe to run again).
        job = db.session.get(Job, job_id)
        job.status = "done"
        job.finished_at = utcnow()
        job.last_error = None
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        job = db.session.get(Job, job_id)
        job.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if job.attempts >= MAX_ATTEMPTS:
            job.status = "failed"
            log.error("Giving up job %s (%s): %s", job.id, job.kind, exc)
        else:
            job.status = "pending"
            delay = BACKOFF_MINUTES[min(job.attempts - 1, len(BACKOFF_MINUTES) - 1)]
            job.next_attempt_at = utcnow() + timedelta(minutes=delay)
            log.warning("Job %s (%s) failed, attempt %s: %s", job.id, job.kind, job.attempts, exc)
        db.session.commit()
        return False
    return True


def run_from_rq(job_id: int) -> bool:
    """What an RQ worker runs: the job, if nobody ran it already (needs an app context)."""
    return run_job(job_id)


def due_job_ids(limit: int = 100, *, undispatched: bool = False) -> list[int]:
    now = utcnow()
    query = select(Job.id).where(Job.status == "pending", Job.next_attempt_at <= now)
    if undispatched:
        query = query.where(
            (Job.dispatched_at.is_(None)) | (Job.dispatched_at <= now - REDISPATCH_AFTER)
        )
    query = query.order_by(Job.id).limit(limit)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(query))
    db.session.commit()
    return ids


def run_due(limit: int = 100) -> int:
    """Run the due jobs here (no Redis); returns how many succeeded."""
    done = 0
    for job_id in due_job_ids(limit):
        if stop_asked():  # the worker is stopping: the other jobs wait for the next one
            break
        done += run_job(job_id)
    return done


def recover_stale() -> int:
    """Put back jobs left ``running`` by a worker that died (its heartbeat stopped), by this
    worker's round cut short (the database restarting), or, taken by a process without a
    heartbeat, running for :data:`STALE_AFTER`.

    A job that does not commit on its own runs in one transaction with its "done" mark: one cut
    short left nothing behind, and runs again from the start.
    """
    result = db.session.execute(
        db.update(Job)
        .where(Job.status == "running", taken_back(Job.worker, Job.started_at <= utcnow() - STALE_AFTER))
        .values(status="pending", worker=None, dispatched_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount


def schedules() -> list[Schedule]:
    from .plugins import collect

    return list(collect("scheduled_jobs"))


def run_schedules(now: datetime | None = None) -> int:
    """Queue the job of every schedule whose period has passed; returns how many were queued.

    The first worker to move a schedule's ``last_run_at`` forward queues its job; the others
    see the row already moved and do nothing.
    """
    now = now or utcnow()
    queued = 0
    for schedule in schedules():
        if db.session.get(ScheduleRun, schedule.name) is None:
            try:
                with db.session.begin_nested():
                    # First sight of a schedule: its first period starts now.
                    db.session.add(ScheduleRun(name=schedule.name, last_run_at=now))
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
            continue
        won = db.session.execute(
            db.update(ScheduleRun)
            .where(ScheduleRun.name == schedule.name,
                   ScheduleRun.last_run_at <= now - schedule.every)
            .values(last_run_at=now)
        ).rowcount == 1
        if won:
            enqueue(schedule.kind, unique_key=f"{schedule.name}@{now.isoformat()}",
                    **schedule.payload)
            queued += 1
        db.session.commit()
    return queued


def worker_round() -> dict[str, int]:
    """One round of the worker: mail, schedules, jobs, then their mail. Returns what it did.

    The round is recorded in the worker's heartbeat (:mod:`core.heartbeat`), failed or not.
    """
    try:
        done = _round()
    except Exception as exc:
        db.session.rollback()
        try:
            round_done(exc)
        except Exception:  # the database is what failed
            db.session.rollback()
        raise
    round_done()
    return done


def _round() -> dict[str, int]:
    from .mail import deliver_due

    forget_silent()
    done = {"mail": deliver_due(), "stale": recover_stale(), "scheduled": run_schedules()}
    if stop_asked():  # the worker is stopping: the jobs wait for the next one
        return done
    if current_app.config.get("REDIS_URL"):
        from .rq_burst import BurstWorker

        burst_started = utcnow()
        done["dispatched"] = dispatch(due_job_ids(undispatched=True))
        queue = rq_queue()
        # RQ's worker runs jobs in this process, inside the app context the CLI pushed.
        BurstWorker([queue], connection=queue.connection).work(burst=True, logging_level="WARNING")
        # The burst emptied the queue: a job handed to RQ before it began and still pending was
        # lost with the queue (Redis restarted without its data) or failed and waits for its
        # retry; either way it is handed out again when due (claiming keeps it from running
        # twice).
        db.session.execute(
            db.update(Job).where(Job.status == "pending", Job.dispatched_at <= burst_started)
            .values(dispatched_at=None).execution_options(synchronize_session=False)
        )
        db.session.commit()
    else:
        done["jobs"] = run_due()
    done["mail"] += deliver_due()  # what the jobs just queued (a fan-out's mails) goes out now
    return done
