"""Supporting ideas: once per person, only while the idea is open for support, and the support
that crosses the threshold selects the idea for study."""

import threading
from datetime import date, timedelta

from core.database import db
from core.services.supports import Support
from core.testing import body
from core.workflows import timeline
from plugins.idea_box.models import Campaign, Idea


def test_a_resident_supports_and_withdraws(client, users, login, make_idea, support):
    idea = make_idea(users["staff"])
    login(client, users["resident"])
    response = support(idea)
    assert "Thank you, your support is counted." in response.text
    assert "1 support" in response.text
    assert "You follow this page." in response.text  # supporters hear what happens next
    assert "You already support this." in support(idea).text
    db.session.refresh(idea)
    assert idea.support_count == 1
    assert "Your support has been withdrawn." in support(idea, "withdraw").text
    db.session.refresh(idea)
    assert idea.support_count == 0


def test_a_closed_idea_refuses_supports_with_a_clear_message(client, users, login, make_idea, support):
    idea = make_idea(users["staff"], state="rejected")
    login(client, users["resident"])
    page = client.get(f"/ideas/{idea.id}")
    assert "Supports are closed: this idea is now “Not retained”." in page.text
    response = support(idea)
    assert "Supports are closed: this idea is now “Not retained”." in response.text
    db.session.refresh(idea)
    assert idea.support_count == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Support)) == 0


def test_an_author_cannot_support_their_own_idea(client, users, login, make_idea, support):
    idea = make_idea(users["resident"])
    login(client, users["resident"])
    assert "You cannot support what you proposed yourself." in support(idea).text


def test_supports_can_be_kept_to_the_neighbourhood(client, users, login, make_idea, make_user, places, support,
                                                     set_setting):
    set_setting("supporters_from_neighbourhood", True)
    idea = make_idea(users["staff"])
    login(client, users["resident"])
    assert "Only residents of Rebberg may support this idea" in support(idea).text
    neighbour = make_user("neighbour@example.org", "Nina Neighbour", neighbourhood=places["rebberg"])
    other = client.application.test_client()
    login(other, neighbour)
    assert "Thank you, your support is counted." in other.post(
        f"/content/idea_box.idea/{idea.id}/support", data={"action": "support"}, follow_redirects=True).text


def test_in_campaign_mode_supports_close_with_the_campaign(client, users, login, make_idea, support, set_setting):
    set_setting("mode", "campaign")
    past = date.today() - timedelta(days=100)
    campaign = Campaign(name="Campaign 2025", submission_start=past, submission_end=past + timedelta(days=20),
                        support_end=past + timedelta(days=40), study_end=past + timedelta(days=90),
                        results_date=past + timedelta(days=120))
    db.session.add(campaign)
    db.session.commit()
    idea = make_idea(users["staff"], campaign_id=campaign.id)
    login(client, users["resident"])
    assert "Supports for the campaign “Campaign 2025” closed on" in support(idea).text
    db.session.refresh(idea)
    assert idea.support_count == 0


def test_the_support_that_crosses_the_threshold_selects_the_idea_for_study(
        client, users, login, make_idea, make_user, support, set_setting, smtp):
    set_setting("support_threshold", 2)
    idea = make_idea(users["resident"])
    first = make_user("first@example.org", "Fanny First")
    login(client, first)
    support(idea)
    db.session.refresh(idea)
    assert idea.state == "published"
    client.post("/account/logout")

    login(client, users["moderator"])
    response = support(idea)
    assert "Selected for study" in response.text
    db.session.refresh(idea)
    assert (idea.state, idea.support_count) == ("eligible", 2)
    [record] = [r for r in timeline(idea) if r.to_state == "eligible"]
    assert record.transition == "threshold" and record.actor_id is None
    # The author and the first supporter (who follows it) are told, by mail.
    for person in (users["resident"], first):
        [mail] = smtp.wait_for(person.email)
        assert "Plant trees in Rebberg square" in body(mail)
        assert f"/ideas/{idea.id}" in body(mail)
    # Still open for support; a withdrawal does not take the selection back.
    assert "Withdraw my support" in response.text
    support(idea, "withdraw")
    db.session.refresh(idea)
    assert (idea.state, idea.support_count) == ("eligible", 1)
    # It is in the staff's study queue.
    staff = client.application.test_client()
    login(staff, users["staff"])
    assert "Plant trees in Rebberg square" in staff.get("/ideas/study-queue").text


def test_the_threshold_is_also_kept_when_supports_come_from_a_script(app, users, make_idea, make_user,
                                                                        set_setting):
    from core.services.supports import add as add_support

    set_setting("support_threshold", 3)
    idea = make_idea(users["resident"])
    for number in range(3):
        add_support(make_user(f"supporter{number}@example.org"), idea)
    db.session.commit()
    db.session.refresh(idea)
    assert idea.state == "eligible"
    assert [r.transition for r in timeline(idea)] == ["threshold"]


def test_two_concurrent_supports_by_one_person_count_once(app, users, make_idea):
    """Two requests at once (two sessions, two database connections): the database's unique
    constraint keeps one support, and the counter says one."""
    from core.services.supports import add as add_support

    idea_id = make_idea(users["staff"]).id
    user_id = users["resident"].id
    first_inserted, results, errors = threading.Event(), {}, []

    def attempt(name):
        try:
            with app.app_context():
                from core.accounts.models import User

                person, idea = db.session.get(User, user_id), db.session.get(Idea, idea_id)
                if name == "second":
                    first_inserted.wait(10)
                results[name] = add_support(person, idea)  # the second waits for the first's lock
                if name == "first":
                    first_inserted.set()
                    threading.Event().wait(0.5)  # let the second one reach the database
                db.session.commit()
                db.session.remove()
        except Exception as exc:  # reported below
            errors.append(exc)
            first_inserted.set()

    threads = [threading.Thread(target=attempt, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sorted(results.values()) == [False, True]
    db.session.expire_all()
    assert db.session.get(Idea, idea_id).support_count == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Support)) == 1
