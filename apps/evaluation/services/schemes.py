"""A client organisation's scoring scheme (履约评估): the weights of the indicators (whole numbers
adding up to 100) and the grade bands. Drafts are scored with the scheme in force; an issued
report keeps the weights and bands it was issued with."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import Organization
from apps.core.errors import DomainError
from apps.core.history import history_context, save_with_history
from apps.core.locking import lock
from apps.core.permissions import require

from ..enums import Indicator
from ..models import EvaluationScheme


def _weights(weights) -> dict[str, int]:
    if not isinstance(weights, dict):
        raise DomainError(_("Give a weight for each indicator."), field="weights")
    clean: dict[str, int] = {}
    for code, value in weights.items():
        if code not in Indicator.values:
            raise DomainError(_("Unknown indicator: %(code)s.") % {"code": str(code)[:40]}, field="weights")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            raise DomainError(_("The weight of %(indicator)s must be a whole number between 0 and 100.")
                              % {"indicator": Indicator(code).label}, field=code)
        if value:
            clean[code] = value
    total = sum(clean.values())
    if total != 100:
        raise DomainError(_("The weights add up to %(n)d; they must add up to 100.") % {"n": total},
                          field="weights")
    return {code: clean[code] for code in Indicator.values if code in clean}


def _bands(excellent_from, good_from, pass_from) -> tuple[int, int, int]:
    values = (excellent_from, good_from, pass_from)
    if any(isinstance(v, bool) or not isinstance(v, int) for v in values) \
            or not 0 < pass_from < good_from < excellent_from <= 100:
        raise DomainError(_("The grade bands must be whole numbers with 0 < pass < good < excellent ≤ 100."),
                          field="excellent_from")
    return excellent_from, good_from, pass_from


def scheme_save(*, organization: Organization, user, weights: dict, excellent_from: int, good_from: int,
                pass_from: int, expected_version: int | None = None) -> EvaluationScheme:
    require("evaluation.may_manage_scheme", user, organization)
    weights = _weights(weights)
    excellent_from, good_from, pass_from = _bands(excellent_from, good_from, pass_from)
    values = {"weights": weights, "excellent_from": excellent_from, "good_from": good_from, "pass_from": pass_from}
    with transaction.atomic(), history_context(user=user):
        existing = EvaluationScheme.objects.filter(organization=organization).first()
        if existing is None:
            return EvaluationScheme.objects.create(organization=organization, updated_by=user, **values)
        locked = lock(existing, expected_version=expected_version)
        changed = [f for f, v in values.items() if getattr(locked, f) != v]
        if not changed:
            raise DomainError(_("Nothing changed: the scheme already has these weights and bands."), code="unchanged")
        for f in changed:
            setattr(locked, f, values[f])
        locked.updated_by = user
        locked.version += 1
        save_with_history(locked, reason=_("Evaluation scheme changed"),
                          update_fields=[*changed, "updated_by", "version", "updated_at"])
    return locked
