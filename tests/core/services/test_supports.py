"""Supports: one per eligible person, withdrawable, counted without a query per item."""

import pytest

from core.database import db
from core.services.supports import Support
from core.testing import count_queries


def support(client, notice, action="support"):
    return client.post(f"/content/noticeboard.notice/{notice.id}/support",
                       data={"action": action}, follow_redirects=True)


def test_a_resident_supports_once_and_withdraws(client, users, login, make_notice):
    notice = make_notice(users["staff"])
    login(client, users["resident"])
    response = support(client, notice)
    assert "Thank you, your support is counted." in response.text
    assert "1 support" in response.text
    assert "Withdraw my support" in response.text

    response = support(client, notice)  # a second time: still one
    assert "You already support this." in response.text
    db.session.refresh(notice)
    assert notice.support_count == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Support)) == 1

    response = support(client, notice, "withdraw")
    assert "Your support has been withdrawn." in response.text
    db.session.refresh(notice)
    assert notice.support_count == 0


def test_the_content_type_decides_when_supports_are_open(client, users, login, make_notice):
    notice = make_notice(users["staff"], state="accepted")  # noticeboard: closed once decided
    login(client, users["resident"])
    page = client.get(f"/notices/{notice.id}")
    assert "Supports are closed for this notice." in page.text
    response = support(client, notice)
    assert "Supports are closed for this notice." in response.text
    db.session.refresh(notice)
    assert notice.support_count == 0


def test_unconfirmed_accounts_and_authors_cannot_support(client, users, make_user, login, make_notice):
    notice = make_notice(users["resident"])
    login(client, users["resident"])
    assert "You cannot support what you proposed yourself." in support(client, notice).text
    db.session.refresh(notice)
    assert notice.support_count == 0


def test_visitors_are_asked_to_log_in(client, users, make_notice):
    notice = make_notice(users["resident"])
    assert "Log in to support." in client.get(f"/notices/{notice.id}").text
    response = client.post(f"/content/noticeboard.notice/{notice.id}/support", data={"action": "support"})
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_a_hidden_or_draft_notice_cannot_be_supported(client, users, login, make_notice):
    draft = make_notice(users["staff"], state="draft")
    login(client, users["resident"])
    response = client.post(f"/content/noticeboard.notice/{draft.id}/support", data={"action": "support"})
    assert response.status_code == 404




@pytest.mark.parametrize("role", ["resident", None])
def test_a_list_of_50_costs_the_same_queries_as_a_list_of_5(app, client, users, login, make_notice, role):
    author = users["staff"]
    for number in range(50):
        make_notice(author, title=f"Notice {number}")
    if role:
        login(client, users[role])
        # The visitor supports a few, so the page has both kinds of buttons.
        for notice_id in (1, 2, 3):
            client.post(f"/content/noticeboard.notice/{notice_id}/support", data={"action": "support"})
    client.get("/notices/?per_page=1")  # warm-up: the session's first queries are not the list's
    few, small = count_queries(client, "/notices/?per_page=5")
    many, large = count_queries(client, "/notices/?per_page=50")
    assert small.text.count('class="card"') == 5
    assert large.text.count('class="card"') == 50
    assert many == few
