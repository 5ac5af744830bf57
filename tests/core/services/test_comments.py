"""Comments, proved with the noticeboard plugin."""

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from core.accounts.gdpr import build_export, delete_account
from core.comments import Comment
from core.database import db, utcnow
from core.follows import follow, is_following
from core.notifications import Notification
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
    [exported] = export["core.comments"]["comments"]
    assert exported["text"] == "Plant lime trees." and exported["position"] == "for"

    delete_account(resident)
    page = client.application.test_client().get(f"/notices/{notice.id}")
    assert "Plant lime trees." in page.text
    assert "Deleted participant" in page.text
    assert "Rose Resident" not in page.text


def test_long_discussions_are_paged_by_thread(client, users, notice, make_user):
    from core.comments import THREADS_PER_PAGE

    for n in range(THREADS_PER_PAGE + 2):
        db.session.add(Comment(content_type=notice.content_type_name, content_id=notice.id,
                               author_id=users["resident"].id, body=f"Thread number {n}."))
    db.session.commit()
    first = client.get(f"/notices/{notice.id}")
    assert "Thread number 0." in first.text and f"Thread number {THREADS_PER_PAGE}." not in first.text
    assert "Later comments" in first.text
    second = client.get(f"/notices/{notice.id}?comments_page=2")
    assert f"Thread number {THREADS_PER_PAGE + 1}." in second.text and "Thread number 0." not in second.text
