"""Every model of the product keeps its history (mission: audit history on every model)."""

from django.apps import apps
from simple_history.models import registered_models


def test_every_model_has_history():
    ours = [m for m in apps.get_models() if m.__module__.startswith("apps.")]
    historical = {m for m in ours if m.__name__.startswith("Historical")}
    tracked = [m for m in ours if m not in historical]
    assert tracked, "no product models found"
    missing = [m._meta.label for m in tracked if m not in registered_models.values()
               and not hasattr(m, "history")]
    assert not missing, f"models without history: {missing}"


def test_historical_rows_record_ip_column():
    from apps.projects.models import Project

    assert "history_ip" in {f.name for f in Project.history.model._meta.fields}
