"""A client organisation's scoring scheme: weights adding up to 100, ordered bands, set by the
organisation's project leads; drafts follow it, issued reports keep theirs."""

from __future__ import annotations

import pytest

from apps.core.errors import DomainError, PermissionDenied
from apps.evaluation import scoring, selectors, services
from apps.evaluation.models import EvaluationScheme

from .builders import accepted, issued

pytestmark = pytest.mark.django_db

BANDS = dict(excellent_from=85, good_from=75, pass_from=60)


def weights(**changes):
    w = dict(scoring.DEFAULT_WEIGHTS)
    w.update(changes)
    return w


def test_the_default_scheme_adds_up_to_100():
    assert sum(scoring.DEFAULT_WEIGHTS.values()) == 100
    assert set(scoring.DEFAULT_WEIGHTS) == set(scoring.SPECS)


def test_a_lead_of_the_organisation_sets_the_scheme(world):
    scheme = services.scheme_save(organization=world.client_org, user=world.lead,
                                  weights=weights(cooperation=0, sampling_pass_rate=25), **BANDS)
    assert scheme.weights["sampling_pass_rate"] == 25 and "cooperation" not in scheme.weights
    assert selectors.scheme_of(world.client_org).bands == BANDS
    scheme = services.scheme_save(organization=world.client_org, user=world.lead, weights=weights(), **BANDS,
                                  expected_version=scheme.version)
    assert scheme.version == 2
    with pytest.raises(DomainError) as exc:
        services.scheme_save(organization=world.client_org, user=world.lead, weights=weights(), **BANDS)
    assert exc.value.code == "unchanged"


@pytest.mark.parametrize("bad", [weights(cooperation=10), weights(cooperation=0), {"sampling_pass_rate": 100.0},
                                 weights(cooperation=-5, breaches=15), {"nonsense": 100}, weights(cooperation=True),
                                 "100"])
def test_weights_must_be_whole_numbers_adding_up_to_100(world, bad):
    with pytest.raises(DomainError):
        services.scheme_save(organization=world.client_org, user=world.lead, weights=bad, **BANDS)
    assert not EvaluationScheme.objects.exists()


@pytest.mark.parametrize("bands", [dict(excellent_from=80, good_from=80, pass_from=60),
                                   dict(excellent_from=101, good_from=80, pass_from=60),
                                   dict(excellent_from=90, good_from=80, pass_from=0)])
def test_bands_must_be_ordered(world, bands):
    with pytest.raises(DomainError) as exc:
        services.scheme_save(organization=world.client_org, user=world.lead, weights=weights(), **bands)
    assert exc.value.field == "excellent_from"


@pytest.mark.parametrize("who", ["inspector", "pm", "regulator", "outsider"])
def test_only_a_lead_of_the_organisation_sets_it(world, who):
    with pytest.raises(PermissionDenied):
        services.scheme_save(organization=world.client_org, user=getattr(world, who), weights=weights(), **BANDS)


def test_drafts_follow_the_scheme_issued_reports_keep_theirs(world):
    evaluation = issued(world)
    before = evaluation.sheet
    services.scheme_save(organization=world.client_org, user=world.lead,
                         weights=weights(cooperation=0, sampling_pass_rate=25), **BANDS)
    evaluation.refresh_from_db()
    assert selectors.current_sheet(evaluation) == before
    assert {r["indicator"] for r in before["rows"]} >= {"cooperation"}


def test_a_draft_uses_the_new_weights(world):
    evaluation = accepted(world)
    services.scheme_save(organization=world.client_org, user=world.lead,
                         weights=weights(cooperation=0, sampling_pass_rate=25), **BANDS)
    rows = selectors.current_sheet(evaluation)["rows"]
    assert "cooperation" not in {r["indicator"] for r in rows}
    assert next(r for r in rows if r["indicator"] == "sampling_pass_rate")["weight"] == 25
    with pytest.raises(DomainError) as exc:
        services.evaluation_score(evaluation=evaluation, user=world.lead, indicator="cooperation", score="80",
                                  comment="x")
    assert exc.value.field == "indicator"
