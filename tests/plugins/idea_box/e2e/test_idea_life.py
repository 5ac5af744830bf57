"""The whole life of an idea in a real browser.

A resident proposes an idea through the form (published at once, or approved by a moderator
first, as the setting says); three other residents support it in their own browsers until it
crosses the support threshold and is selected for study; staff add a department, open the study
queue, record the feasibility study and accept the idea with a public answer; they publish the
implementation steps until the idea is done, 100 %. The author and a supporter receive each news
by e-mail at the local SMTP server, in their language, with the idea's title and address. Every
kind of page visited is checked with axe-core.
"""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale, gettext, pgettext

from core.testing import body, links
from core.testing.browser import log_in, ui_text

from .conftest import SUPPORT_THRESHOLD

pytestmark = pytest.mark.e2e

TITLE = "Des fontaines d'eau potable au parc Salvator"
DESCRIPTION = ("L'été, les familles et les joggeurs n'ont nulle part où boire au parc Salvator. "
               "Deux fontaines près des jeux et de l'entrée de la rue de la Sinne suffiraient.")
DEPARTMENT = "Direction des espaces verts"
TECHNICAL = "Le réseau d'eau passe sous l'allée principale : deux raccordements suffisent."
PUBLIC_ANSWER = "Deux fontaines seront installées au printemps, près des jeux et de l'entrée."
FIRST_STEP = "Raccordement au réseau d'eau"
LAST_STEP = "Fontaines mises en service"


# --- What a person does and sees -----------------------------------------------------------------


def click(page, name: str, suffix: str = "", **variables) -> None:
    """Click the button named ``name`` (translated, followed by ``suffix``) in the main content."""
    label = ui_text(page, name, **variables) + suffix
    button = page.get_by_role("main").get_by_role("button", name=label, exact=True)
    with page.expect_navigation():
        button.first.click()


def field(page, label: str):
    """The form field labelled ``label`` (translated)."""
    return page.get_by_label(ui_text(page, label), exact=True)


def status_text(page) -> str:
    """The messages the page shows after an action."""
    return " ".join(page.locator(".flash, [role=status], [role=alert]").all_inner_texts())


def state_shown(page) -> str:
    """The idea's current state as its public page writes it (in the timeline)."""
    return page.locator("#workflow .badge").first.inner_text().strip()


def supports_shown(page) -> str:
    return page.locator(".supports .support-count").first.inner_text().strip()


def idea_id_in(url: str) -> int:
    return int(re.search(r"/ideas/(\d+)", url).group(1))


# --- What the mail should say --------------------------------------------------------------------


def in_language(locale: str, message: str, **variables) -> str:
    """``message`` (an English msgid) as a person reading ``locale`` receives it."""
    with force_locale(locale):
        return gettext(message, **variables)


def idea_state_in_language(locale: str, message: str) -> str:
    """A state label that agrees with "idea" (``msgctxt "idea"``), in ``locale``."""
    with force_locale(locale):
        return pgettext("idea", message)


def news_of_the_idea(locale: str, moderated: bool) -> list[str]:
    """The sentences the idea's author or a follower receives over its life, in ``locale``."""

    def state(name: str) -> str:
        return in_language(locale, "“%(title)s” is now: %(state)s.", title=TITLE,
                           state=in_language(locale, name))

    news = [state("Open for support")] if moderated else []
    return news + [
        state("Selected for study"),
        state("Under study"),
        in_language(locale, "The city has answered “%(title)s”: %(state)s.", title=TITLE,
                    state=idea_state_in_language(locale, "Accepted")),
        in_language(locale, "New step for “%(title)s”: %(step)s (%(progress)s%% done).", title=TITLE,
                    step=FIRST_STEP, progress=40),
        in_language(locale, "“%(title)s” is done: %(step)s.", title=TITLE, step=LAST_STEP),
    ]


def assert_told_by_mail(smtp, person, news: list[str], idea_url: str) -> None:
    """``person`` received one mail per piece of news, each naming the idea and linking to it."""
    mails = smtp.wait_for(person.email, count=len(news))
    assert len(mails) == len(news), [m["Subject"] for m in mails]
    for sentence in news:
        [mail] = [m for m in mails if sentence in body(m)]
        assert TITLE in mail["Subject"]
        assert idea_url in links(mail), body(mail)


# --- The scenario --------------------------------------------------------------------------------


@pytest.mark.parametrize("moderation", ["after", "before"])
def test_the_whole_life_of_an_idea(app, live_server, page, new_page, users, make_user, places,
                                   set_setting, smtp, axe_check, moderation):
    set_setting("moderation", moderation)
    moderated = moderation == "before"
    author = make_user("aline.auteur@example.org", "Aline Auteur", locale="fr")
    supporters = [make_user(f"soutien{n}@example.org", f"Soutien {n}") for n in (1, 2, 3)]

    # The author proposes the idea from the list of ideas.
    log_in(page, author.email)
    page.goto("/ideas/")
    axe_check(page)
    page.get_by_role("main").get_by_role("link", name=ui_text(page, "Propose an idea"), exact=True).click()
    page.wait_for_url("**/ideas/new")
    axe_check(page)
    field(page, "Title of your idea").fill(TITLE)
    field(page, "Describe your idea").fill(DESCRIPTION)
    field(page, "Neighbourhood").select_option(label="Rebberg")
    field(page, "Theme").select_option(label="Nature in the city")
    if moderated:
        click(page, "Send my idea to the moderators")
        assert ui_text(page, "Thank you! Your idea has been sent to the moderators; it will be "
                             "published once approved.") in status_text(page)
        assert state_shown(page) == ui_text(page, "Awaiting moderation")
    else:
        click(page, "Publish my idea")
        published = ui_text(page, "Thank you! Your idea is published: others can now support it.")
        assert published in status_text(page)
    idea_id = idea_id_in(page.url)
    idea_url = live_server.url_for(f"/ideas/{idea_id}")
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    axe_check(page)

    if moderated:
        # A moderator reads it in the moderation queue and publishes it.
        moderator = new_page()
        log_in(moderator, users["moderator"].email)
        moderator.goto("/ideas/moderation")
        axe_check(moderator)
        moderator.get_by_role("main").get_by_role("link", name=TITLE, exact=True).click()
        moderator.wait_for_url(f"**/ideas/{idea_id}*")
        axe_check(moderator)
        click(moderator, "Publish after moderation")
        assert state_shown(moderator) == ui_text(moderator, "Open for support")

    # Three residents support it, each in their own browser; the third support crosses the
    # threshold and the idea is selected for study at once.
    for number, supporter in enumerate(supporters, start=1):
        resident = new_page()
        log_in(resident, supporter.email)
        if number == 1:
            # From the list, where the idea is open for support.
            resident.goto("/ideas/")
            card = resident.locator(f"#idea-{idea_id}")
            assert ui_text(resident, "Open for support") in card.inner_text()
            axe_check(resident)
            click(resident, "Support", f" — {TITLE}")
            resident.goto(f"/ideas/{idea_id}")
        else:
            resident.goto(f"/ideas/{idea_id}")
            click(resident, "Support", f" — {TITLE}")
            assert ui_text(resident, "Thank you, your support is counted.") in status_text(resident)
        count = "%(num)s supports" if number > 1 else "%(num)s support"
        assert supports_shown(resident) == ui_text(resident, count, num=number)
        expected = "Selected for study" if number == SUPPORT_THRESHOLD else "Open for support"
        assert state_shown(resident) == ui_text(resident, expected)
        assert ui_text(resident, "You support this.") in resident.locator(".supports").inner_text()
        if number == 1:
            first_supporter = resident
    axe_check(resident)

    # Staff add the department that will study it, then open the study queue.
    staff = new_page()
    log_in(staff, users["staff"].email)
    staff.goto("/ideas/setup")
    axe_check(staff)
    field(staff, "Name of the department").fill(DEPARTMENT)
    click(staff, "Add the department")
    staff.get_by_role("navigation", name=ui_text(staff, "Administration sections")).get_by_role(
        "link", name=ui_text(staff, "Ideas to study"), exact=True).click()
    staff.wait_for_url("**/ideas/study-queue")
    row = staff.get_by_role("row").filter(has=staff.get_by_role("link", name=TITLE, exact=True))
    assert ui_text(staff, "Selected for study") in row.inner_text()
    assert row.locator("td.number").inner_text().strip() == str(SUPPORT_THRESHOLD)
    axe_check(staff)

    # The feasibility study: the idea is then under study.
    row.get_by_role("link", name=TITLE, exact=True).click()
    staff.wait_for_url(f"**/ideas/{idea_id}/study")
    axe_check(staff)
    field(staff, "Department in charge").select_option(label=DEPARTMENT)
    field(staff, "Technical feasibility").fill(TECHNICAL)
    field(staff, "Legal feasibility").fill("L'emprise du parc appartient à la Ville.")
    assert field(staff, "Within the city's competence").is_checked()
    field(staff, "Estimated cost in euros").fill("24000")
    field(staff, "Estimated delay in months").fill("5")
    click(staff, "Save the study")
    assert ui_text(staff, "The study is saved.") in status_text(staff)
    assert ui_text(staff, "Under study") in staff.get_by_role("main").locator(".badge").first.inner_text()

    # The decision: accepted, with the city's public answer, published now.
    staff.get_by_label(ui_text(staff, "Accept"), exact=True).check()
    field(staff, "Public answer").fill(PUBLIC_ANSWER)
    assert field(staff, "Publish the answer now").is_checked()
    click(staff, "Save the decision")
    assert ui_text(staff, "The decision is published; the idea's author and followers are notified.") \
        in status_text(staff)
    assert PUBLIC_ANSWER in staff.locator("#answer").inner_text()
    assert state_shown(staff) == ui_text(staff, "Accepted")
    assert TECHNICAL in staff.get_by_role("region", name=ui_text(staff, "The feasibility study")).inner_text()
    axe_check(staff)

    # Implementation: a first step, then the one that completes the work.
    staff.get_by_role("link", name=ui_text(staff, "Follow up the implementation"), exact=True).click()
    staff.wait_for_url(f"**/ideas/{idea_id}/implementation")
    axe_check(staff)
    steps = ((FIRST_STEP, 40, 9000, False), (LAST_STEP, 100, 23500, True))
    for title, progress, spent, completes in steps:
        field(staff, "Date").fill("2025-04-14" if completes else "2025-03-10")
        field(staff, "Step").fill(title)
        field(staff, "Details").fill("Travaux réalisés par la régie municipale.")
        field(staff, "Progress of the whole work (%)").fill(str(progress))
        field(staff, "Budget spent so far, in euros").fill(str(spent))
        if completes:
            field(staff, "This step completes the work (the idea is marked as done)").check()
        click(staff, "Publish the step")
        assert ui_text(staff, "The step is published on the idea's page; its followers are notified.") \
            in status_text(staff)
    assert ui_text(staff, "%(percent)s%% done", percent=100) in staff.get_by_role("main").inner_text()
    assert field(staff, "Step").count() == 0  # done: no more steps to publish
    axe_check(staff)

    # Everyone sees the idea done, with its answer, its steps and its progress.
    first_supporter.goto(f"/ideas/{idea_id}")
    assert state_shown(first_supporter) == ui_text(first_supporter, "Done")
    assert PUBLIC_ANSWER in first_supporter.locator("#answer").inner_text()
    implementation = first_supporter.locator("#implementation")
    assert FIRST_STEP in implementation.inner_text() and LAST_STEP in implementation.inner_text()
    assert ui_text(first_supporter, "%(percent)s%% done", percent=100) in implementation.inner_text()
    assert implementation.get_by_role("progressbar").get_attribute("value") == "100"
    axe_check(first_supporter)

    # The author and a supporter were told each news by e-mail, in their language.
    assert_told_by_mail(smtp, author, news_of_the_idea("fr", moderated), idea_url)
    assert_told_by_mail(smtp, supporters[0], news_of_the_idea("en", moderated=False), idea_url)
