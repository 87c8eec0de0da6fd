import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from apps.accounts.models import Organization, User
from apps.projects.models import Project

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_demo_data_creates_every_role_and_phase_and_is_idempotent(capsys, settings):
    settings.TEAMS_STRICT_SIGNER_CHECK = True  # the product default: demo signers are approved staff
    call_command("demo_data")
    out = capsys.readouterr().out
    assert "client_lead" in out and "regulator" in out and "Demo-2026-archqa" in out
    kinds = set(Organization.objects.values_list("kind", flat=True))
    assert kinds == {"client", "contractor", "regulator"}
    assert Organization.objects.filter(kind="contractor").count() == 2
    phases = set(Project.objects.values_list("phase", flat=True))
    assert {"preparation", "implementation", "acceptance", "warranty", "suspended"} <= phases
    counts = (User.objects.count(), Project.objects.count())
    call_command("demo_data")
    assert (User.objects.count(), Project.objects.count()) == counts
    # The larger set of the load benchmark: more projects in implementation, made the same way.
    call_command("demo_data", extra_projects=1)
    extra = Project.objects.get(contract_no="HZDA-2026-X001")
    assert extra.phase == "implementation" and Project.objects.count() == counts[1] + 1
    assert extra.batches.exists() and extra.rectification_tickets.exists() and extra.patrols.exists()
    call_command("demo_data", extra_projects=1)
    assert Project.objects.count() == counts[1] + 1
    user = User.objects.get(username="client_lead")
    assert user.check_password("Demo-2026-archqa")
    _every_history_row_names_a_user_and_a_reason()


def _every_history_row_names_a_user_and_a_reason():
    """Security row 15 over everything the demo data wrote: every history row of every model names a
    person or the system account, and a reason."""
    from django.apps import apps
    from django.db.models import Q

    unattributed = {}
    for model in apps.get_models():
        fields = {f.name for f in model._meta.fields}
        if {"history_user", "history_change_reason", "history_type"} <= fields:
            missing = model.objects.filter(Q(history_user__isnull=True) | Q(history_change_reason__isnull=True)
                                           | Q(history_change_reason=""))
            if missing.exists():
                unattributed[model._meta.label] = missing.count()
    assert not unattributed, unattributed


def _setting(name, env):
    code = f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    clean = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings.local")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True,
                          timeout=60).stdout.strip()


def test_celery_runs_eagerly_without_a_broker():
    assert _setting("CELERY_TASK_ALWAYS_EAGER", {}) == "True"


def test_celery_uses_redis_when_configured():
    assert _setting("CELERY_TASK_ALWAYS_EAGER", {"REDIS_URL": "redis://127.0.0.1:6379/0"}) == "False"
    assert _setting("CELERY_BROKER_URL", {"REDIS_URL": "redis://127.0.0.1:6379/0"}) == "redis://127.0.0.1:6379/0"


def test_the_first_command_shows_the_product_not_the_framework():
    # DEBUG off unless asked for; e-mail to files, not thousands of lines on the console.
    assert _setting("DEBUG", {}) == "False"
    assert _setting("DEBUG", {"DJANGO_DEBUG": "1"}) == "True"
    assert _setting("EMAIL_BACKEND", {}) == "django.core.mail.backends.filebased.EmailBackend"
