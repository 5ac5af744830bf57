"""Staff set up the idea box: the departments that study ideas and the campaigns' dates; the
settings say how ideas are moderated, the box's rhythm and the threshold."""

from core.services.audit import AuditEntry
from core.database import db
from plugins.idea_box.models import Campaign, Department


def actions() -> list[str]:
    return list(db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)))


def campaign_form(**overrides):
    data = {"name": "Ideas 2027", "submission_start": "2027-01-10", "submission_end": "2027-02-28",
            "support_end": "2027-03-31", "study_end": "2027-05-31", "results_date": "2027-06-15"}
    data.update(overrides)
    return data


def test_staff_add_and_remove_departments(client, users, login, make_idea):
    login(client, users["staff"])
    response = client.post("/ideas/setup/departments", data={"name": "Parks and gardens"}, follow_redirects=True)
    assert "The department “Parks and gardens” is added." in response.text
    again = client.post("/ideas/setup/departments", data={"name": "parks and gardens"})
    assert again.status_code == 422 and "This department already exists." in again.text
    department = db.session.scalar(db.select(Department))
    idea = make_idea(users["resident"], state="under_study", department_id=department.id)
    client.post(f"/ideas/setup/departments/{department.id}/delete")
    db.session.expire_all()
    assert db.session.scalar(db.select(Department)) is None and idea.department_id is None
    assert actions() == ["idea_box.department_added", "idea_box.department_deleted"]


def test_staff_plan_campaigns_whose_dates_follow_each_other(client, users, login):
    login(client, users["staff"])
    wrong = client.post("/ideas/setup/campaigns", data=campaign_form(support_end="2027-02-01"))
    assert wrong.status_code == 422
    assert "This date must not be before “Ideas accepted until”." in wrong.text
    assert 'value="Ideas 2027"' in wrong.text
    response = client.post("/ideas/setup/campaigns", data=campaign_form(), follow_redirects=True)
    assert "The campaign “Ideas 2027” is added." in response.text
    campaign = db.session.scalar(db.select(Campaign))
    client.post(f"/ideas/setup/campaigns/{campaign.id}", data=campaign_form(name="Ideas for 2027"))
    db.session.refresh(campaign)
    assert campaign.name == "Ideas for 2027"
    client.post(f"/ideas/setup/campaigns/{campaign.id}/delete")
    assert db.session.scalar(db.select(Campaign)) is None
    assert actions() == ["idea_box.campaign_added", "idea_box.campaign_changed", "idea_box.campaign_deleted"]


def test_admins_find_the_idea_box_settings(client, users, login):
    login(client, users["admin"])
    page = client.get("/admin/settings")
    assert page.status_code == 200
    for label in ("Moderation of new ideas", "Rhythm of the idea box", "Supports needed to be selected for study"):
        assert label in page.text


def test_the_administration_lists_the_idea_box_pages_for_staff(client, users, login):
    login(client, users["staff"])
    page = client.get("/admin/")
    assert "Ideas to study" in page.text and "Idea box: departments and campaigns" in page.text
