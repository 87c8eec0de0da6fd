"""The gate ``batches_accepted`` (§5.3.1): acceptance only once every batch is accepted."""

import pytest
from django.urls import reverse

from apps.batches import services
from apps.batches.models import Batch
from apps.batches.selectors import batches_accepted, batches_accepted_evidence
from apps.projects.gates import registry

from .builders import draft, not_accepted, special_pass, submitted, under_inspection

pytestmark = pytest.mark.django_db


def _unmet(project) -> list[str]:
    return [r.gate.code for r in registry.unmet(project, "acceptance")]


def test_no_batch_is_no_obstacle(ready):
    assert batches_accepted(ready.project)
    assert "batches_accepted" not in _unmet(ready.project)


@pytest.mark.parametrize("make", [draft, submitted, under_inspection, not_accepted])
def test_an_unfinished_batch_keeps_the_gate_unmet(ready, make):
    make(ready)
    assert not batches_accepted(ready.project)
    assert "batches_accepted" in _unmet(ready.project)
    label, url = batches_accepted_evidence(ready.project)
    assert label == "1 batches not yet accepted"
    assert url == reverse("batches:project", args=[ready.project.pk])


def test_accepted_batch_meets_the_gate(ready):
    batch = services.batch_inspection_start(batch=submitted(ready), user=ready.inspector)
    services.batch_decision_record(batch=batch, accepted=True, user=ready.inspector)
    assert batches_accepted(ready.project)
    assert "batches_accepted" not in _unmet(ready.project)


def test_a_rejected_batch_counts_once_its_resubmission_is_accepted(ready):
    rejected = not_accepted(ready)
    services.batch_resubmit(batch=rejected, user=ready.pm)
    assert not batches_accepted(ready.project)  # the new draft is not accepted yet
    again = Batch.objects.get(resubmission_of=rejected)
    special_pass(again, ready)
    again = services.batch_submit(batch=again, user=ready.pm)
    again = services.batch_inspection_start(batch=again, user=ready.inspector)
    services.batch_decision_record(batch=again, accepted=True, user=ready.inspector)
    assert batches_accepted(ready.project)
