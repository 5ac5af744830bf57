"""One way for things to happen: events reach the plugins once the change is committed, through
the after-commit service, which drops what a rolled-back transaction (or savepoint) queued."""

import pytest

from core.database import db
from core.events import UserRegistered, after_commit, emit
from core.hookspecs import hookimpl
from core.taxonomy import Category


class Listener:
    """A plugin that records the events it hears; ``fail`` makes its reaction raise."""

    def __init__(self):
        self.heard = []
        self.fail = False

    @hookimpl
    def track_event(self, event):
        if self.fail:
            raise RuntimeError("this reaction is broken")
        self.heard.append(event)


@pytest.fixture
def listeners():
    return Listener(), Listener()


@pytest.fixture
def app_config(listeners):
    first, second = listeners
    return {"PLUGINS": ["first", "second"], "EXTRA_PLUGINS": {"first": first, "second": second}}


def category(name="Mobility"):
    row = Category(name=name, slug=name.lower())
    db.session.add(row)
    db.session.flush()
    return row


def test_an_event_is_heard_once_the_change_is_committed_and_never_when_it_is_rolled_back(app, listeners):
    first, _ = listeners
    category()
    emit(UserRegistered(user_id=1))
    assert first.heard == [], "not before the commit"
    db.session.commit()
    assert first.heard == [UserRegistered(user_id=1)]
    category("Nature")
    emit(UserRegistered(user_id=2))
    db.session.rollback()
    db.session.commit()
    assert first.heard == [UserRegistered(user_id=1)]


def test_what_a_savepoint_queued_goes_with_it_and_the_rest_stays(app):
    ran = []
    category()
    after_commit(ran.append, "outside")
    savepoint = db.session.begin_nested()
    after_commit(ran.append, "inside")
    savepoint.rollback()
    with db.session.begin_nested():
        after_commit(ran.append, "inside, kept")
    db.session.commit()
    assert ran == ["outside", "inside, kept"]


def test_once_runs_the_same_work_once_per_transaction(app):
    ran = []
    category()
    for _ in range(3):
        after_commit(ran.append, "expire the kept pages", once=True)
    after_commit(ran.append, "another")
    db.session.commit()
    assert ran == ["expire the kept pages", "another"]


def test_with_nothing_to_wait_for_the_work_runs_at_once(app):
    ran = []
    db.session.commit()
    after_commit(ran.append, "now")
    assert ran == ["now"]


def test_a_transaction_committed_by_its_own_object_has_its_work_run_when_the_context_ends(app):
    ran = []
    with app.app_context():
        with db.session.begin():
            category()
            after_commit(ran.append, "committed by session.begin()")
        assert ran == []
    assert ran == ["committed by session.begin()"]


def test_a_broken_reaction_neither_undoes_the_change_nor_silences_the_other_plugins(app, listeners):
    first, second = listeners
    first.fail = True
    category()
    emit(UserRegistered(user_id=7))
    db.session.commit()
    assert second.heard == [UserRegistered(user_id=7)]
    assert db.session.scalar(db.select(db.func.count()).select_from(Category)) == 1
