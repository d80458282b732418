"""Writes for accounts: role groups and users."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from applicants.models import Enterprise, User
from applicants.roles import ROLE_PERMISSIONS, Role


@transaction.atomic
def roles_sync() -> None:
    """Create or update one Group per role holding exactly that role's permissions."""
    for role, perm_names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = []
        for name in perm_names:
            app_label, codename = name.split(".")
            perms.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(perms)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: str,
    display_name: str = "",
    email: str = "",
    jurisdiction: str = "",
    enterprise: Enterprise | None = None,
    must_change_password: bool = False,
) -> User:
    """Create a user of one role and put them in that role's group (no password: unusable).

    `must_change_password`: someone else chose the password, so the user must replace it at
    their first sign-in (see `applicants.middleware`).
    """
    user = User(
        username=username,
        role=role,
        display_name=display_name,
        email=email,
        jurisdiction=jurisdiction,
        enterprise=enterprise,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
        must_change_password=must_change_password and password is not None,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


def user_password_changed(*, user: User) -> None:
    """The user chose their own password (changed or reset): nothing more is asked of them."""
    if user.must_change_password:
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        user.must_change_password = False
