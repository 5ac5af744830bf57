"""The core participation services in a real browser, through the noticeboard test plugin.

A resident supports, follows, comments and reports; a moderator hides; staff move the notice
through its workflow and publish the city's answer; the follower receives the mail through the
local SMTP server; search finds the notice, /open-data serves it and /stats counts it. Every
page is checked with axe-core.
"""

import pytest

from core.testing import body
from core.testing.browser import LIVE_SERVER_CONFIG, log_in, ui_text
from tests.core.services.conftest import make_notice  # noqa: F401  (fixture)

pytestmark = pytest.mark.e2e

TITLE = "Des nichoirs au parc Salvator"


@pytest.fixture
def app_config():
    from tests.core.services import noticeboard

    return {**LIVE_SERVER_CONFIG, "EXTRA_PLUGINS": {"noticeboard": noticeboard}}




def click(page, name: str, suffix: str = "", **variables):
    """Click the button named ``name`` (translated), followed by ``suffix`` if given."""
    label = ui_text(page, name, **variables) + suffix
    button = page.get_by_role("main").get_by_role("button", name=label, exact=True)
    with page.expect_navigation():
        button.first.click()


def status_text(page) -> str:
    return " ".join(page.locator(".flash, [role=status], [role=alert]").all_inner_texts())


def test_the_life_of_a_notice_through_every_service(app, page, new_page, users, make_user,
                                                    make_notice, smtp, axe_check):
    from core.taxonomy import Neighbourhood
    from core.database import db

    quarter = Neighbourhood(name="Rebberg", slug="rebberg")
    db.session.add(quarter)
    db.session.commit()
    author = make_user("auteur@example.org", "Aline Auteur")
    notice = make_notice(author, title=TITLE, body="Pour accueillir les mésanges.",
                         neighbourhood_id=quarter.id)
    resident = users["resident"]

    # A resident supports and follows the notice.
    log_in(page, resident.email)
    page.goto(f"/notices/{notice.id}")
    axe_check(page)
    click(page, "Support", f" — {TITLE}")
    assert ui_text(page, "Thank you, your support is counted.") in status_text(page)
    # Supporting made them follow it; they could stop, and follow again.
    assert ui_text(page, "You follow this page.") in page.locator(f"#follow-{notice.id}").inner_text()
    click(page, "Stop following")
    click(page, "Follow")
    assert ui_text(page, "You follow this page: you will be notified of what happens to it.") in status_text(page)
    axe_check(page)

    # They comment; another resident reports the comment; a moderator hides it with a reason.
    page.get_by_label(ui_text(page, "Your comment")).fill("Pensez aux **chauves-souris** aussi.")
    click(page, "Publish my comment")
    comment = page.locator("article.comment").first
    assert comment.locator("strong", has_text="chauves-souris").count() == 1  # Markdown rendered
    axe_check(page)

    neighbour = new_page()
    log_in(neighbour, author.email)
    neighbour.goto(f"/notices/{notice.id}")
    with neighbour.expect_navigation():
        neighbour.get_by_role("link", name=ui_text(neighbour, "Report") + " "
                              + ui_text(neighbour, "the comment of %(name)s", name=resident.display_name)).click()
    axe_check(neighbour)
    neighbour.get_by_label(ui_text(neighbour, "Off topic")).check()
    click(neighbour, "Send my report")

    moderator = new_page()
    log_in(moderator, users["moderator"].email)
    moderator.goto("/moderation/")
    assert resident.display_name in moderator.get_by_role("main").inner_text()
    axe_check(moderator)
    moderator.goto(f"/notices/{notice.id}")
    moderator.locator("article.comment").first.get_by_text(ui_text(moderator, "Hide (moderation)")).click()
    moderator.locator("article.comment").first.get_by_label(ui_text(moderator, "Reason shown to everyone")).fill(
        "Hors sujet pour cet avis.")
    with moderator.expect_navigation():
        moderator.locator("article.comment").first.get_by_role(
            "button", name=ui_text(moderator, "Hide"), exact=True).click()
    page.goto(f"/notices/{notice.id}")
    hidden = page.locator("article.comment").first.inner_text()
    assert "Hors sujet pour cet avis." in hidden and "chauves-souris" not in hidden

    # Staff start the review, then publish the city's answer.
    staff = new_page()
    log_in(staff, users["staff"].email)
    staff.goto(f"/notices/{notice.id}")
    axe_check(staff)
    staff.get_by_label(ui_text(staff, "Public explanation")).first.fill("Le service des parcs l'étudie.")
    click(staff, "Start the review")
    assert "Le service des parcs l'étudie." in staff.locator("#workflow").inner_text()
    staff.get_by_label(ui_text(staff, "Decision")).select_option("accepted")
    staff.get_by_label(ui_text(staff, "Public answer")).fill("Vingt nichoirs seront posés en mars.")
    click(staff, "Save the answer")
    assert ui_text(staff, "The answer is published; followers are notified.") in status_text(staff)
    axe_check(staff)

    # The follower and the author are told by e-mail, and on the site.
    for address in (resident.email, author.email):
        mails = smtp.wait_for(address, count=2)
        assert any(TITLE in body(m) for m in mails)
    page.goto("/notifications/")
    assert TITLE in page.get_by_role("main").inner_text()
    axe_check(page)
    page.goto(f"/notices/{notice.id}")
    assert "Vingt nichoirs seront posés en mars." in page.locator("#answer").inner_text()

    # Search finds it, with the neighbourhood filter; open data and statistics include it.
    visitor = new_page()
    visitor.goto(f"/search?q=nichoir&neighbourhood={quarter.id}")
    assert TITLE in visitor.get_by_role("main").inner_text()
    axe_check(visitor)
    visitor.goto("/open-data")
    axe_check(visitor)
    csv = visitor.request.get("/open-data/notices.csv")
    assert csv.ok and TITLE in csv.text()
    assert "auteur@example.org" not in csv.text()
    visitor.goto("/stats")
    axe_check(visitor)
    assert ui_text(visitor, "Notices published") in visitor.get_by_role("main").inner_text()
