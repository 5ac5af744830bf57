"""The city's pages: the study queue, the moderation queue, an idea's feasibility study and
decision, its implementation follow-up, and the departments and campaigns (blueprint
``idea_box_staff``, under the same ``/ideas/`` addresses as the residents' pages).

Every page checks the permission on the idea (``get_or_404(Idea, id, "manage")``) or on the
page; every change is written to the audit log; every public decision is the city's official
answer (the core's answers service), which notifies the idea's author and followers.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from core.services.answers import Answer, held_answer, published_answer, publish, save_answer
from core.services.attachments import Attachment, AttachmentRefused, attachments_of, delete_attachment, save_upload
from core.services.audit import record as audit
from core.database import db
from core.services.notifications import notify_followers
from core.pagecache import expire_visitor_pages
from core.permissions import get_or_404, permission_required
from core.taxonomy import category_choices, neighbourhood_choices
from core.workflows import TransitionRefused, apply

from .forms import CampaignForm, DecisionForm, DepartmentForm, StepForm, StudyForm
from .models import Campaign, Department, Idea, ImplementationStep, Study
from .rules import carry_supporters, merge_target_refusal, notify_carried, support_threshold
from .views import int_arg
from .workflow import ACCEPTED, DECIDABLE, IN_STUDY, MANAGE, MODERATE, WORKFLOW

bp = Blueprint("idea_box_staff", __name__, url_prefix="/ideas", template_folder="templates")

QUEUE_PER_PAGE = 30
QUEUE_STATES = {
    "study": IN_STUDY,
    "eligible": ("eligible",),
    "under_study": ("under_study",),
    "open": ("published",),
}


def _department_choices(empty_label) -> list[tuple[str, str]]:
    rows = db.session.scalars(select(Department).order_by(Department.name))
    return [("", empty_label)] + [(str(d.id), d.name) for d in rows]


# --- Queues ------------------------------------------------------------------------------------


@bp.get("/study-queue")
@permission_required(MANAGE)
def study_queue():
    """Ideas to study, most supported first, with filters."""
    show = request.args.get("show", "study")
    if show not in QUEUE_STATES:
        show = "study"
    query = select(Idea).where(Idea.state.in_(QUEUE_STATES[show]))
    for column, name in ((Idea.neighbourhood_id, "neighbourhood"), (Idea.category_id, "category"),
                         (Idea.department_id, "department"), (Idea.campaign_id, "campaign")):
        value = int_arg(name)
        if value:
            query = query.where(column == value)
    query = query.order_by(Idea.support_count.desc(), Idea.published_at, Idea.id)
    page = db.paginate(query, page=int_arg("page") or 1, per_page=QUEUE_PER_PAGE, error_out=False)
    held = set(db.session.scalars(
        select(Answer.content_id).where(Answer.content_type == Idea.content_type_name, Answer.status == "held",
                                        Answer.content_id.in_([idea.id for idea in page.items]))
    )) if page.items else set()
    filters = {name: request.args.get(name, "") for name in ("neighbourhood", "category", "department", "campaign")}
    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.submission_start.desc())).all()
    return render_template(
        "idea_box/study_queue.html", page=page, held=held, show=show, filters=filters,
        link_args={"show": show, **{k: v for k, v in filters.items() if v}},
        neighbourhoods=neighbourhood_choices(_("All neighbourhoods")),
        categories=category_choices(_("All themes")),
        departments=_department_choices(_("All departments")),
        campaigns=[("", _("All campaigns"))] + [(str(c.id), c.name) for c in campaigns],
        threshold=support_threshold(), workflow=WORKFLOW, admin_section="idea_box_staff.study_queue",
    )


@bp.get("/moderation")
@permission_required(MODERATE)
def moderation_queue():
    """New ideas waiting for a moderator (when moderation comes before publication)."""
    ideas = db.session.scalars(
        select(Idea).where(Idea.state == "pending").order_by(Idea.updated_at, Idea.id)
    ).all()
    return render_template("idea_box/moderation_queue.html", ideas=ideas,
                           admin_section="idea_box_staff.moderation_queue")


# --- Study and decision ------------------------------------------------------------------------


def _study_form(idea: Idea, bound: bool = False) -> StudyForm:
    study = idea.study
    if bound:
        form = StudyForm()
    else:
        form = StudyForm(formdata=None, obj=study)
        form.department.data = str(idea.department_id) if idea.department_id else ""
        if study is None:
            form.within_competence.data = True
            form.estimated_cost.data = idea.estimated_cost
    form.department.choices = _department_choices(_("Choose…"))
    return form


def _decision_form(idea: Idea, bound: bool = False) -> DecisionForm:
    if bound:
        return DecisionForm()
    held = held_answer(idea)
    form = DecisionForm(formdata=None)
    if held is not None:
        form.decision.data = held.state
        form.reason.data = held.body
        form.merge_into.data = idea.merged_into_id
    return form


def _study_page(idea: Idea, study_form: StudyForm, decision_form: DecisionForm, status: int = 200):
    return render_template(
        "idea_box/study.html", idea=idea, study_form=study_form, decision_form=decision_form,
        held=held_answer(idea), official=published_answer(idea), decidable=idea.state in DECIDABLE,
        has_departments=len(study_form.department.choices) > 1, threshold=support_threshold(),
        workflow=WORKFLOW, admin_section="idea_box_staff.study_queue",
    ), status


@bp.get("/<int:id>/study")
def study(id: int):
    """The feasibility study of an idea and the city's decision."""
    idea = get_or_404(Idea, id, "manage")
    return _study_page(idea, _study_form(idea), _decision_form(idea))


@bp.post("/<int:id>/study")
def save_study(id: int):
    """Record the study (and the department in charge); the idea is then under study."""
    idea = get_or_404(Idea, id, "manage")
    form = _study_form(idea, bound=True)
    if not form.validate_on_submit():
        return _study_page(idea, form, _decision_form(idea), status=422)
    study = idea.study
    if study is None:
        study = Study(idea=idea)
        db.session.add(study)
    study.technical = (form.technical.data or "").strip()
    study.legal = (form.legal.data or "").strip()
    study.within_competence = bool(form.within_competence.data)
    study.estimated_cost = form.estimated_cost.data
    study.estimated_delay_months = form.estimated_delay_months.data
    study.studied_by_id = current_user.id
    department = db.session.get(Department, int(form.department.data))
    idea.department = department
    audit("idea_box.study_saved", idea, object_type=Idea.content_type_name, summary=idea.title,
          department=department.name if department else None,
          within_competence=study.within_competence, estimated_cost=study.estimated_cost,
          estimated_delay_months=study.estimated_delay_months)
    if idea.state in ("published", "eligible"):
        apply(idea, "study", current_user)
    db.session.commit()
    flash(_("The study is saved."), "success")
    return redirect(url_for("idea_box_staff.study", id=idea.id))


@bp.post("/<int:id>/decision")
def decide(id: int):
    """Accept, reject (with a public reason) or merge into another idea: the city's answer,
    published now or held to be published with others."""
    idea = get_or_404(Idea, id, "manage")
    if idea.state not in DECIDABLE:
        flash(_("This idea has already been decided on."), "error")
        return redirect(url_for("idea_box_staff.study", id=idea.id))
    form = _decision_form(idea, bound=True)
    if not form.validate_on_submit():
        return _study_page(idea, _study_form(idea), form, status=422)
    decision = form.decision.data
    target = None
    if decision == "merged":
        target = db.session.get(Idea, form.merge_into.data)
        refusal = merge_target_refusal(idea, target)
        if refusal is not None:
            form.merge_into.errors.append(refusal)
            return _study_page(idea, _study_form(idea), form, status=422)
    idea.merged_into_id = target.id if target else None
    answer = save_answer(idea, current_user, decision, form.reason.data or "")
    audit("idea_box.decided", idea, object_type=Idea.content_type_name, summary=idea.title, decision=decision,
          merged_into=target.id if target else None, published=bool(form.publish_now.data))
    if not form.publish_now.data:
        db.session.commit()
        flash(_("The answer is held: publish it from “Answers waiting” when the time comes."), "success")
        return redirect(url_for("idea_box_staff.study", id=idea.id))
    try:
        publish(answer, current_user)
    except TransitionRefused as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
        return redirect(url_for("idea_box_staff.study", id=id))
    # Carried now to say how many; the merge's reaction (rules.carry_supporters_of_merged) then
    # finds nobody left to carry.
    carried = carry_supporters(idea) if decision == "merged" else []
    notify_carried(idea, carried, actor=current_user)
    db.session.commit()
    if decision == "merged":
        flash(_("The idea is merged; %(num)s support(s) carried over. Its author and followers are notified.",
                num=len(carried)), "success")
    else:
        flash(_("The decision is published; the idea's author and followers are notified."), "success")
    return redirect(url_for("idea_box.detail", id=idea.id) + "#answer")


# --- Implementation ------------------------------------------------------------------------------


def _implementation_page(idea: Idea, form: StepForm, status: int = 200):
    photos = {attachment.id: attachment for attachment in attachments_of(idea)}
    return render_template("idea_box/implementation.html", idea=idea, form=form, steps=list(idea.steps),
                           photos=photos, workflow=WORKFLOW, admin_section="idea_box_staff.study_queue"), status


@bp.route("/<int:id>/implementation", methods=["GET", "POST"])
def implementation(id: int):
    """Follow up an accepted idea: dated steps with progress, budget spent and photos, shown on
    the idea's page and notified to its followers."""
    idea = get_or_404(Idea, id, "manage")
    if idea.state not in ACCEPTED:
        flash(_("Only accepted ideas have an implementation to follow."), "error")
        return redirect(url_for("idea_box_staff.study", id=idea.id))
    if request.method == "GET":
        return _implementation_page(idea, StepForm(formdata=None, progress=idea.progress))
    form = StepForm()
    if not form.validate_on_submit():
        return _implementation_page(idea, form, status=422)
    step = ImplementationStep(
        idea=idea, happened_on=form.happened_on.data, title=form.title.data.strip(),
        description=(form.description.data or "").strip(), progress=form.progress.data,
        budget_spent=form.budget_spent.data, created_by_id=current_user.id,
    )
    db.session.add(step)
    db.session.flush()
    upload = form.photo.data
    if upload is not None and getattr(upload, "filename", ""):
        try:
            photo = save_upload(idea, upload, current_user, form.photo_description.data or "", kinds={"image"})
        except AttachmentRefused as refused:
            db.session.rollback()
            form.photo.errors = [_("%(reason)s Choose the photo again.", reason=refused.message)]
            return _implementation_page(db.session.get(Idea, id), form, status=422)
        db.session.flush()
        step.photo_id = photo.id
    return _record_step(idea, step, completes=bool(form.completes.data))


def _record_step(idea: Idea, step: ImplementationStep, completes: bool):
    idea.progress = 100 if completes else step.progress
    if step.budget_spent is not None:
        idea.budget_spent = step.budget_spent
    audit("idea_box.step_added", idea, object_type=Idea.content_type_name,
          summary=_l("%(idea)s: %(step)s", idea=idea.title, step=step.title),
          date=step.happened_on.isoformat(), progress=idea.progress, budget_spent=step.budget_spent)
    try:
        # The followers are told of the step below, in its own words (announced).
        if idea.state == "accepted" and (completes or step.progress > 0):
            apply(idea, "start_work", current_user, announced=True)
        if completes:
            apply(idea, "complete", current_user, announced=True)
    except TransitionRefused as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
        return redirect(url_for("idea_box_staff.implementation", id=idea.id))
    title, step_title, progress = idea.title, step.title, idea.progress

    def message():
        if completes:
            return _("“%(title)s” is done: %(step)s.", title=title, step=step_title)
        return _("New step for “%(title)s”: %(step)s (%(progress)s%% done).",
                 title=title, step=step_title, progress=progress)

    notify_followers(idea, "idea_box.step", message, actor=current_user,
                     also=[idea.author_id] if idea.author_id else ())
    db.session.commit()
    flash(_("The step is published on the idea's page; its followers are notified."), "success")
    return redirect(url_for("idea_box_staff.implementation", id=idea.id))


@bp.post("/<int:id>/steps/<int:step_id>/delete")
def delete_step(id: int, step_id: int):
    """Remove a step entered by mistake (and its photo)."""
    idea = get_or_404(Idea, id, "manage")
    step = db.session.get(ImplementationStep, step_id)
    if step is None or step.idea_id != idea.id:
        flash(_("This step no longer exists."), "error")
        return redirect(url_for("idea_box_staff.implementation", id=idea.id))
    photo = db.session.get(Attachment, step.photo_id) if step.photo_id else None
    audit("idea_box.step_deleted", idea, object_type=Idea.content_type_name,
          summary=_l("%(idea)s: %(step)s", idea=idea.title, step=step.title))
    idea.steps.remove(step)
    expire_visitor_pages()
    if photo is not None:
        delete_attachment(photo)
    latest = idea.steps[-1] if idea.steps else None
    if idea.state != "implemented":
        idea.progress = latest.progress if latest else 0
    idea.budget_spent = next((s.budget_spent for s in reversed(idea.steps) if s.budget_spent is not None), None)
    db.session.commit()
    flash(_("The step has been removed."), "success")
    return redirect(url_for("idea_box_staff.implementation", id=idea.id))


# --- Departments and campaigns -------------------------------------------------------------------


def _setup_page(department_form=None, campaign_form=None, status: int = 200):
    departments = db.session.execute(
        select(Department, func.count(Idea.id)).outerjoin(Idea, Idea.department_id == Department.id)
        .group_by(Department.id).order_by(Department.name)
    ).all()
    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.submission_start.desc())).all()
    return render_template(
        "idea_box/setup.html", departments=departments, campaigns=campaigns,
        department_form=department_form or DepartmentForm(formdata=None),
        campaign_form=campaign_form or CampaignForm(formdata=None),
        admin_section="idea_box_staff.setup",
    ), status


@bp.get("/setup")
@permission_required(MANAGE)
def setup():
    """The departments that study ideas, and the campaigns' dates."""
    return _setup_page()


@bp.post("/setup/departments")
@permission_required(MANAGE)
def add_department():
    form = DepartmentForm()
    if not form.validate_on_submit():
        return _setup_page(department_form=form, status=422)
    name = form.name.data.strip()
    if db.session.scalar(select(Department.id).where(func.lower(Department.name) == name.lower())):
        form.name.errors.append(_("This department already exists."))
        return _setup_page(department_form=form, status=422)
    department = Department(name=name)
    db.session.add(department)
    db.session.flush()
    audit("idea_box.department_added", department, summary=name)
    db.session.commit()
    flash(_("The department “%(name)s” is added.", name=name), "success")
    return redirect(url_for("idea_box_staff.setup"))


@bp.post("/setup/departments/<int:department_id>/delete")
@permission_required(MANAGE)
def delete_department(department_id: int):
    department = db.session.get(Department, department_id)
    if department is None:
        flash(_("This department no longer exists."), "error")
        return redirect(url_for("idea_box_staff.setup"))
    audit("idea_box.department_deleted", department, summary=department.name)
    db.session.execute(db.update(Idea).where(Idea.department_id == department.id).values(department_id=None)
                       .execution_options(synchronize_session=False))
    db.session.delete(department)
    db.session.commit()
    flash(_("The department “%(name)s” is removed; its ideas have no department now.", name=department.name),
          "success")
    return redirect(url_for("idea_box_staff.setup"))


def _copy_campaign(form: CampaignForm, campaign: Campaign) -> None:
    campaign.name = form.name.data.strip()
    for name in ("submission_start", "submission_end", "support_end", "study_end", "results_date"):
        setattr(campaign, name, getattr(form, name).data)


def _campaign_details(campaign: Campaign) -> dict:
    return {name: getattr(campaign, name).isoformat()
            for name in ("submission_start", "submission_end", "support_end", "study_end", "results_date")}


@bp.post("/setup/campaigns")
@permission_required(MANAGE)
def add_campaign():
    form = CampaignForm()
    if not form.validate_on_submit():
        return _setup_page(campaign_form=form, status=422)
    campaign = Campaign()
    _copy_campaign(form, campaign)
    db.session.add(campaign)
    db.session.flush()
    audit("idea_box.campaign_added", campaign, summary=campaign.name, **_campaign_details(campaign))
    db.session.commit()
    flash(_("The campaign “%(name)s” is added.", name=campaign.name), "success")
    return redirect(url_for("idea_box_staff.setup"))


@bp.route("/setup/campaigns/<int:campaign_id>", methods=["GET", "POST"])
@permission_required(MANAGE)
def edit_campaign(campaign_id: int):
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        flash(_("This campaign no longer exists."), "error")
        return redirect(url_for("idea_box_staff.setup"))
    form = CampaignForm(obj=campaign if request.method == "GET" else None)
    if request.method == "POST":
        if form.validate_on_submit():
            _copy_campaign(form, campaign)
            audit("idea_box.campaign_changed", campaign, summary=campaign.name, **_campaign_details(campaign))
            db.session.commit()
            flash(_("The campaign “%(name)s” is saved.", name=campaign.name), "success")
            return redirect(url_for("idea_box_staff.setup"))
    return render_template("idea_box/campaign.html", campaign=campaign, form=form,
                           admin_section="idea_box_staff.setup"), 422 if form.errors else 200


@bp.post("/setup/campaigns/<int:campaign_id>/delete")
@permission_required(MANAGE)
def delete_campaign(campaign_id: int):
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        flash(_("This campaign no longer exists."), "error")
        return redirect(url_for("idea_box_staff.setup"))
    audit("idea_box.campaign_deleted", campaign, summary=campaign.name)
    db.session.execute(db.update(Idea).where(Idea.campaign_id == campaign.id).values(campaign_id=None)
                       .execution_options(synchronize_session=False))
    db.session.delete(campaign)
    db.session.commit()
    flash(_("The campaign “%(name)s” is removed.", name=campaign.name), "success")
    return redirect(url_for("idea_box_staff.setup"))
