"""Reports, hiding and the moderation queue, proved with the noticeboard plugin."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.accounts.data import build_export, delete_account
from core.services.audit import AuditEntry
from core.services.comments import Comment
from core.database import db, utcnow
from core.services.moderation import Report, ReportRefused, load_target, report
from core.services.notifications import Notification

from . import noticeboard


@pytest.fixture
def app_config():
    # Pages in English whatever the catalogs hold, so that the sentences below stay readable.
    return {"EXTRA_PLUGINS": {"noticeboard": noticeboard}, "LANGUAGES": ["en"], "BABEL_DEFAULT_LOCALE": "en"}


@pytest.fixture
def notice(users, make_notice):
    return make_notice(users["resident"], title="Graffiti on the school wall")


@pytest.fixture
def reporters(make_user):
    return [make_user(f"reporter{n}@example.org", f"Reporter {n}") for n in range(4)]


def send_report(client, target_type, target_id, reason="spam", details="", follow_redirects=True):
    return client.post(
        f"/report/{target_type}/{target_id}",
        data={"reason": reason, "details": details},
        follow_redirects=follow_redirects,
    )


def report_as(client, login, user, target_type, target_id, **fields):
    login(client, user)
    response = send_report(client, target_type, target_id, **fields)
    client.post("/account/logout")
    return response


def notifications_of(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def add_comment(notice, author, text="You are all idiots."):
    comment = Comment(content_type=notice.content_type_name, content_id=notice.id, author_id=author.id, body=text)
    db.session.add(comment)
    db.session.commit()
    return comment


def test_reports_hide_a_notice_until_a_moderator_keeps_it(client, users, login, notice, reporters):
    public = client.application.test_client()
    login(client, reporters[0])
    page = client.get(f"/report/noticeboard.notice/{notice.id}")
    assert "What is wrong?" in page.text and "Spam or advertising" in page.text
    response = send_report(client, "noticeboard.notice", notice.id, reason="off_topic")
    assert "Thank you. A moderator will look at your report." in response.text
    assert "You reported this content." in response.text
    client.post("/account/logout")
    report_as(client, login, reporters[1], "noticeboard.notice", notice.id)
    assert public.get(f"/notices/{notice.id}").status_code == 200  # two reports: still online

    report_as(client, login, reporters[2], "noticeboard.notice", notice.id, reason="other", details="Not a notice")
    db.session.refresh(notice)
    assert notice.is_hidden
    assert public.get(f"/notices/{notice.id}").status_code == 404
    assert "Graffiti on the school wall" not in public.get("/notices/").text
    [told] = notifications_of(users["resident"])
    assert told.kind == "moderation.reported" and "Graffiti on the school wall" in told.message

    # Its author still sees it, with the banner saying why it is hidden.
    login(client, users["resident"])
    page = client.get(f"/notices/{notice.id}")
    assert page.status_code == 200
    assert "Hidden by moderation while a moderator reviews reports about it." in page.text
    client.post("/account/logout")

    login(client, users["moderator"])
    queue = client.get("/moderation/")
    assert queue.status_code == 200
    assert "Graffiti on the school wall" in queue.text
    assert "3 reports" in queue.text and "Hidden until you decide" in queue.text
    assert "Not a notice" in queue.text
    response = client.post(f"/moderation/noticeboard.notice/{notice.id}/keep",
                           data={"next": "/moderation/"}, follow_redirects=True)
    assert "Visible again; its reports are dismissed." in response.text
    assert "Nothing to review: no report is waiting." in response.text

    db.session.refresh(notice)
    assert not notice.is_hidden
    assert public.get(f"/notices/{notice.id}").status_code == 200
    statuses = db.session.scalars(select(Report.status)).all()
    assert statuses == ["dismissed"] * 3
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "moderation.kept"))
    assert entry.actor_id == users["moderator"].id
    assert (entry.object_type, entry.object_id) == ("noticeboard.notice", str(notice.id))
    assert entry.details["reports"] == 3
    kinds = [n.kind for n in notifications_of(users["resident"])]
    assert kinds == ["moderation.reported", "moderation.kept"]


def test_the_threshold_comes_from_configuration(client, app, login, notice, reporters):
    app.config["MODERATION_HIDE_THRESHOLD"] = 1
    report_as(client, login, reporters[0], "noticeboard.notice", notice.id)
    db.session.refresh(notice)
    assert notice.is_hidden


def test_moderator_hides_a_comment_with_a_reason_everyone_reads(client, users, login, notice, make_user):
    author = make_user("troll@example.org", "Tom Troll")
    comment = add_comment(notice, author)
    login(client, users["moderator"])
    page = client.get(f"/notices/{notice.id}")
    assert f"/moderation/comment/{comment.id}/hide" in page.text
    response = client.post(f"/moderation/comment/{comment.id}/hide", data={"reason": "Insults"},
                           follow_redirects=True)
    assert "Hidden. Its author has been told why." in response.text
    # Moderators can still read the text, folded away.
    assert "Read the hidden text (moderators only)" in response.text
    client.post("/account/logout")

    page = client.get(f"/notices/{notice.id}")
    assert "Hidden by moderation: Insults" in page.text
    assert "You are all idiots." not in page.text
    db.session.refresh(comment)
    assert comment.is_hidden and comment.hidden_reason == "Insults"
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "moderation.hidden"))
    assert (entry.object_type, entry.object_id) == ("comment", str(comment.id))
    assert entry.details["reason"] == "Insults"
    [told] = notifications_of(author)
    assert told.kind == "moderation.hidden" and "Insults" in told.message

    # Shown again from the comment itself.
    login(client, users["moderator"])
    client.post(f"/moderation/comment/{comment.id}/keep")
    db.session.refresh(comment)
    assert not comment.is_hidden and comment.hidden_reason is None
    assert "You are all idiots." in client.get(f"/notices/{notice.id}").text


def test_hiding_needs_a_reason(client, users, login, notice):
    login(client, users["moderator"])
    response = client.post(f"/moderation/noticeboard.notice/{notice.id}/hide", data={"reason": " "},
                           follow_redirects=True)
    assert "Give the reason shown in place of the content." in response.text
    db.session.refresh(notice)
    assert not notice.is_hidden


def test_moderator_hides_a_notice_from_the_queue(client, users, login, notice, reporters):
    report_as(client, login, reporters[0], "noticeboard.notice", notice.id)
    login(client, users["moderator"])
    client.post(f"/moderation/noticeboard.notice/{notice.id}/hide", data={"reason": "Posted twice"})
    db.session.refresh(notice)
    assert notice.is_hidden
    assert db.session.scalar(select(Report.status)) == "upheld"
    assert client.application.test_client().get(f"/notices/{notice.id}").status_code == 404
    # Moderators still open it, with the banner.
    page = client.get(f"/notices/{notice.id}")
    assert "Hidden by moderation: Posted twice" in page.text
    client.post("/account/logout")
    login(client, users["resident"])
    assert "Hidden by moderation: Posted twice" in client.get(f"/notices/{notice.id}").text
    [told] = notifications_of(users["resident"])
    assert "Posted twice" in told.message


def test_residents_cannot_open_the_queue(client, users, login):
    assert client.get("/moderation/").status_code == 302  # visitors are asked to log in
    login(client, users["resident"])
    assert client.get("/moderation/").status_code == 403
    assert client.post("/moderation/noticeboard.notice/1/hide", data={"reason": "x"}).status_code == 403


def test_the_queue_is_an_admin_page_for_moderators(client, users, login):
    login(client, users["moderator"])
    page = client.get("/admin/")
    assert "Moderation queue" in page.text and "/moderation/" in page.text


def test_one_report_per_person(client, users, login, notice, reporters):
    login(client, reporters[0])
    send_report(client, "noticeboard.notice", notice.id)
    response = send_report(client, "noticeboard.notice", notice.id, reason="abuse")
    assert "You have already reported this." in response.text
    assert db.session.scalar(select(func.count()).select_from(Report)) == 1
    target = load_target("noticeboard.notice", notice.id)
    with pytest.raises(ReportRefused):
        report(target, reporters[0], "abuse")


def test_nobody_reports_their_own_contribution(client, users, login, notice):
    login(client, users["resident"])
    assert f"/report/noticeboard.notice/{notice.id}" not in client.get(f"/notices/{notice.id}").text
    response = send_report(client, "noticeboard.notice", notice.id)
    assert "You cannot report what you wrote yourself." in response.text
    assert db.session.scalar(select(func.count()).select_from(Report)) == 0


def test_something_else_needs_details(client, login, notice, reporters):
    login(client, reporters[0])
    response = send_report(client, "noticeboard.notice", notice.id, reason="other")
    assert "Say in a few words what is wrong." in response.text
    assert db.session.scalar(select(func.count()).select_from(Report)) == 0


def test_reported_comments_are_hidden_and_grouped_in_the_queue_oldest_first(
    client, users, login, notice, reporters, make_user
):
    rude = add_comment(notice, make_user("rude@example.org", "Rude Rudy"), "Rude words")
    login(client, reporters[3])
    send_report(client, "noticeboard.notice", notice.id)
    client.post("/account/logout")
    report = db.session.scalar(select(Report))
    report.created_at = utcnow() - timedelta(days=1)  # the notice was reported first
    db.session.commit()
    for reporter in reporters[:3]:
        report_as(client, login, reporter, "comment", rude.id, reason="abuse")
    db.session.refresh(rude)
    assert rude.is_hidden
    page = client.get(f"/notices/{notice.id}")
    assert "Rude words" not in page.text
    assert "Hidden by moderation while a moderator reviews reports about it." in page.text

    login(client, users["moderator"])
    queue = client.get("/moderation/").text
    assert "2 targets waiting for a decision" in queue
    assert queue.index("(Notice, Rose Resident)") < queue.index("Comment by Rude Rudy")
    assert "Insults, harassment or hatred: 3" in queue
    review = client.get(f"/moderation/comment/{rude.id}")
    assert review.status_code == 200 and "Rude words" in review.text


def test_hidden_comments_cannot_be_answered_nor_reported_again(client, users, login, notice, reporters, make_user):
    rude = add_comment(notice, make_user("rude@example.org", "Rude Rudy"), "Rude words")
    login(client, users["moderator"])
    client.post(f"/moderation/comment/{rude.id}/hide", data={"reason": "Insults"})
    client.post("/account/logout")
    login(client, reporters[0])
    page = client.get(f"/notices/{notice.id}")
    assert f"reply_to={rude.id}" not in page.text
    response = client.post(f"/content/noticeboard.notice/{notice.id}/comments",
                           data={"body": "Indeed", "reply_to": rude.id}, follow_redirects=True)
    assert "cannot be answered" in response.text


def test_personal_data_export_and_erasure(client, users, login, notice, reporters):
    reporter = reporters[0]
    report_as(client, login, reporter, "noticeboard.notice", notice.id, reason="other", details="My neighbour wrote it")
    [exported] = build_export(reporter)["core.services.moderation"]["reports"]
    assert exported["details"] == "My neighbour wrote it" and exported["reason"] == "other"
    delete_account(reporter)
    kept = db.session.scalar(select(Report))
    assert kept.details == "" and kept.reason == "other"


def test_deleting_content_deletes_its_comments_and_reports(client, login, notice, reporters, make_user):
    rude = add_comment(notice, make_user("rude@example.org", "Rude Rudy"), "Rude words")
    report_as(client, login, reporters[0], "comment", rude.id, reason="abuse")
    report_as(client, login, reporters[1], "noticeboard.notice", notice.id)
    db.session.delete(notice)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 0
    assert db.session.scalar(select(func.count()).select_from(Report)) == 0


def test_moderators_see_waiting_reports_on_content_still_online(client, users, login, notice, reporters):
    report_as(client, login, reporters[0], "noticeboard.notice", notice.id)
    login(client, users["moderator"])
    page = client.get(f"/notices/{notice.id}")
    assert "1 report is waiting for a decision." in page.text
    assert f"/moderation/noticeboard.notice/{notice.id}" in page.text
    client.post("/account/logout")
    login(client, reporters[1])
    assert "waiting for a decision" not in client.get(f"/notices/{notice.id}").text
