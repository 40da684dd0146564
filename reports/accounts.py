"""Accounts the site needs to be usable on a new machine."""

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model


class AccountError(Exception):
    pass


@dataclass
class AdminAccount:
    username: str
    password: str | None  # only when it was just created; never stored in clear anywhere else


def ensure_admin(*, username: str = "admin") -> AdminAccount:
    """Return the first superuser; when there is none, create `username` with a random password."""
    users = get_user_model().objects
    existing = users.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if existing:
        return AdminAccount(username=existing.get_username(), password=None)
    if users.filter(**{users.model.USERNAME_FIELD: username}).exists():
        raise AccountError(
            f"There is no active superuser, and the account '{username}' exists but is not one: "
            f"give it admin rights with the admin site or `manage.py changepassword {username}`, or pick "
            "another name with --username."
        )
    password = secrets.token_urlsafe(12)
    users.create_superuser(username=username, email="", password=password)
    return AdminAccount(username=username, password=password)


def add_staff(*, username: str, role: str) -> AdminAccount:
    """Create a staff account in a role ("curator" or "viewer") with a random password, or put an existing
    account in that role (its password unchanged). The roles are in reports/roles.py."""
    from reports.roles import CURATORS, VIEWERS, ensure_roles

    groups = ensure_roles()
    names = {"curator": CURATORS, "viewer": VIEWERS}
    if role not in names:
        raise AccountError(f"The role is 'curator' or 'viewer', not '{role}'.")
    users = get_user_model().objects
    user = users.filter(**{users.model.USERNAME_FIELD: username}).first()
    password = None
    if user is None:
        password = secrets.token_urlsafe(12)
        user = users.create_user(username=username, email="", password=password)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.remove(*groups.values())
    user.groups.add(groups[names[role]])
    return AdminAccount(username=username, password=password)


def client_address(request) -> str:
    """The visitor's address, for counting failed logins. Behind PROXY_COUNT proxies, each appends the address it
    saw to X-Forwarded-For, so the client is that many entries from the end; anything before it was written by the
    client itself and cannot be trusted. Without proxies, the header is ignored."""
    from django.conf import settings

    proxies = settings.PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
