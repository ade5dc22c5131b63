"""Roles see the record of person merges (it is written by the merge action only)."""

from django.db import migrations

ROLES = ("admin", "editor", "reviewer")


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("testimonies")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.filter(
        content_type__app_label="testimonies", codename="view_personmerge"
    )
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.add(*view)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="testimonies", codename="view_personmerge"
            )
        )


class Migration(migrations.Migration):
    dependencies = [("testimonies", "0006_person_merge")]

    operations = [migrations.RunPython(grant, revoke)]
