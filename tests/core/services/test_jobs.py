"""Background jobs: durable, retried with backoff, run once; shared through RQ with Redis."""

from datetime import timedelta

import pytest

from core.database import db, utcnow
from core.hookspecs import hookimpl
from core.jobs import Job, Schedule, enqueue, run_due, run_job, run_schedules, worker_round
from core.testing import redis_url_for_tests


class Counter:
    """A plugin with two jobs: one that counts, one that fails until told otherwise."""

    def __init__(self):
        self.runs = []
        self.broken = True

    @hookimpl
    def register_jobs(self):
        return {"counter.count": self.count, "counter.flaky": self.flaky}

    @hookimpl
    def scheduled_jobs(self):
        return [Schedule("counter.hourly", timedelta(hours=1), "counter.count", {"label": "hourly"})]

    def count(self, label):
        self.runs.append(label)

    def flaky(self):
        if self.broken:
            raise ConnectionError("the archive server is down")
        self.runs.append("flaky")


@pytest.fixture
def counter():
    return Counter()


@pytest.fixture
def app_config(counter):
    # Only the counter among the plugins: the schedules counted below are its own.
    return {"PLUGINS": ["counter"], "EXTRA_PLUGINS": {"counter": counter}}


def test_a_queued_job_runs_once(app, counter):
    job = enqueue("counter.count", label="one")
    db.session.commit()
    assert run_due() == 1
    assert run_due() == 0
    assert run_job(job.id) is False  # already done: a second taker does nothing
    assert counter.runs == ["one"]
    db.session.refresh(job)
    assert job.status == "done" and job.attempts == 1


def test_a_failing_job_is_retried_later_and_nothing_is_lost(app, counter):
    job = enqueue("counter.flaky")
    db.session.commit()
    assert run_due() == 0
    db.session.refresh(job)
    assert job.status == "pending" and job.attempts == 1
    assert "archive server is down" in job.last_error
    assert job.next_attempt_at > utcnow()  # backoff: not retried at once
    assert run_due() == 0 and job.attempts == 1
    counter.broken = False
    job.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert run_due() == 1
    assert counter.runs == ["flaky"]


def test_a_job_gives_up_after_its_attempts(app, counter):
    from core.jobs import MAX_ATTEMPTS

    job = enqueue("counter.flaky")
    db.session.commit()
    for _ in range(MAX_ATTEMPTS):
        job.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        run_due()
        db.session.refresh(job)
    assert job.status == "failed"


def test_unknown_job_kinds_are_refused_when_queued(app):
    from core.jobs import UnknownJob

    with pytest.raises(UnknownJob):
        enqueue("nobody.provides.this")


def test_a_schedule_queues_its_job_once_per_period(app, counter):
    now = utcnow()
    assert run_schedules(now) == 0  # first sight: the period starts now
    assert run_schedules(now + timedelta(minutes=59)) == 0
    assert run_schedules(now + timedelta(minutes=61)) == 1
    assert run_schedules(now + timedelta(minutes=62)) == 0  # another worker, same period
    run_due()
    assert counter.runs == ["hourly"]


@pytest.fixture
def redis_url():
    url = redis_url_for_tests("RQ jobs")
    from redis import Redis

    Redis.from_url(url).flushdb()
    yield url
    Redis.from_url(url).flushdb()


def test_with_redis_jobs_go_through_rq_and_run_once(app, counter, redis_url):
    from core.jobs import dispatch, rq_queue

    app.config["REDIS_URL"] = redis_url
    job = enqueue("counter.count", label="shared")
    db.session.commit()  # handed to RQ once committed
    assert rq_queue().count == 1
    # Handed out once more (say, by a worker's round that thought it lost): RQ holds both, the
    # job runs once.
    dispatch([job.id])
    assert rq_queue().count == 2
    done = worker_round()
    assert rq_queue().count == 0
    assert counter.runs == ["shared"]
    db.session.refresh(job)
    assert job.status == "done"
    assert "jobs" not in done  # the database poller is not used when RQ carries the jobs


def test_with_redis_a_job_is_handed_to_rq_once_committed_and_never_when_rolled_back(app, counter, redis_url):
    from core.jobs import rq_queue

    app.config["REDIS_URL"] = redis_url
    rq_queue().empty()
    enqueue("counter.count", label="rolled back")
    db.session.rollback()
    assert rq_queue().count == 0
    enqueue("counter.count", label="committed")
    assert rq_queue().count == 0, "not before the commit: the job may still be rolled back"
    db.session.commit()
    assert rq_queue().count == 1
    worker_round()
    assert counter.runs == ["committed"]


@pytest.mark.parametrize("through", ["database", "rq"])
def test_a_worker_asked_to_stop_ends_the_job_under_way_and_leaves_the_others(
        app, counter, monkeypatch, through, request):
    """SIGTERM during a job (core.heartbeat.stopping_gracefully): that job ends, the next ones
    wait for the next worker, whether the jobs go through the database or through RQ."""
    from core import heartbeat

    if through == "rq":
        app.config["REDIS_URL"] = request.getfixturevalue("redis_url")
    real_count = counter.count

    def count_then_asked_to_stop(label):
        real_count(label)
        monkeypatch.setattr(heartbeat, "_stop_asked", True)

    monkeypatch.setattr(counter, "count", count_then_asked_to_stop)
    jobs = [enqueue("counter.count", label=f"job {n}") for n in range(3)]
    db.session.commit()
    worker_round()
    assert len(counter.runs) == 1
    statuses = sorted(db.session.get(Job, job.id).status for job in jobs)
    assert statuses == ["done", "pending", "pending"]
