"""Comments, proved with the noticeboard plugin."""

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from core.accounts.data import build_export, delete_account
from core.services.comments import Comment
from core.database import db, utcnow
from core.services.follows import follow, is_following
from core.services.notifications import Notification
from core.testing import body

from . import noticeboard


@pytest.fixture
def app_config():
    # Pages in English whatever the catalogs hold, so that the sentences below stay readable.
    return {"EXTRA_PLUGINS": {"noticeboard": noticeboard}, "LANGUAGES": ["en"], "BABEL_DEFAULT_LOCALE": "en"}


@pytest.fixture
def notice(users, make_notice):
    return make_notice(users["staff"])


def comment_on(client, notice, text, follow_redirects=True, **fields):
    return client.post(
        f"/content/noticeboard.notice/{notice.id}/comments",
        data={"body": text, **fields},
        follow_redirects=follow_redirects,
    )


def comments_of(notice) -> list[Comment]:
    return list(db.session.scalars(
        select(Comment).where(Comment.content_id == notice.id).order_by(Comment.id)
    ))


def test_comment_and_replies_are_threaded_rendered_and_sanitised(client, users, login, notice, make_user):
    login(client, users["resident"])
    response = comment_on(
        client, notice, "**Great** idea <script>alert('x')</script> [map](javascript:alert(1))", stance="for"
    )
    assert response.status_code == 200
    assert "Your comment has been published." in response.text
    assert "<strong>Great</strong> idea" in response.text
    assert "<script>alert" not in response.text
    assert 'href="javascript:' not in response.text
    assert "Position: In favour" in response.text
    [first] = comments_of(notice)
    client.post("/account/logout")

    other = make_user("odile@example.org", "Odile Other")
    login(client, other)
    page = client.get(f"/content/noticeboard.notice/{notice.id}/comments?reply_to={first.id}")
    assert "Reply to Rose Resident" in page.text
    comment_on(client, notice, "I *agree*.", reply_to=first.id)
    [_, reply] = comments_of(notice)
    assert reply.parent_id == first.id
    client.post("/account/logout")

    # A reply to a reply stays in the same thread, and says whom it answers.
    login(client, users["resident"])
    response = comment_on(client, notice, "Thanks!", reply_to=reply.id)
    [_, _, answer] = comments_of(notice)
    assert answer.parent_id == first.id and answer.reply_to_id == reply.id
    replies = response.text.split('class="comment-replies"')[1]
    assert "<em>agree</em>" in replies and "Thanks!" in replies
    assert "in reply to Odile Other" in replies
    assert "3 comments" in response.text
    db.session.refresh(notice)
    assert notice.comment_count == 3


def test_stance_is_only_asked_where_the_content_type_wants_it(client, users, login, notice):
    login(client, users["resident"])
    page = client.get(f"/notices/{notice.id}")
    assert "Your position" in page.text and "Against" in page.text
    comment_on(client, notice, "Too expensive.", stance="against")
    [comment] = comments_of(notice)
    assert comment.stance == "against"
    assert "Position: Against" in client.get(f"/notices/{notice.id}").text
    response = comment_on(client, notice, "Hmm.", stance="maybe")
    assert "Not a valid choice" in response.text or "valid choice" in response.text
    assert len(comments_of(notice)) == 1


def test_empty_comment_is_refused_with_a_message(client, users, login, notice):
    login(client, users["resident"])
    response = comment_on(client, notice, "   ")
    assert "Write your comment before sending it." in response.text
    assert comments_of(notice) == []


def test_author_edits_within_the_time_limit_and_not_after(client, users, login, notice):
    login(client, users["resident"])
    comment_on(client, notice, "Ten trees.")
    [comment] = comments_of(notice)
    page = client.get(f"/notices/{notice.id}")
    assert f"/comments/{comment.id}/edit" in page.text
    response = client.post(f"/comments/{comment.id}/edit", data={"body": "Twelve trees."}, follow_redirects=True)
    assert "Your comment has been changed." in response.text
    assert "Twelve trees." in response.text and "edited" in response.text
    db.session.refresh(comment)
    assert comment.body == "Twelve trees." and comment.edited_at is not None

    comment.created_at = utcnow() - timedelta(minutes=16)
    db.session.commit()
    assert f"/comments/{comment.id}/edit" not in client.get(f"/notices/{notice.id}").text
    response = client.post(f"/comments/{comment.id}/edit", data={"body": "Fifty trees."}, follow_redirects=True)
    assert "A comment can be changed only within 15 minutes of posting it." in response.text
    db.session.refresh(comment)
    assert comment.body == "Twelve trees."


def test_the_edit_time_limit_comes_from_configuration(client, app, users, login, notice):
    app.config["COMMENT_EDIT_MINUTES"] = 60
    login(client, users["resident"])
    comment_on(client, notice, "Ten trees.")
    [comment] = comments_of(notice)
    comment.created_at = utcnow() - timedelta(minutes=30)
    db.session.commit()
    client.post(f"/comments/{comment.id}/edit", data={"body": "Eleven trees."})
    db.session.refresh(comment)
    assert comment.body == "Eleven trees."


def test_nobody_else_edits_a_comment(client, users, login, notice, make_user):
    login(client, users["resident"])
    comment_on(client, notice, "Ten trees.")
    [comment] = comments_of(notice)
    client.post("/account/logout")
    login(client, make_user("mallory@example.org"))
    assert client.post(f"/comments/{comment.id}/edit", data={"body": "Spam"}).status_code == 403
    db.session.refresh(comment)
    assert comment.body == "Ten trees."


def test_closed_comments_are_refused_with_a_message(client, users, login, make_notice):
    notice = make_notice(users["staff"], state="accepted")
    login(client, users["resident"])
    page = client.get(f"/notices/{notice.id}")
    assert "Comments are closed." in page.text
    assert 'name="body"' not in page.text
    response = comment_on(client, notice, "Too late?")
    assert "Comments are closed." in response.text
    assert comments_of(notice) == []
    db.session.refresh(notice)
    assert notice.comment_count == 0


def test_unconfirmed_accounts_are_refused_with_a_message(client, users, login, notice):
    resident = users["resident"]
    login(client, resident)
    resident.email_confirmed_at = None  # e.g. an address being changed
    db.session.commit()
    page = client.get(f"/notices/{notice.id}")
    assert "Confirm your e-mail address before commenting" in page.text
    response = comment_on(client, notice, "Let me in")
    assert "Confirm your e-mail address before commenting" in response.text
    assert comments_of(notice) == []


def test_visitors_are_invited_to_log_in(client, notice):
    page = client.get(f"/notices/{notice.id}")
    assert "Log in to comment." in page.text
    response = comment_on(client, notice, "Anonymous", follow_redirects=False)
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    assert comments_of(notice) == []


def test_comments_of_content_one_may_not_see_are_404(client, users, login, make_notice):
    draft = make_notice(users["staff"], state="draft")
    login(client, users["resident"])
    assert comment_on(client, draft, "Peek", follow_redirects=False).status_code == 404
    assert client.post("/content/noticeboard.notice/999/comments", data={"body": "x"}).status_code == 404
    assert client.post("/content/nothing.here/1/comments", data={"body": "x"}).status_code == 404


def test_commenting_follows_the_item_and_notifies_its_followers(client, users, login, notice, make_user, smtp):
    follower = make_user("fanny@example.org", "Fanny Follower", locale="en")
    follow(follower, notice)
    db.session.commit()
    login(client, users["resident"])
    comment_on(client, notice, "Count me in.")
    assert is_following(users["resident"], notice)

    [notification] = db.session.scalars(select(Notification).where(Notification.user_id == follower.id))
    assert notification.kind == "comments.new"
    assert "Rose Resident" in notification.message and notice.title in notification.message
    [mail] = smtp.wait_for(follower.email)
    assert notice.title in body(mail)
    # The commenter is not told about their own comment.
    assert db.session.scalar(
        select(func.count()).select_from(Notification).where(Notification.user_id == users["resident"].id)
    ) == 0


def test_comment_count_follows_every_comment(client, users, login, notice, make_user):
    for n in range(3):
        login(client, make_user(f"person{n}@example.org"))
        comment_on(client, notice, f"Comment {n}")
        client.post("/account/logout")
    db.session.refresh(notice)
    assert notice.comment_count == 3 == len(comments_of(notice))
    assert "3 comments" in client.get(f"/notices/{notice.id}").text


def test_a_thread_costs_the_same_queries_whatever_its_length(client, app, users, notice, make_user):
    def add_comments(count):
        for n in range(count):
            author = make_user(f"writer{count}-{n}@example.org")
            root = Comment(content_type=notice.content_type_name, content_id=notice.id, author_id=author.id,
                           body=f"Root {n}")
            db.session.add(root)
            db.session.flush()
            db.session.add(Comment(content_type=notice.content_type_name, content_id=notice.id,
                                   author_id=users["resident"].id, body=f"Reply {n}", parent_id=root.id,
                                   reply_to_id=root.id))
        db.session.commit()

    def queries_for_page():
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            response = client.get(f"/notices/{notice.id}")
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert response.status_code == 200
        return len(statements)

    add_comments(2)
    queries_for_page()  # the first request also loads what the app keeps afterwards
    few = queries_for_page()
    add_comments(10)
    assert "Root 9" in client.get(f"/notices/{notice.id}").text
    assert queries_for_page() == few


def test_deleted_authors_show_as_deleted_participants_and_keep_their_comments(client, users, login, notice):
    resident = users["resident"]
    login(client, resident)
    comment_on(client, notice, "Plant lime trees.", stance="for")
    export = build_export(resident)
    [exported] = export["core.services.comments"]["comments"]
    assert exported["text"] == "Plant lime trees." and exported["position"] == "for"

    delete_account(resident)
    page = client.application.test_client().get(f"/notices/{notice.id}")
    assert "Plant lime trees." in page.text
    assert "Deleted participant" in page.text
    assert "Rose Resident" not in page.text


def test_long_discussions_are_paged_by_thread(client, users, notice, make_user):
    from core.services.comments.threads import THREADS_PER_PAGE

    for n in range(THREADS_PER_PAGE + 2):
        db.session.add(Comment(content_type=notice.content_type_name, content_id=notice.id,
                               author_id=users["resident"].id, body=f"Thread number {n}."))
    db.session.commit()
    first = client.get(f"/notices/{notice.id}")
    assert "Thread number 0." in first.text and f"Thread number {THREADS_PER_PAGE}." not in first.text
    assert "Later comments" in first.text
    second = client.get(f"/notices/{notice.id}?comments_page=2")
    assert f"Thread number {THREADS_PER_PAGE + 1}." in second.text and "Thread number 0." not in second.text


def _thread_with_replies(notice, users, make_user, replies: int) -> Comment:
    root = Comment(content_type=notice.content_type_name, content_id=notice.id,
                   author_id=users["resident"].id, body="Where should the new bench go?")
    db.session.add(root)
    db.session.flush()
    for n in range(replies):
        author = make_user(f"answer{n}@example.org", f"Answerer {n}")
        db.session.add(Comment(content_type=notice.content_type_name, content_id=notice.id,
                               author_id=author.id, body=f"Reply number {n}.", parent_id=root.id,
                               reply_to_id=root.id))
    db.session.commit()
    return root


def test_long_threads_show_their_first_replies_and_link_to_the_others(client, users, notice, make_user):
    from core.services.comments.threads import REPLIES_SHOWN

    root = _thread_with_replies(notice, users, make_user, REPLIES_SHOWN + 4)
    page = client.get(f"/notices/{notice.id}").text
    for n in range(REPLIES_SHOWN):
        assert f"Reply number {n}." in page
    assert f"Reply number {REPLIES_SHOWN}." not in page
    # A plain link (no JavaScript) to the whole thread, saying how many replies it holds.
    link = f'href="/comments/{root.id}/replies"'
    assert link in page and "Show the 4 other replies" in page

    thread = client.get(f"/comments/{root.id}/replies")
    assert thread.status_code == 200
    assert "Where should the new bench go?" in thread.text
    for n in range(REPLIES_SHOWN + 4):
        assert f"Reply number {n}." in thread.text
    assert f"{REPLIES_SHOWN + 4} replies" in thread.text


def test_a_short_thread_has_no_link_to_more_replies(client, users, notice, make_user):
    from core.services.comments.threads import REPLIES_SHOWN

    _thread_with_replies(notice, users, make_user, REPLIES_SHOWN)
    page = client.get(f"/notices/{notice.id}").text
    assert f"Reply number {REPLIES_SHOWN - 1}." in page
    assert "other repl" not in page


def test_the_thread_page_is_paged_and_a_reply_opens_the_thread(client, users, notice, make_user, monkeypatch):
    import core.services.comments.threads

    monkeypatch.setattr(core.services.comments.threads, "REPLIES_PER_PAGE", 4)
    root = _thread_with_replies(notice, users, make_user, 6)
    first = client.get(f"/comments/{root.id}/replies")
    assert "Reply number 3." in first.text and "Reply number 4." not in first.text
    assert "Later replies" in first.text
    second = client.get(f"/comments/{root.id}/replies?page=2")
    assert "Reply number 5." in second.text and "Reply number 0." not in second.text

    # A reply's own address leads to its thread.
    reply_id = comments_of(notice)[-1].id
    assert client.get(f"/comments/{reply_id}/replies").headers["Location"].endswith(f"/comments/{root.id}/replies")


def test_replying_to_a_long_thread_lands_on_the_new_reply(client, users, login, notice, make_user):
    from core.services.comments.threads import REPLIES_SHOWN

    root = _thread_with_replies(notice, users, make_user, REPLIES_SHOWN + 1)
    login(client, users["resident"])
    response = client.post(f"/content/noticeboard.notice/{notice.id}/comments?reply_to={root.id}",
                           data={"body": "I agree with the others."})
    new_reply = comments_of(notice)[-1]
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/comments/{root.id}/replies#comment-{new_reply.id}")
    assert "I agree with the others." in client.get(response.headers["Location"]).text


def test_threads_of_content_one_may_not_see_are_404(client, users, make_notice, make_user):
    draft = make_notice(users["staff"], state="draft")
    root = _thread_with_replies(draft, users, make_user, 1)
    assert client.get(f"/comments/{root.id}/replies").status_code == 404
    assert client.get("/comments/999999/replies").status_code == 404


def test_an_item_page_costs_the_same_queries_whatever_the_length_of_its_threads(client, users, notice, make_user):
    from core.testing import count_queries

    root = _thread_with_replies(notice, users, make_user, 2)
    count_queries(client, f"/notices/{notice.id}")
    few, _response = count_queries(client, f"/notices/{notice.id}")
    for n in range(10):
        db.session.add(Comment(content_type=notice.content_type_name, content_id=notice.id,
                               author_id=users["resident"].id, body=f"More {n}", parent_id=root.id,
                               reply_to_id=root.id))
    db.session.commit()
    many, response = count_queries(client, f"/notices/{notice.id}")
    assert "Show the 9 other replies" in response.text
    assert many == few


def test_a_crowd_of_followers_gets_its_mail_from_the_worker_and_none_is_lost(
        app, client, users, login, notice, make_user, smtp):
    import time

    from core.jobs import worker_round
    from core.mail import OutboxMessage

    IMMEDIATE_LIMIT = app.config["MAIL_IMMEDIATE_LIMIT"]
    assert IMMEDIATE_LIMIT == 5, "the default"

    followers = [make_user(f"follower{n}@example.org", f"Follower {n}", locale="en")
                 for n in range(IMMEDIATE_LIMIT + 3)]
    for follower in followers:
        follow(follower, notice)
    db.session.commit()
    login(client, users["resident"])
    comment_on(client, notice, "Count us all in.")

    # The request sent only the first few mails; the others wait in the outbox, due now.
    time.sleep(0.3)  # the SMTP server receives in another thread
    queued = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    assert queued >= len(followers)  # the followers, and the notice's author who follows it
    assert len(smtp.messages) == IMMEDIATE_LIMIT
    pending = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == "pending")).all()
    assert len(pending) == queued - IMMEDIATE_LIMIT

    worker_round()
    for follower in followers:
        [mail] = smtp.wait_for(follower.email)
        assert notice.title in body(mail)
    time.sleep(0.3)
    assert len(smtp.messages) == queued  # every mail once, none twice
    db.session.expire_all()
    assert db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status != "sent")
    ) == 0


def test_a_comment_carrying_a_nul_character_is_saved_without_it(client, users, login, make_notice):
    """Pasted text can carry NUL characters, which PostgreSQL refuses: the words are kept."""
    notice = make_notice(users["resident"])
    login(client, users["resident"])
    response = client.post(f"/content/noticeboard.notice/{notice.id}/comments",
                           data={"body": "Des bancs\x00 à l'ombre, s'il vous plaît."})
    assert response.status_code == 302
    assert comments_of(notice)[-1].body == "Des bancs à l'ombre, s'il vous plaît."
