"""Signed, expiring links for e-mail confirmation and password reset (no table needed)."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..extensions import db
from .models import User


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"civique.{purpose}")


def confirmation_token(user: User) -> str:
    return _serializer("confirm").dumps({"u": user.id, "e": user.email})


def reset_token(user: User) -> str:
    # The end of the current hash is signed in: the link stops working once the password changed.
    return _serializer("reset").dumps({"u": user.id, "h": (user.password_hash or "")[-16:]})


class InvalidToken(Exception):
    """The link is unknown, altered, used, or expired (``expired`` tells which)."""

    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _load(purpose: str, token: str, max_age: int) -> dict:
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise InvalidToken(expired=True) from exc
    except BadSignature as exc:
        raise InvalidToken() from exc


def user_from_confirmation(token: str) -> User:
    data = _load("confirm", token, current_app.config["CONFIRMATION_MAX_AGE"])
    user = db.session.get(User, data.get("u"))
    if user is None or not user.is_active or user.email != data.get("e"):
        raise InvalidToken()
    return user


def user_from_reset(token: str) -> User:
    data = _load("reset", token, current_app.config["RESET_MAX_AGE"])
    user = db.session.get(User, data.get("u"))
    if user is None or not user.is_active or (user.password_hash or "")[-16:] != data.get("h"):
        raise InvalidToken()
    return user
