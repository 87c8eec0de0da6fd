"""The named system account: history rows written by scheduled jobs, migrations and set-up
commands name it instead of leaving the user empty. It cannot log in (inactive, no password)."""

from django.db import migrations

SYSTEM_USERNAME = "system"  # apps.core.history.SYSTEM_ACCOUNT_USERNAME


def create(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"name": "系统", "is_active": False, "password": "!", "email": ""})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
