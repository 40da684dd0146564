"""The two kinds of staff: curators edit clinical data and import files; viewers read the admin and change nothing.

Each is a Django group whose permissions are set here, after every migrate (apps.py), so that a new database has
them and a new model's permissions join them. A user gets a role by being put in its group (in the admin: Users →
the user → Groups, with "Staff status" on), or with `manage.py ensure_admin --role`.
"""

from django.contrib.auth.models import Group, Permission

CURATORS = "Curators"
VIEWERS = "Viewers"
# Curators may also add and change these, from the reports app's own tables.
APP = "reports"


def ensure_roles() -> dict[str, Group]:
    """Create the groups if missing and give each exactly its permissions; returns them by name."""
    app_permissions = Permission.objects.filter(content_type__app_label=APP)
    curators, _ = Group.objects.get_or_create(name=CURATORS)
    viewers, _ = Group.objects.get_or_create(name=VIEWERS)
    # Curators: everything on casebase's own records (add, change, delete, view, import), nothing on users.
    curators.permissions.set(app_permissions)
    # Viewers: view only.
    viewers.permissions.set(app_permissions.filter(codename__startswith="view_"))
    return {CURATORS: curators, VIEWERS: viewers}
