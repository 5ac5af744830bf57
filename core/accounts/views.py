"""Account pages."""

from __future__ import annotations

import json

from flask import (
    Blueprint, current_app, flash, redirect, render_template, request, session, url_for,
)
from flask_babel import force_locale, gettext as _, lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from ..database import db, utcnow
from ..events import UserConfirmed, UserLoggedIn, UserRegistered, emit
from ..extensions import limiter
from ..i18n import language_name
from ..mail import send_mail
from ..permissions import all_roles, login_required
from ..plugins import collect
from ..taxonomy import neighbourhood_choices
from ..web import safe_next
from . import forms, passwords, tokens
from .data import build_export, delete_account
from .models import User

bp = Blueprint("accounts", __name__, url_prefix="/account")


def _login_limit() -> str:
    """Failed log-in attempts allowed (per address and per account), e.g. "10 per minute"."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def _signup_limit() -> str:
    """Sign-ups and mailed links asked for, per network address and per e-mail address."""
    return current_app.config["SIGNUP_RATE_LIMIT"]


def _email_key() -> str:
    """Rate-limit key of the account tried, so that attempts spread over addresses still count."""
    return "email:" + normalise_email(request.form.get("email") or "")


def _failed_login(response) -> bool:
    """Only attempts that did not log the person in count against the log-in limit."""
    return response.status_code != 302


def normalise_email(email: str) -> str:
    """Addresses are stored and compared in lower case, without surrounding spaces."""
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    """The account using ``email`` (deleted accounts have no address, so are never found)."""
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


def fresh_session() -> None:
    """Start a new session, with nothing carried over but the language chosen."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def send_confirmation(user: User) -> None:
    """Queue the mail with the link that confirms ``user``'s address (the caller commits)."""
    link = url_for("accounts.confirm", token=tokens.confirmation_token(user), _external=True)
    send_mail(
        user.email, _l("Confirm your e-mail address"), "accounts/mail/confirm",
        locale=user.locale, user=user, link=link,
    )


# --- Sign-up and confirmation ------------------------------------------------------------------


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"])
@limiter.limit(_signup_limit, methods=["POST"], key_func=_email_key)  # nobody's inbox flooded
def signup():
    """Create an account; the same page follows whether or not the address already had one."""
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = forms.SignupForm()
    form.neighbourhood.choices = neighbourhood_choices(_("I prefer not to say / outside the city"))
    if form.validate_on_submit():
        email = normalise_email(form.email.data)
        # Hashed whether or not the address has an account: the two paths cost the same, so
        # the time of the answer does not tell either.
        password_hash = passwords.hash_password(form.password.data)
        existing = find_user_by_email(email)
        if existing is not None:
            # Say the same as for a new account, so nobody learns who has one; tell the owner.
            send_mail(
                email, _l("Someone tried to create an account with your address"), "accounts/mail/signup_exists",
                locale=existing.locale, user=existing,
                reset_link=url_for("accounts.forgot_password", _external=True),
            )
            db.session.commit()
        else:
            user = User(
                email=email,
                display_name=form.display_name.data.strip(),
                password_hash=password_hash,
                neighbourhood_id=int(form.neighbourhood.data) if form.neighbourhood.data else None,
                locale=session.get("lang") or request.accept_languages.best_match(current_app.config["LANGUAGES"]),
            )
            db.session.add(user)
            try:
                db.session.flush()
            except IntegrityError:  # the same address signed up twice at the same moment
                db.session.rollback()
            else:
                send_confirmation(user)
                emit(UserRegistered(user_id=user.id))
                db.session.commit()
        return render_template("accounts/check_inbox.html", email=email)
    return render_template("accounts/signup.html", form=form)


@bp.get("/confirm/<token>")
def confirm(token: str):
    """The link of the confirmation mail: confirms the address and logs the person in once."""
    try:
        user = tokens.user_from_confirmation(token)
    except tokens.InvalidToken as exc:
        message = (
            _("This confirmation link has expired. Enter your address to receive a new one.")
            if exc.expired
            else _("This confirmation link is not valid. Enter your address to receive a new one.")
        )
        flash(message, "error")
        return redirect(url_for("accounts.resend_confirmation"))
    if user.is_confirmed:
        # A link used again (or forwarded) does not open a session: the password is needed.
        if current_user.is_authenticated and current_user.id == user.id:
            return redirect(url_for("pages.home"))
        flash(_("Your address is already confirmed. You can log in."), "info")
        return redirect(url_for("accounts.login"))
    user.email_confirmed_at = utcnow()
    user.last_login_at = utcnow()
    emit(UserConfirmed(user_id=user.id))
    db.session.commit()
    fresh_session()
    login_user(user)
    flash(_("Your address is confirmed. Welcome!"), "success")
    return redirect(url_for("pages.home"))


@bp.route("/confirm", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"])
@limiter.limit(_signup_limit, methods=["POST"], key_func=_email_key)  # nobody's inbox flooded
def resend_confirmation():
    """Send a new confirmation link, saying the same whether or not the address is known."""
    form = forms.EmailOnlyForm()
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        if user is not None and not user.is_confirmed and user.is_active:
            send_confirmation(user)
            db.session.commit()
        flash(_("If an unconfirmed account uses this address, a new link has been sent to it."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/resend.html", form=form)


# --- Log in and out ------------------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed_login)
@limiter.limit(_login_limit, methods=["POST"], key_func=_email_key, deduct_when=_failed_login)
def login():
    """Log in; failed attempts are limited per address and per account (429 beyond)."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), url_for("pages.home")))
    form = forms.LoginForm()
    error = None
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        if user is None:
            passwords.spend_verification_time(form.password.data)
        if user is None or not passwords.verify_password(user.password_hash, form.password.data):
            error = _("Incorrect e-mail address or password.")
        elif not user.is_confirmed:
            error = _("Please confirm your e-mail address first, with the link we sent you.")
        else:
            if passwords.needs_rehash(user.password_hash):
                user.password_hash = passwords.hash_password(form.password.data)
            user.last_login_at = utcnow()
            emit(UserLoggedIn(user_id=user.id))
            db.session.commit()
            fresh_session()
            login_user(user, remember=form.remember.data)
            flash(_("You are logged in."), "success")
            return redirect(safe_next(request.args.get("next"), url_for("pages.home")))
    return render_template("accounts/login.html", form=form, error=error)


@bp.post("/logout")
def logout():
    """Log out (a form button: a link would let other sites log people out)."""
    # Clear first: logging out leaves a mark in the session that deletes the "stay logged in"
    # cookie at the end of the request.
    fresh_session()
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("pages.home"))


# --- Password reset ----------------------------------------------------------------------------


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"])
@limiter.limit(_signup_limit, methods=["POST"], key_func=_email_key)  # nobody's inbox flooded
def forgot_password():
    """Mail a link to choose a new password, saying the same whether or not the address is known."""
    form = forms.EmailOnlyForm()
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        if user is not None and user.is_active:
            link = url_for("accounts.reset_password", token=tokens.reset_token(user), _external=True)
            send_mail(user.email, _l("Choose a new password"), "accounts/mail/reset", locale=user.locale, user=user, link=link)
            db.session.commit()
        return render_template("accounts/check_inbox.html", email=normalise_email(form.email.data), reset=True)
    return render_template("accounts/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """The link of the reset mail: choose a new password; the link then stops working."""
    try:
        user = tokens.user_from_reset(token)
    except tokens.InvalidToken as exc:
        flash(
            _("This link has expired. Ask for a new one.") if exc.expired
            else _("This link is not valid or was already used. Ask for a new one."),
            "error",
        )
        return redirect(url_for("accounts.forgot_password"))
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        problems = passwords.password_problems(form.password.data, user.email or "", user.display_name)
        if problems:
            form.password.errors.extend(problems)
        else:
            user.password_hash = passwords.hash_password(form.password.data)
            user.session_version += 1
            if user.email_confirmed_at is None:  # the link proves the address
                user.email_confirmed_at = utcnow()
            db.session.commit()
            flash(_("Your password has been changed. You can log in with it now."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form)


# --- The account page --------------------------------------------------------------------------


@bp.route("", methods=["GET", "POST"], strict_slashes=False)
@login_required
def account():
    """The account page: public name, neighbourhood, language and e-mail notifications."""
    user = current_user._get_current_object()
    form = forms.ProfileForm(obj=None if request.method == "POST" else user)
    form.neighbourhood.choices = neighbourhood_choices(_("I prefer not to say / outside the city"))
    form.locale.choices = [(code, language_name(code)) for code in current_app.config["LANGUAGES"]]
    if request.method == "GET":
        form.neighbourhood.data = str(user.neighbourhood_id or "")
        form.locale.data = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    if form.validate_on_submit():
        user.display_name = form.display_name.data.strip()
        user.neighbourhood_id = int(form.neighbourhood.data) if form.neighbourhood.data else None
        user.locale = form.locale.data
        session["lang"] = user.locale
        user.notification_frequency = form.notification_frequency.data
        db.session.commit()
        # Said in the language just chosen: the next page is shown in it.
        with force_locale(user.locale):
            flash(_("Your account has been updated."), "success")
        return redirect(url_for("accounts.account"))
    links = sorted(collect("account_links", user=user), key=lambda link: (link.order, str(link.label)))
    return render_template("accounts/account.html", form=form, roles=_granted_role_labels(user),
                           participation=links)


def _granted_role_labels(user: User) -> list[str]:
    """The names of the roles given to ``user`` (every confirmed account is a resident: not shown)."""
    specs = all_roles()
    names = sorted(user.role_names - {"resident"})
    return [str(specs[name].label) if name in specs else name for name in names]


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the password; every other session of the account ends."""
    user = current_user._get_current_object()
    form = forms.ChangePasswordForm()
    if form.validate_on_submit():
        if not passwords.verify_password(user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("This is not your current password."))
        else:
            problems = passwords.password_problems(form.password.data, user.email or "", user.display_name)
            if problems:
                form.password.errors.extend(problems)
            else:
                user.password_hash = passwords.hash_password(form.password.data)
                user.session_version += 1  # other devices are logged out
                db.session.commit()
                login_user(user)
                flash(_("Your password has been changed."), "success")
                return redirect(url_for("accounts.account"))
    return render_template("accounts/change_password.html", form=form)


@bp.get("/export.json")
@login_required
def export_data():
    """"Download my data": one JSON file, every plugin contributing."""
    user = current_user._get_current_object()
    body = json.dumps(build_export(user), ensure_ascii=False, indent=2, default=str)
    response = current_app.response_class(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="civique-my-data-{user.id}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete():
    """Delete the account after the password is given: personal data erased, content kept."""
    user = current_user._get_current_object()
    form = forms.DeleteAccountForm()
    if form.validate_on_submit():
        if not passwords.verify_password(user.password_hash, form.password.data):
            form.password.errors.append(_("This is not your password."))
        else:
            delete_account(user)
            fresh_session()
            logout_user()
            flash(_("Your account has been deleted. What you wrote in public now shows as from a deleted participant."), "success")
            return redirect(url_for("pages.home"))
    return render_template("accounts/delete.html", form=form)
