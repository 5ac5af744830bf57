"""Official answers, follows and notifications, through the local SMTP server."""

from datetime import timedelta

from core.database import db, utcnow
from core.services.follows import follower_ids
from core.jobs import worker_round
from core.mail import OutboxMessage
from core.services.notifications import Notification, send_digests
from core.testing import body


def answer(client, notice, state="accepted", text="The city will plant ten trees.", publish=True):
    data = {"state": state, "body": text}
    if publish:
        data["publish_now"] = "y"
    return client.post(f"/content/noticeboard.notice/{notice.id}/answer", data=data,
                       follow_redirects=True)


def test_staff_answer_is_published_and_followers_get_a_mail(client, users, login, make_notice, smtp, make_user):
    follower = make_user("follower@example.org", "Fanny Follower")
    notice = make_notice(users["resident"])
    login(client, follower)
    response = client.post(f"/content/noticeboard.notice/{notice.id}/follow", data={"action": "follow"},
                           follow_redirects=True)
    assert "You follow this page" in response.text
    client.post("/account/logout")

    login(client, users["staff"])
    response = answer(client, notice)
    assert "The answer is published; followers are notified." in response.text
    assert "The city&#39;s answer" in response.text or "The city's answer" in response.text
    assert "The city will plant ten trees." in response.text
    db.session.refresh(notice)
    assert notice.state == "accepted"

    # The follower and the author are told, each once, by mail and on their notifications page.
    for user in (follower, users["resident"]):
        [mail] = smtp.wait_for(user.email)
        assert "Plant trees in Rebberg square" in body(mail)
        assert f"/notices/{notice.id}" in body(mail)
    assert smtp.to(users["staff"].email) == []
    client.post("/account/logout")
    login(client, follower)
    page = client.get("/notifications/")
    assert "Plant trees in Rebberg square" in page.text
    assert 'class="badge-count">1<' in page.text  # the unread counter in the header


def test_held_answers_are_published_together(client, users, login, make_notice, smtp):
    first = make_notice(users["resident"], title="Benches on the Place de la Réunion")
    second = make_notice(users["resident"], title="A bike lane on rue du Sauvage")
    login(client, users["staff"])
    assert "The answer is held" in answer(client, first, publish=False).text
    answer(client, second, state="rejected", text="The street is too narrow.", publish=False)
    public = client.application.test_client()
    assert "The city will plant ten trees." not in public.get(f"/notices/{first.id}").text
    db.session.refresh(first)
    assert first.state == "published"
    assert smtp.messages == []

    page = client.get("/admin/answers")
    assert "Benches on the Place de la Réunion" in page.text
    from core.services.answers import Answer

    ids = [a.id for a in db.session.scalars(db.select(Answer).order_by(Answer.id))]
    response = client.post("/admin/answers", data={"answer": [str(i) for i in ids]}, follow_redirects=True)
    assert "2 answer(s) published" in response.text
    db.session.refresh(first)
    db.session.refresh(second)
    assert (first.state, second.state) == ("accepted", "rejected")
    assert "The street is too narrow." in public.get(f"/notices/{second.id}").text
    assert len(smtp.wait_for(users["resident"].email, count=2)) == 2


def test_residents_cannot_answer(client, users, login, make_notice):
    notice = make_notice(users["resident"])
    login(client, users["resident"])
    assert "Answer for the city" not in client.get(f"/notices/{notice.id}").text
    assert answer(client, notice).status_code == 403
    assert client.get("/admin/answers").status_code == 403


def test_authors_follow_automatically_and_can_stop(client, users, login):
    login(client, users["resident"])
    response = client.post("/notices/new", data={"title": "Street party", "body": "On June 21st."})
    notice_id = int(response.headers["Location"].rsplit("/", 1)[1])
    from tests.core.services.noticeboard.models import Notice

    notice = db.session.get(Notice, notice_id)
    assert follower_ids(notice) == [users["resident"].id]
    client.post(f"/content/noticeboard.notice/{notice_id}/follow", data={"action": "unfollow"})
    assert follower_ids(notice) == []


def test_preferences_daily_digest_and_none(app, client, users, login, make_notice, make_user, smtp):
    daily = make_user("daily@example.org", "Danièle Daily")
    daily.notification_frequency = "daily"
    silent = make_user("silent@example.org", "Simon Silent")
    silent.notification_frequency = "none"
    db.session.commit()
    notice = make_notice(users["resident"])
    from core.services.follows import follow

    for user in (daily, silent):
        follow(user, notice)
    db.session.commit()
    login(client, users["staff"])
    client.post(f"/content/noticeboard.notice/{notice.id}/transition/review", data={"comment": ""})
    answer(client, notice)
    # Both are notified on the site; neither gets a mail at once.
    for user in (daily, silent):
        assert db.session.scalar(db.select(db.func.count()).select_from(Notification)
                                 .where(Notification.user_id == user.id)) == 2
    assert smtp.to(daily.email) == [] and smtp.to(silent.email) == []
    # The daily digest gathers the two notifications in one mail; nothing for "none".
    assert send_digests() == 1
    worker_round()
    [digest] = smtp.wait_for(daily.email)
    assert "digest" in digest["Subject"].lower() or "récapitulatif" in digest["Subject"].lower()
    assert body(digest).count(f"/notices/{notice.id}") == 2
    assert send_digests() == 0  # each notification goes in one digest only
    assert smtp.to(silent.email) == []


def test_a_mail_server_outage_loses_nothing_and_sends_each_mail_once(app, client, users, login, make_notice, smtp):
    notice = make_notice(users["resident"])
    login(client, users["staff"])
    smtp.stop()
    try:
        response = answer(client, notice, state="under_review", text="We study it.")
        assert response.status_code == 200  # the request does not fail
        assert "The answer is published" in response.text
        response = client.post(f"/content/noticeboard.notice/{notice.id}/transition/reject",
                               data={"comment": "Finally not possible."}, follow_redirects=True)
        assert response.status_code == 200
        pending = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.status == "pending")).all()
        assert len(pending) == 2
        assert all(m.last_error for m in pending)
    finally:
        smtp.start()
    # Retries wait for their delay: make them due, then let the worker run twice.
    db.session.execute(db.update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    worker_round()
    worker_round()
    mails = smtp.wait_for(users["resident"].email, count=2)
    assert len(mails) == 2
    assert len({m["Message-ID"] for m in mails}) == 2
    assert all(m.status == "sent" for m in db.session.scalars(db.select(OutboxMessage)))


def test_mark_notifications_read(client, users, login, make_notice):
    from core.services.notifications import notify

    notify([users["resident"]], "test", lambda: "Your notice was read by the mayor", url="/notices/")
    db.session.commit()
    login(client, users["resident"])
    page = client.get("/notifications/")
    assert "Your notice was read by the mayor" in page.text
    assert 'class="badge-count"' in page.text
    client.post("/notifications/read")
    assert 'class="badge-count"' not in client.get("/notifications/").text


def test_a_large_audience_is_notified_by_background_jobs(app, client, users, login, make_notice,
                                                         make_user, smtp):
    """Beyond NOTIFY_IMMEDIATE_LIMIT followers, the staff's request only queues the work: the
    worker creates every notification, in each follower's language, and sends their mails."""
    from core.services.follows import follow
    from core.jobs import Job

    app.config["NOTIFY_IMMEDIATE_LIMIT"] = 2
    app.config["LANGUAGES"] = ["en", "fr"]
    notice = make_notice(users["resident"], title="Plant trees in Rebberg square")
    followers = [make_user(f"follower{n}@example.org", f"Follower {n}", locale="fr" if n % 2 else "en")
                 for n in range(5)]
    followers[4].notification_frequency = "none"
    for follower in followers:
        follow(follower, notice)
    db.session.commit()

    login(client, users["staff"])
    response = client.post(f"/content/noticeboard.notice/{notice.id}/transition/review",
                           data={"comment": ""}, follow_redirects=True)
    assert response.status_code == 200
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 0
    # One job reads the followers when it runs (the request wrote one row)...
    [job] = db.session.scalars(db.select(Job)).all()
    assert job.kind == "notifications.followers"
    assert (job.payload["content_type"], job.payload["content_id"]) == ("noticeboard.notice", notice.id)
    assert job.payload["also"] == [users["resident"].id]

    # ...and queues the batches of notifications, which the worker's next round creates.
    worker_round()
    [batch] = db.session.scalars(db.select(Job).where(Job.kind == "notifications.fan_out")).all()
    assert sorted(batch.payload["user_ids"]) == sorted([f.id for f in followers] + [users["resident"].id])

    worker_round()
    notified = {n.user_id: n for n in db.session.scalars(db.select(Notification))}
    assert set(notified) == {f.id for f in followers} | {users["resident"].id}
    assert users["staff"].id not in notified  # who acted is not told
    from flask_babel import force_locale, gettext

    def expected(locale):
        with app.test_request_context(), force_locale(locale):
            return gettext("“%(title)s” is now: %(state)s.", title="Plant trees in Rebberg square",
                           state=gettext("Under review"))

    assert expected("fr") != expected("en")
    for follower in followers:
        assert notified[follower.id].message == expected(follower.locale)
    for follower in followers[:4]:
        [mail] = smtp.wait_for(follower.email)
        assert f"/notices/{notice.id}" in body(mail)
    assert smtp.to(followers[4].email) == []
