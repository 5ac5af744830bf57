"""Password hashing (argon2) and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import gettext as _

from ..config import Defaults



def _hasher() -> PasswordHasher:
    """The app's argon2id hasher, of its ``PASSWORD_HASH_TIME_COST`` and
    ``PASSWORD_HASH_MEMORY_KIB`` (made once per app); outside an app (a script writing accounts
    straight into a database), the defaults'."""
    if not has_app_context():
        return PasswordHasher(time_cost=Defaults.PASSWORD_HASH_TIME_COST,
                              memory_cost=Defaults.PASSWORD_HASH_MEMORY_KIB)
    hasher = current_app.extensions.get("civique.password_hasher")
    if hasher is None:
        hasher = PasswordHasher(time_cost=int(current_app.config["PASSWORD_HASH_TIME_COST"]),
                                memory_cost=int(current_app.config["PASSWORD_HASH_MEMORY_KIB"]))
        current_app.extensions["civique.password_hasher"] = hasher
    return hasher


# The most common passwords, refused whatever their length.
COMMON_PASSWORDS = {
    "123456789012", "1234567890", "azertyuiop", "motdepasse", "motdepasse1", "password123",
    "passwordpassword", "qwertyuiop", "0123456789", "1111111111", "azerty1234", "iloveyou12",
    "bonjour1234", "soleil12345", "doudou12345", "marseille13", "password1234", "passwort123",
    "hallo123456", "football123", "jetaime1234", "chocolat123", "loulou12345", "abcdefghij",
}


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (salted; parameters stored in the hash)."""
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (never for an account without a password)."""
    if not password_hash:
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's (rehash at next login)."""
    return _hasher().check_needs_rehash(password_hash)


def spend_verification_time(password: str) -> None:
    """Hash as long as a real check would, when there is no account to check against.

    Used at login for unknown addresses, so that the response time does not tell whether an
    account exists.
    """
    dummy = current_app.extensions.get("civique.password_dummy_hash")
    if dummy is None:
        dummy = current_app.extensions["civique.password_dummy_hash"] = hash_password(
            "civique-no-such-account")
    verify_password(dummy, password)


def password_problems(password: str, email: str = "", name: str = "") -> list[str]:
    """What is wrong with a new password, as translated sentences (empty when it is fine)."""
    problems = []
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        problems.append(_("The password must have at least %(n)s characters.", n=minimum))
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        problems.append(_("This password is too common or too easy to guess; choose another."))
    local_part = email.split("@")[0].lower() if email else ""
    if (local_part and len(local_part) >= 4 and local_part in lowered) or (
        name and len(name) >= 4 and name.lower() in lowered
    ):
        problems.append(_("The password must not contain your name or e-mail address."))
    return problems
