"""Core service: the background workers' heartbeat, for health checks and for taking back work.

Each worker (``flask --app core worker``) has a row in ``worker_beat``, named after its machine
and process. A thread of the worker renews ``beat_at`` every :data:`BEAT_SECONDS`, even while a
long job runs; each round of the worker, finished or failed, is written in ``round_at`` and
``round_error``. From them:

- ``/healthz`` tells whether the workers are doing their rounds (:func:`workers_health`);
- a job or a mail claimed by a worker whose heartbeat stopped (the process was killed, the
  machine lost) is taken back at once by the others (:func:`lapsed_workers`), instead of
  waiting for the claim's own time limit.

A worker asked to stop (SIGTERM, or Ctrl+C's SIGINT) stops where nothing is left half done: the
signals only say so (:func:`stopping_gracefully`), and the worker looks between two mails,
between two jobs (:func:`stop_asked`) and while it waits for its next round
(:func:`wait_or_stop`). Only SIGKILL, or a second signal, cuts a mail or a job short.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from .database import UTCDateTime, db, utcnow

log = logging.getLogger(__name__)

# How often a worker says it is alive, and after how long without a word it is taken for dead.
BEAT_SECONDS = 5
LAPSE_AFTER = timedelta(seconds=30)
# Rows of workers silent for this long are forgotten (a worker stopped for good).
FORGET_AFTER = timedelta(days=7)

_name: str | None = None

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
# Set by the signal handler (a plain flag: a lock taken in a handler could be the one the
# interrupted code holds).
_stop_asked = False


@contextmanager
def stopping_gracefully() -> Iterator[None]:
    """While in this block, SIGTERM and SIGINT ask this worker to stop instead of stopping it
    at once (the worker's command runs in it): :func:`stop_asked` and :func:`wait_or_stop`
    tell. A second signal stops it at once, as if the block were not there. The handlers in
    place before are put back when the block ends."""
    global _stop_asked

    def ask_to_stop(signum, frame):
        global _stop_asked
        if _stop_asked:  # a second signal: stop now, the way the signal stops a process
            signal.signal(signum, signal.SIG_DFL)
            signal.raise_signal(signum)
            return
        _stop_asked = True

    previous = {signum: signal.signal(signum, ask_to_stop) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _stop_asked = False


def stop_asked() -> bool:
    """Whether this worker was asked to stop (always ``False`` in a web process or a test)."""
    return _stop_asked


def wait_or_stop(seconds: float) -> bool:
    """Wait ``seconds`` for the next round; ``True`` as soon as a stop is asked (or was)."""
    deadline = time.monotonic() + seconds
    while not _stop_asked and time.monotonic() < deadline:
        time.sleep(min(0.2, max(deadline - time.monotonic(), 0)))
    return _stop_asked


class WorkerBeat(db.Model):
    """One background worker: when it last said it was alive and how its last round went."""

    __tablename__ = "worker_beat"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    round_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    round_error: Mapped[str | None] = mapped_column(Text)


def worker_name() -> str | None:
    """This process's name as a worker (``host:pid:random``), or ``None`` if it is not a worker (a
    web request that sends its first mails itself, a command)."""
    return _name


def start(app) -> str:
    """Make this process a worker: its row, then a thread renewing its heartbeat; returns its
    name (``host:pid:random``)."""
    global _name
    # The machine and the process, and a few random letters: two containers may share both.
    _name = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"[:200]
    with app.app_context():
        try:
            beat()
        except Exception:  # the database may be down at start: the thread retries
            db.session.rollback()
            log.exception("Worker heartbeat: could not write the first beat")
    thread = threading.Thread(target=_beat_forever, args=(app,), name="civique-heartbeat",
                              daemon=True)
    thread.start()
    return _name


def _beat_forever(app) -> None:
    stop = threading.Event()
    while not stop.wait(BEAT_SECONDS):
        with app.app_context():
            try:
                beat()
            except Exception as exc:  # the database restarting: beat again next time
                db.session.rollback()
                log.warning("Worker heartbeat not written: %s", exc)


def beat() -> None:
    """Say that this worker is alive (its row is created the first time)."""
    now = utcnow()
    row = db.session.get(WorkerBeat, _name)
    if row is None:
        db.session.add(WorkerBeat(name=_name, started_at=now, beat_at=now))
    else:
        row.beat_at = now
    db.session.commit()


def round_done(error: BaseException | None = None) -> None:
    """Record that this worker finished a round (``error``: the round failed with it)."""
    if _name is None:
        return
    now = utcnow()
    row = db.session.get(WorkerBeat, _name)
    if row is None:
        row = WorkerBeat(name=_name, started_at=now)
        db.session.add(row)
    row.beat_at = now
    row.round_at = now
    row.round_error = None if error is None else f"{type(error).__name__}: {error}"[:2000]
    db.session.commit()


def taken_back(claimer, expired):
    """The condition on a claim (a job running, a mail being sent) that says it is abandoned:
    taken by a worker whose heartbeat stopped (or whose row is gone); or this worker's own, left
    by a round cut short (a worker does one thing at a time, so at the start of a round nothing of
    its own runs); or, taken by a process without a heartbeat (a web request, an RQ worker of
    its own), ``expired`` holds (its time is up). A live worker's claims are never taken back.
    """
    alive = select(WorkerBeat.name).where(WorkerBeat.name == claimer,
                                          WorkerBeat.beat_at > utcnow() - LAPSE_AFTER)
    condition = (claimer.is_not(None) & ~alive.exists()) | (claimer.is_(None) & expired)
    if _name is not None:
        condition = condition | (claimer == _name)
    return condition


def forget_silent() -> int:
    """Remove the rows of workers silent for :data:`FORGET_AFTER`; returns how many."""
    result = db.session.execute(
        db.delete(WorkerBeat).where(WorkerBeat.beat_at <= utcnow() - FORGET_AFTER)
    )
    db.session.commit()
    return result.rowcount


def workers_health(late_after: timedelta) -> dict[str, Any]:
    """What ``/healthz`` says of the workers: ``ok`` when one finished a round within
    ``late_after``, ``late`` when none did, ``failing`` when the last round failed, ``none``
    when no worker ever ran; with the seconds since the last round and the workers alive."""
    now = utcnow()
    rows = db.session.scalars(select(WorkerBeat).where(WorkerBeat.beat_at > now - FORGET_AFTER)).all()
    alive = [row for row in rows if row.beat_at > now - LAPSE_AFTER]
    rounds = [row for row in rows if row.round_at is not None]
    if not rounds:
        return {"status": "none", "alive": len(alive), "last_round_seconds": None}
    last = max(rounds, key=lambda row: row.round_at)
    seconds = round((now - last.round_at).total_seconds(), 1)
    if now - last.round_at > late_after:
        status = "late"
    elif last.round_error:
        status = "failing"
    else:
        status = "ok"
    return {"status": status, "alive": len(alive), "last_round_seconds": seconds}
