"""The city studies ideas and decides: the study queue, the feasibility study, and the public
decisions (accepted, not retained with a reason, merged into another idea)."""

import re


from core.services.answers import Answer
from core.services.audit import AuditEntry
from core.database import db
from core.services.follows import follower_ids
from core.services.supports import Support
from core.testing import body
from plugins.idea_box.models import Department

from .conftest import euros_as_shown


def audit_actions() -> list[str]:
    return list(db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)))


def make_department(name="Parks and gardens") -> Department:
    department = Department(name=name)
    db.session.add(department)
    db.session.commit()
    return department


def test_the_study_queue_lists_ideas_by_supports_with_filters(client, users, login, make_idea, places):
    make_idea(users["resident"], title="Less supported", state="eligible", support_count=55)
    make_idea(users["resident"], title="Most supported", state="under_study", support_count=90)
    make_idea(users["resident"], title="In Dornach", state="eligible", support_count=60, neighbourhood="dornach")
    make_idea(users["resident"], title="Below the threshold", support_count=3)
    login(client, users["staff"])
    page = client.get("/ideas/study-queue")
    listed = re.findall(r'<a href="/ideas/\d+/study">([^<]+)</a>', page.text)
    assert listed == ["Most supported", "In Dornach", "Less supported"]
    dornach = client.get(f"/ideas/study-queue?neighbourhood={places['dornach'].id}")
    assert re.findall(r'<a href="/ideas/\d+/study">([^<]+)</a>', dornach.text) == ["In Dornach"]
    below = client.get("/ideas/study-queue?show=open")
    assert re.findall(r'<a href="/ideas/\d+/study">([^<]+)</a>', below.text) == ["Below the threshold"]


def test_residents_and_visitors_cannot_open_the_city_pages(client, users, login, make_idea):
    idea = make_idea(users["resident"], state="eligible")
    for url in ("/ideas/study-queue", f"/ideas/{idea.id}/study", "/ideas/setup", "/ideas/moderation"):
        response = client.get(url)
        assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    login(client, users["resident"])
    for url in ("/ideas/study-queue", f"/ideas/{idea.id}/study", "/ideas/setup", "/ideas/moderation"):
        assert client.get(url).status_code == 403
    assert client.post(f"/ideas/{idea.id}/decision", data={"decision": "accepted"}).status_code == 403
    db.session.refresh(idea)
    assert idea.state == "eligible"


def test_staff_record_the_study_and_the_idea_is_under_study(client, users, login, make_idea, smtp):
    department = make_department()
    idea = make_idea(users["resident"], state="eligible")
    login(client, users["staff"])
    response = client.post(f"/ideas/{idea.id}/study", follow_redirects=True, data={
        "department": str(department.id), "technical": "Six lime trees fit without moving any network.",
        "legal": "The square belongs to the city.", "within_competence": "y",
        "estimated_cost": "18500", "estimated_delay_months": "4",
    })
    assert "The study is saved." in response.text
    db.session.refresh(idea)
    assert idea.state == "under_study" and idea.department_id == department.id
    assert idea.study.estimated_cost == 18500 and idea.study.estimated_delay_months == 4
    assert "idea_box.study_saved" in audit_actions() and "workflow.study" in audit_actions()
    [mail] = smtp.wait_for(users["resident"].email)
    assert "Plant trees in Rebberg square" in body(mail) and f"/ideas/{idea.id}" in body(mail)
    # The study is public once the city has decided; the cost is written for the reader's language.
    client.post(f"/ideas/{idea.id}/decision", data={"decision": "accepted", "reason": "Planted in spring.",
                                                    "publish_now": "y"})
    page = client.application.test_client().get(f"/ideas/{idea.id}")
    assert "Six lime trees fit without moving any network." in page.text
    assert euros_as_shown(18500, page) in page.text
    in_french = client.application.test_client().get(f"/ideas/{idea.id}", headers={"Accept-Language": "fr"})
    assert "18\u202f500,00\xa0€" in in_french.text
    assert "Parks and gardens" in page.text


def test_a_study_without_a_department_is_refused_and_kept(client, users, login, make_idea):
    make_department()
    idea = make_idea(users["resident"], state="eligible")
    login(client, users["staff"])
    response = client.post(f"/ideas/{idea.id}/study", data={"department": "", "technical": "Looks simple.",
                                                            "estimated_cost": "a lot"})
    assert response.status_code == 422
    assert "Choose the department in charge." in response.text
    assert "Looks simple." in response.text
    db.session.refresh(idea)
    assert idea.state == "eligible" and idea.study is None


def test_accepting_publishes_the_answer_and_tells_author_and_followers(client, users, login, make_idea,
                                                                        make_user, smtp):
    idea = make_idea(users["resident"], state="under_study")
    follower = make_user("follower@example.org", "Fanny Follower")
    other = client.application.test_client()
    login(other, follower)
    other.post(f"/content/idea_box.idea/{idea.id}/follow", data={"action": "follow"})
    login(client, users["staff"])
    response = client.post(f"/ideas/{idea.id}/decision", follow_redirects=True, data={
        "decision": "accepted", "reason": "Six trees will be planted in March.", "publish_now": "y"})
    assert "The decision is published" in response.text
    assert "Six trees will be planted in March." in response.text
    db.session.refresh(idea)
    assert idea.state == "accepted"
    for person in (users["resident"], follower):
        [mail] = smtp.wait_for(person.email)
        assert "Plant trees in Rebberg square" in body(mail)
    assert smtp.to(users["staff"].email) == []
    assert {"idea_box.decided", "answers.written", "answers.published"} <= set(audit_actions())


def test_rejecting_needs_a_public_reason_and_keeps_what_was_typed(client, users, login, make_idea):
    idea = make_idea(users["resident"], state="under_study")
    login(client, users["staff"])
    response = client.post(f"/ideas/{idea.id}/decision", data={"decision": "rejected", "reason": " ",
                                                               "publish_now": "y"})
    assert response.status_code == 422
    assert "Explain this decision: the explanation is published." in response.text
    db.session.refresh(idea)
    assert idea.state == "under_study"
    response = client.post(f"/ideas/{idea.id}/decision", follow_redirects=True, data={
        "decision": "rejected", "reason": "The square is a listed site.", "publish_now": "y"})
    db.session.refresh(idea)
    assert idea.state == "rejected"
    public = client.application.test_client().get(f"/ideas/{idea.id}")
    assert "The square is a listed site." in public.text and "Not retained" in public.text


def test_a_held_decision_is_published_later_with_others(client, users, login, make_idea, smtp):
    idea = make_idea(users["resident"], state="under_study")
    login(client, users["staff"])
    response = client.post(f"/ideas/{idea.id}/decision", follow_redirects=True, data={
        "decision": "accepted", "reason": "Planted in March."})
    assert "The answer is held" in response.text
    db.session.refresh(idea)
    assert idea.state == "under_study"
    assert "Planted in March." not in client.application.test_client().get(f"/ideas/{idea.id}").text
    assert smtp.messages == []
    answer = db.session.scalar(db.select(Answer))
    client.post("/admin/answers", data={"answer": [str(answer.id)]})
    db.session.refresh(idea)
    assert idea.state == "accepted"
    smtp.wait_for(users["resident"].email)


def test_merging_carries_supporters_over_without_double_counting(client, users, login, make_idea, make_user,
                                                                   smtp):
    target = make_idea(users["moderator"], title="Benches along the Doller", state="eligible")
    source = make_idea(users["admin"], title="Benches at tram stops", state="eligible")
    both, only_source, only_target = (make_user(f"{name}@example.org", name.title())
                                      for name in ("both", "onlysource", "onlytarget"))
    for person, ideas in ((both, (source, target)), (only_source, (source,)), (only_target, (target,)),
                          (users["moderator"], (source,))):  # the target's author supported the source
        visitor = client.application.test_client()
        login(visitor, person)
        for idea in ideas:
            visitor.post(f"/content/idea_box.idea/{idea.id}/support", data={"action": "support"})
    db.session.refresh(target)
    assert target.support_count == 2
    smtp.clear()

    login(client, users["staff"])
    response = client.post(f"/ideas/{source.id}/decision", follow_redirects=True, data={
        "decision": "merged", "merge_into": str(target.id), "publish_now": "y",
        "reason": "Both ideas are about seats for older people: studied together."})
    assert "1 support(s) carried over" in response.text
    db.session.refresh(source)
    db.session.refresh(target)
    assert source.state == "merged" and source.merged_into_id == target.id
    assert target.support_count == 3  # both (once), only_target, only_source; not the author herself
    supporters = set(db.session.scalars(db.select(Support.user_id).where(
        Support.content_type == "idea_box.idea", Support.content_id == target.id)))
    assert supporters == {both.id, only_source.id, only_target.id}
    assert only_source.id in follower_ids(target)
    # The carried supporter is told where their support counts now; the source's followers hear
    # the decision.
    mails = smtp.wait_for(only_source.email, count=2)
    assert any("Benches along the Doller" in body(mail) and f"/ideas/{target.id}" in body(mail) for mail in mails)
    smtp.wait_for(users["admin"].email)
    page = client.application.test_client().get(f"/ideas/{source.id}")
    assert "This idea was merged into another one" in page.text and "Benches along the Doller" in page.text
    target_page = client.application.test_client().get(f"/ideas/{target.id}")
    assert "Ideas merged into this one" in target_page.text and "Benches at tram stops" in target_page.text
    # Publishing again carries nobody twice.
    from plugins.idea_box.rules import carry_supporters

    assert carry_supporters(source) == []


def test_a_held_merge_carries_supporters_when_it_is_published(client, users, login, make_idea, make_user):
    target = make_idea(users["resident"], title="Benches along the Doller", state="eligible")
    source = make_idea(users["resident"], title="Benches at tram stops")
    supporter = make_user("supporter@example.org")
    visitor = client.application.test_client()
    login(visitor, supporter)
    visitor.post(f"/content/idea_box.idea/{source.id}/support", data={"action": "support"})
    login(client, users["staff"])
    client.post(f"/ideas/{source.id}/decision", data={"decision": "merged", "merge_into": str(target.id),
                                                      "reason": "Studied together."})
    db.session.refresh(target)
    assert target.support_count == 0
    client.post("/admin/answers", data={"answer": [str(db.session.scalar(db.select(Answer.id)))]})
    db.session.refresh(target)
    db.session.refresh(source)
    assert source.state == "merged" and target.support_count == 1


def test_a_merge_needs_a_living_idea_to_merge_into(client, users, login, make_idea):
    source = make_idea(users["resident"], title="Benches at tram stops", state="eligible")
    closed = make_idea(users["resident"], title="A rejected idea", state="rejected")
    draft = make_idea(users["resident"], title="A draft", state="draft")
    login(client, users["staff"])
    for target, message in ((source, "An idea cannot be merged into itself."),
                            (closed, "This idea is closed"), (draft, "There is no published idea with this number."),
                            (None, "Give the number of the idea to merge into.")):
        response = client.post(f"/ideas/{source.id}/decision", data={
            "decision": "merged", "merge_into": str(target.id) if target else "", "reason": "Same idea.",
            "publish_now": "y"})
        assert response.status_code == 422, message
        assert message in response.text
        assert "Same idea." in response.text
    db.session.refresh(source)
    assert source.state == "eligible"


def test_a_decided_idea_cannot_be_decided_again(client, users, login, make_idea):
    idea = make_idea(users["resident"], state="accepted")
    login(client, users["staff"])
    response = client.post(f"/ideas/{idea.id}/decision", follow_redirects=True,
                           data={"decision": "rejected", "reason": "Changed our mind.", "publish_now": "y"})
    assert "This idea has already been decided on." in response.text
    db.session.refresh(idea)
    assert idea.state == "accepted"
