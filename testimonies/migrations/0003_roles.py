"""Roles as groups: admin, editor, reviewer, researcher (permissions on the archive's models)."""

from django.db import migrations

MODELS = [
    "testimony",
    "mediaasset",
    "person",
    "namevariant",
    "place",
    "placealias",
    "transcript",
    "segment",
    "event",
    "mention",
]
ROLES = {
    "admin": {"add", "change", "delete", "view"},
    "editor": {"add", "change", "view"},
    "reviewer": {"view"},
    "researcher": {"view"},
}
# Reviewers confirm or reject machine proposals: they change mentions and events only.
REVIEWER_CHANGES = ["mention", "event"]


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("testimonies")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, actions in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        codenames = [f"{action}_{model}" for model in MODELS for action in actions]
        if role == "reviewer":
            codenames += [f"change_{model}" for model in REVIEWER_CHANGES]
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="testimonies", codename__in=codenames)
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("testimonies", "0002_audit_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
