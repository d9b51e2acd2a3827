"""Create a group for every role."""

from django.db import migrations

ROLES = [
    "public",
    "applicant",
    "plan_editor",
    "fund_officer",
    "reviewer",
    "committee_member",
    "council_office",
    "moderator",
    "admin",
]


def forward(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
