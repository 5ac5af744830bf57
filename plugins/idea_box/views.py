"""The residents' pages: the list of ideas, an idea's page, the form to propose an idea (with
drafts and suggestions of similar ideas), and "my ideas".

Supporting, following, commenting and reporting go through the core's services (their buttons
post to the core's routes); the city's pages are in ``staff.py``, on a blueprint of their own.
"""

from __future__ import annotations

import random
import re

from flask import Blueprint, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import BigInteger, case, cast, func, select
from sqlalchemy.orm import lazyload, selectinload

from core.services.attachments import AttachmentRefused, attachments_of, cover_images, save_upload
from core.database import db
from core.declarations import HomeBlock
from core.pagecache import kept_for_readers, skip_visitor_cache, visitor_cache
from core.permissions import get_or_404, login_required
from core.services.search import fold, matching_ids
from core.services.supports import preload_supports
from core.services.maps import MapPoint, feature_collection, neighbourhood_at
from core.taxonomy import category_choices, neighbourhood_choices
from core.workflows import TransitionRefused, apply, start, state_label, timeline
from core.web import whole_number

from .forms import IdeaForm
from .models import Idea, ImplementationStep
from .rules import (
    campaign_mode, current_campaign, delete_idea, life_steps, moderation_before, next_campaign,
    submissions_closed_message, submissions_open, today,
)
from .workflow import ACCEPTED, DECIDED, IN_STUDY, OPEN_FOR_SUPPORT, PUBLIC_STATES, WORKFLOW


bp = Blueprint("idea_box", __name__, url_prefix="/ideas", template_folder="templates",
               static_folder="static", static_url_path="/static")

PER_PAGE = 20
MAX_PER_PAGE = 50
SORTS = (("supports", _l("Most supported")), ("newest", _l("Newest")), ("random", _l("Random order")))
STATUS_GROUPS = {
    "open": (_l("Open for support"), OPEN_FOR_SUPPORT),
    "study": (_l("Selected for study or under study"), IN_STUDY),
    "accepted": (_l("Accepted, being carried out"), ("accepted", "in_progress")),
    "implemented": (_l("Done"), ("implemented",)),
    "closed": (_l("Not retained or merged"), ("rejected", "merged")),
}
# The colour of each group's marks on the map (the design system's tones).
STATUS_TONES = {"open": "info", "study": "warning", "accepted": "accent", "implemented": "success",
                "closed": "neutral"}
# The most ideas one map draws (the newest first).
MAP_LIMIT = 1000
# A large prime: ((id × seed) mod p)² mod p shuffles the ideas the same way for one visitor.
_SHUFFLE_PRIME = 1_000_003


# --- Queries -------------------------------------------------------------------------------------


def public_ideas():
    """Ideas anyone may see: published (in a public state) and not hidden by moderation."""
    return select(Idea).where(Idea.state.in_(PUBLIC_STATES), Idea.is_hidden.is_(False))


def int_arg(name: str) -> int | None:
    """A whole number from the query string, or ``None`` (missing or not a number)."""
    return whole_number(request.args.get(name))


def visitor_seed() -> int:
    """A number kept in the visitor's session, so their random order stays the same."""
    skip_visitor_cache()  # the page is this visitor's own order
    seed = session.get("idea_box_seed")
    if not isinstance(seed, int) or not 1 <= seed < _SHUFFLE_PRIME:
        seed = random.SystemRandom().randrange(1, _SHUFFLE_PRIME)
        session["idea_box_seed"] = seed
    return seed


def _ordered(query, sort: str):
    if sort == "newest":
        return query.order_by(Idea.published_at.desc(), Idea.id.desc())
    if sort == "random":
        # A shuffle stable for this visitor: the same order on every page they turn, a different
        # one for someone else, so that the first page does not always win.
        spread = (cast(Idea.id, BigInteger) * visitor_seed()) % _SHUFFLE_PRIME
        return query.order_by((spread * spread) % _SHUFFLE_PRIME, Idea.id)
    return query.order_by(Idea.support_count.desc(), Idea.published_at.desc(), Idea.id.desc())


@bp.get("/")
@kept_for_readers
def index():
    """The ideas, filtered, searched, sorted and paginated; the same number of queries
    whatever the size of the page."""
    query = public_ideas()
    filters = {
        "q": request.args.get("q", "").strip()[:200],
        "neighbourhood": int_arg("neighbourhood"),
        "category": int_arg("category"),
        "status": request.args.get("status", "") if request.args.get("status") in STATUS_GROUPS else "",
        "sort": request.args.get("sort", "supports") if request.args.get("sort") in dict(SORTS) else "supports",
    }
    if filters["neighbourhood"]:
        query = query.where(Idea.neighbourhood_id == filters["neighbourhood"])
    if filters["category"]:
        query = query.where(Idea.category_id == filters["category"])
    if filters["status"]:
        query = query.where(Idea.state.in_(STATUS_GROUPS[filters["status"]][1]))
    if filters["q"]:
        query = query.where(Idea.id.in_(matching_ids(filters["q"], Idea.content_type_name)))
    per_page = min(max(int_arg("per_page") or PER_PAGE, 1), MAX_PER_PAGE)
    page = db.paginate(_ordered(query, filters["sort"]), page=int_arg("page") or 1,
                       per_page=per_page, error_out=False)
    # One query tells which ideas of the page the visitor supports (none per idea), one their
    # cover images.
    preload_supports(current_user, page.items)
    covers = cover_images(page.items)
    link_args = {key: value for key, value in filters.items() if value}
    if per_page != PER_PAGE:
        link_args["per_page"] = per_page
    return render_template(
        "idea_box/index.html",
        page=page,
        covers=covers,
        filters=filters,
        link_args=link_args,
        neighbourhoods=neighbourhood_choices(_("All neighbourhoods")),
        categories=category_choices(_("All themes")),
        statuses=[("", _("All statuses"))] + [(key, label) for key, (label, _states) in STATUS_GROUPS.items()],
        sorts=SORTS,
        workflow=WORKFLOW,
        **_rhythm(),
    )


def _rhythm() -> dict:
    """What the pages say about the box's rhythm: open all year, or the campaign's dates."""
    if not campaign_mode():
        return {"campaign": None, "campaign_phase": None, "can_submit": True, "closed_message": None}
    campaign = current_campaign() or next_campaign()
    is_open = submissions_open()
    return {
        "campaign": campaign,
        "campaign_phase": campaign.phase(today()) if campaign else None,
        "can_submit": is_open,
        "closed_message": None if is_open else submissions_closed_message(),
    }


# --- The map of the ideas ------------------------------------------------------------------------


def _status_group(state: str) -> str:
    return next((key for key, (_label, states) in STATUS_GROUPS.items() if state in states), "closed")


def _placed_ideas():
    """Public ideas with a point, filtered by neighbourhood and status as on the list, newest
    first, and how many ideas of that selection have no point."""
    query = public_ideas()
    filters = {
        "neighbourhood": int_arg("neighbourhood"),
        "status": request.args.get("status", "") if request.args.get("status") in STATUS_GROUPS else "",
    }
    if filters["neighbourhood"]:
        query = query.where(Idea.neighbourhood_id == filters["neighbourhood"])
    if filters["status"]:
        query = query.where(Idea.state.in_(STATUS_GROUPS[filters["status"]][1]))
    if int_arg("idea"):
        query = query.where(Idea.id == int_arg("idea"))
    placed = query.where(Idea.latitude.is_not(None), Idea.longitude.is_not(None))
    ideas = db.session.scalars(placed.order_by(Idea.published_at.desc(), Idea.id.desc())
                               .options(selectinload(Idea.neighbourhood)).limit(MAP_LIMIT)).all()
    unplaced = db.session.scalar(select(func.count()).select_from(
        query.where(Idea.latitude.is_(None)).subquery()))
    return ideas, unplaced, filters


@bp.get("/map")
@visitor_cache
def map_page():
    """The ideas on a map of the city, coloured by where they stand, and the same ideas listed
    (the map's equivalent without JavaScript)."""
    ideas, unplaced, filters = _placed_ideas()
    return render_template(
        "idea_box/map.html", ideas=ideas, unplaced=unplaced, filters=filters, limit=MAP_LIMIT,
        link_args={key: value for key, value in filters.items() if value},
        neighbourhoods=neighbourhood_choices(_("All neighbourhoods")),
        statuses=[("", _("All statuses"))] + [(key, label) for key, (label, _states) in STATUS_GROUPS.items()],
        legend=[(label, STATUS_TONES[key]) for key, (label, _states) in STATUS_GROUPS.items()],
        workflow=WORKFLOW,
    )


@bp.get("/map.geojson")
def map_data():
    """The points of the map (``?idea=`` for one idea's point), as GeoJSON."""
    ideas, _unplaced, _filters = _placed_ideas()
    points = [
        MapPoint(idea.latitude, idea.longitude, idea.title, url_for("idea_box.detail", id=idea.id),
                 status=state_label(idea, idea.state),
                 tone=STATUS_TONES[_status_group(idea.state)], place=idea.place_address or "")
        for idea in ideas
    ]
    response = jsonify(feature_collection(points))
    response.mimetype = "application/geo+json"
    return response


# --- An idea's page ------------------------------------------------------------------------------


@bp.get("/<int:id>")
@kept_for_readers
def detail(id: int):
    """The idea, its supports, its timeline, the city's answer, its study once decided, its
    implementation once accepted, and its comments."""
    idea = get_or_404(Idea, id)
    show_implementation = idea.state in ACCEPTED
    files = attachments_of(idea)
    # The steps are read when they are shown, or to tell their photos from the idea's images.
    steps: list[ImplementationStep] = list(idea.steps) if show_implementation or files else []
    step_photo_ids = {step.photo_id for step in steps if step.photo_id}
    # Only their titles and addresses are shown: none of an idea's related rows is joined.
    merged_from = db.session.scalars(
        public_ideas().where(Idea.merged_into_id == idea.id).order_by(Idea.id).options(lazyload("*"))
    ).all()
    return render_template(
        "idea_box/detail.html",
        idea=idea,
        workflow=WORKFLOW,
        steps=steps,
        images=[f for f in files if f.id not in step_photo_ids],
        step_photos={f.id: f for f in files if f.id in step_photo_ids},
        merged_from=merged_from,
        steps_of_life=life_steps(idea, timeline(idea)) if idea.is_public else [],
        show_study=idea.state in DECIDED + ACCEPTED and idea.study is not None,
        show_implementation=show_implementation,
        can_submit=submissions_open(),
    )


# --- Similar ideas -------------------------------------------------------------------------------

# Words too common to tell ideas apart (titles are mostly French; English and German too).
_COMMON_WORDS = frozenset("""
    avec dans pour plus une des les aux sur sous entre chez leur leurs nos notre votre vos cette
    ces tous toutes tout toute faire mettre avoir etre quartier ville rue place idee
    with from that this into more than have city street idea ideas
    eine einer eines mit fur und oder dass mehr stadt strasse
""".split())
_WORD = re.compile(r"\w+", re.UNICODE)


def significant_words(title: str) -> list[str]:
    """The words of a title worth matching (folded, without the most common ones)."""
    words = []
    for word in _WORD.findall(fold(title or "")):
        if len(word) >= 4 and word not in _COMMON_WORDS and word not in words:
            words.append(word)
    return words[:8]


def similar_ideas(title: str, exclude_id: int | None = None, limit: int = 5) -> list[Idea]:
    """Published ideas sharing words with ``title``, the closest and most supported first:
    better to support one of them than to propose the same again."""
    words = significant_words(title)
    if not words:
        return []
    score = sum(case((Idea.id.in_(matching_ids(word, Idea.content_type_name)), 1), else_=0) for word in words)
    query = public_ideas().where(Idea.state != "merged", score >= 1)
    if exclude_id:
        query = query.where(Idea.id != exclude_id)
    query = query.order_by(score.desc(), Idea.support_count.desc(), Idea.id.desc()).limit(limit)
    return list(db.session.scalars(query))


@bp.get("/similar")
def similar():
    """The list of similar ideas as an HTML fragment, for the form's script."""
    title = request.args.get("title", "")[:150]
    return render_template("idea_box/_similar.html", ideas=similar_ideas(title), checked=bool(title.strip()),
                           workflow=WORKFLOW)


# --- Proposing an idea ---------------------------------------------------------------------------


def _fill_choices(form: IdeaForm) -> None:
    form.neighbourhood.choices = [("", _("Choose…")), ("0", _("The whole city"))] + neighbourhood_choices()
    form.category.choices = category_choices(_("No particular theme"))


def _fill_from(form: IdeaForm, idea: Idea) -> None:
    form.neighbourhood.data = str(idea.neighbourhood_id) if idea.neighbourhood_id else ""
    form.category.data = str(idea.category_id) if idea.category_id else ""


def _copy_into(form: IdeaForm, idea: Idea) -> None:
    idea.title = form.title.data.strip()
    idea.body = (form.body.data or "").strip()
    idea.neighbourhood_id = int(form.neighbourhood.data) if (form.neighbourhood.data or "0") != "0" else None
    idea.category_id = int(form.category.data) if form.category.data else None
    form.copy_place_into(idea)
    idea.estimated_cost = form.estimated_cost.data


def _render_form(form: IdeaForm, idea: Idea | None, suggestions=None, checked_similar=False, status=200):
    return render_template(
        "idea_box/form.html", form=form, idea=idea, suggestions=suggestions or [],
        checked_similar=checked_similar, moderation_before=moderation_before(),
        workflow=WORKFLOW, **_rhythm(),
    ), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    """Propose an idea (or save it as a draft)."""
    return _idea_form(None)


@bp.route("/<int:id>/edit", methods=["GET", "POST"])
@login_required
def edit(id: int):
    """Finish a draft: its author only, while it is a draft."""
    return _idea_form(get_or_404(Idea, id, "edit"))


def _idea_form(idea: Idea | None):
    form = IdeaForm(obj=idea if request.method == "GET" else None)
    _fill_choices(form)
    if request.method == "GET":
        if idea is not None:
            _fill_from(form, idea)
        return _render_form(form, idea)
    action = request.form.get("action", "submit")
    if action == "similar":
        # Without JavaScript: show the similar ideas, keep everything typed, save nothing.
        suggestions = similar_ideas(form.title.data or "", idea.id if idea else None)
        return _render_form(form, idea, suggestions, checked_similar=True)
    if action == "draft":
        form.relax_for_draft()
    if not form.neighbourhood.data:
        # A point on the map and no neighbourhood chosen: the neighbourhood drawn around it.
        around = neighbourhood_at(form.latitude.data, form.longitude.data)
        if around is not None:
            form.neighbourhood.process_formdata([str(around.id)])
            form.neighbourhood.raw_data = [str(around.id)]
    if not form.validate_on_submit():
        return _render_form(form, idea, status=422)
    creating = idea is None
    if creating:
        idea = Idea(author_id=current_user.id)
        start(idea)
        campaign = current_campaign() if campaign_mode() else None
        idea.campaign_id = campaign.id if campaign else None
        db.session.add(idea)
    _copy_into(form, idea)
    db.session.flush()
    upload = form.image.data
    if upload is not None and getattr(upload, "filename", ""):
        try:
            save_upload(idea, upload, current_user, form.image_description.data or "", kinds={"image"})
        except AttachmentRefused as refused:
            # Nothing is saved; what was typed stays in the form.
            db.session.rollback()
            form.image.errors = [_("%(reason)s Choose the image again.", reason=refused.message)]
            return _render_form(form, None if creating else db.session.get(Idea, idea.id), status=422)
    if action != "submit":
        db.session.commit()
        flash(_("Your draft is saved. Only you can see it; send it when it is ready."), "success")
        return redirect(url_for("idea_box.detail", id=idea.id))
    # Saved and sent in one commit: a request cut short between the two would leave a draft
    # that the person was told was not recorded.
    return _send(idea)


def _send(idea: Idea):
    """Publish the finished draft, or send it to the moderators, as the setting says; commits
    (the draft stays saved when it cannot be sent)."""
    if not submissions_open():
        db.session.commit()
        flash(_("Your idea is saved as a draft.") + " " + submissions_closed_message(), "error")
        return redirect(url_for("idea_box.detail", id=idea.id))
    before = moderation_before()
    try:
        with db.session.begin_nested():
            apply(idea, "submit" if before else "publish", current_user)
    except TransitionRefused as refused:
        db.session.commit()
        flash(str(refused.message), "error")
        return redirect(url_for("idea_box.detail", id=idea.id))
    db.session.commit()
    if before:
        flash(_("Thank you! Your idea has been sent to the moderators; it will be published once approved."),
              "success")
    else:
        flash(_("Thank you! Your idea is published: others can now support it."), "success")
    return redirect(url_for("idea_box.detail", id=idea.id))


@bp.post("/<int:id>/delete")
@login_required
def delete(id: int):
    """Delete a draft (its author only)."""
    idea = get_or_404(Idea, id, "delete")
    delete_idea(idea)
    db.session.commit()
    flash(_("Your draft has been deleted."), "success")
    return redirect(url_for("idea_box.mine"))


@bp.get("/mine")
@login_required
def mine():
    """The ideas the person proposed, drafts included."""
    ideas = db.session.scalars(
        select(Idea).where(Idea.author_id == current_user.id)
        .order_by(Idea.created_at.desc(), Idea.id.desc())
    ).all()
    return render_template("idea_box/mine.html", ideas=ideas, workflow=WORKFLOW)


# --- The home page's block -----------------------------------------------------------------------


def home_block() -> HomeBlock:
    """The most supported ideas open for support, and the way to propose one."""
    ideas = db.session.scalars(
        public_ideas().where(Idea.state.in_(OPEN_FOR_SUPPORT))
        .order_by(Idea.support_count.desc(), Idea.id.desc()).limit(3)
    ).all()
    html = render_template("idea_box/_home_block.html", ideas=ideas, covers=cover_images(ideas),
                           can_submit=submissions_open())
    return HomeBlock(Markup(html), order=20)
