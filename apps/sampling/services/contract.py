"""The contract's sampling settings, changed by the client lead: each value checked on its own
(level, AQLs, yes/no answers, rates), then the settings as a whole (DA/T 68.6 floors), then
saved; switching reduced inspection off returns every reduced state to normal."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.core.history import history_context, save_with_history
from apps.core.locking import lock
from apps.core.permissions import require
from apps.core.validation import full_clean_or_error
from apps.projects.models import Project

from .. import engine
from ..enums import AqlValue, InspectionLevel, Regime
from ..models import SamplingSettings, SwitchingState
from .plans import settings_for
from .switching import switch_regime

SETTINGS_FIELDS = ("level", "aql_fatal", "aql_serious", "aql_general", "fatal_rejects", "floor_rate_ordinary",
                   "floor_rate_classified", "high_risk_floor_rate_ordinary", "high_risk_floor_rate_classified",
                   "reduced_allowed")
AQL_FIELDS = ("aql_fatal", "aql_serious", "aql_general")
FLAG_FIELDS = ("fatal_rejects", "reduced_allowed")
RATE_FIELDS = ("floor_rate_ordinary", "floor_rate_classified", "high_risk_floor_rate_ordinary",
               "high_risk_floor_rate_classified")
ORDINARY_FLOOR = Decimal("5")  # DA/T 68.6 §5.2.1
CLASSIFIED_FLOOR = Decimal("15")  # DA/T 68.6 Annex A


def sampling_settings_update(*, project: Project, user, expected_version: int, **values) -> SamplingSettings:
    """The client lead changes the contract's sampling settings (optimistic lock on
    ``expected_version``, the version the form or the API client read).

    Accepted keys: level, aql_fatal (None: any fatal rejects), aql_serious, aql_general,
    fatal_rejects, the four floor rates (%), reduced_allowed. Keys not given are unchanged.
    """
    require("sampling.may_edit_sampling_settings", user, project)
    clean = _clean_values(values)
    if isinstance(expected_version, bool) or not isinstance(expected_version, int):
        raise DomainError(_("The form is out of date; reload the page."), field="version")
    with transaction.atomic(), history_context(user=user):
        locked = lock(settings_for(project), expected_version=expected_version,
                      message=_("Someone else changed the sampling settings in the meantime; reload the page and "
                                "try again."))
        was_reduced_allowed = locked.reduced_allowed
        for name, value in clean.items():
            setattr(locked, name, value)
        _check_together(locked)
        full_clean_or_error(locked, exclude=["project", "updated_by"], validate_constraints=False)
        locked.version += 1
        locked.updated_by = user
        save_with_history(locked, reason=_("Sampling settings changed"),
                          update_fields=[*clean.keys(), "version", "updated_by", "updated_at"])
        if was_reduced_allowed and not locked.reduced_allowed:
            _end_reduced_inspection(project, user)
    return locked


# ---------------------------------------------------------------- each value

def _clean_values(values: dict) -> dict:
    """The values given, each checked and normalised; unknown keys are refused."""
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise DomainError(_("Unknown setting: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    labels = {name: SamplingSettings._meta.get_field(name).verbose_name for name in SETTINGS_FIELDS}
    clean: dict = {}
    if "level" in values:
        clean["level"] = _level(values["level"])
    for name in AQL_FIELDS:
        if name in values:
            clean[name] = _aql(values[name], field=name, label=labels[name])
    for name in FLAG_FIELDS:
        if name in values:
            clean[name] = _flag(values[name], field=name, label=labels[name])
    for name in RATE_FIELDS:
        if name in values:
            clean[name] = _rate(values[name], field=name, label=labels[name])
    return clean


def _level(value) -> str:
    if value not in InspectionLevel.values:
        raise DomainError(_("Choose an inspection level of GB/T 2828.1: S-1, S-2, S-3, S-4, I, II or III."),
                          field="level")
    return value


def _aql(value, *, field: str, label) -> str | None:
    """An AQL of GB/T 2828.1 Table 2-A; for fatal defects, None (or "") = any fatal defect rejects."""
    if field == "aql_fatal" and value in (None, ""):
        return None
    try:
        value = engine.normalize_aql(value)
    except engine.EngineError:
        value = None
    if value not in AqlValue.values:
        raise DomainError(_("%(label)s: choose one of the AQL values of GB/T 2828.1 Table 2-A, from 0.010 to 10.")
                          % {"label": label}, field=field)
    return value


def _flag(value, *, field: str, label) -> bool:
    if not isinstance(value, bool):
        raise DomainError(_("%(label)s: answer yes or no.") % {"label": label}, field=field)
    return value


def _rate(value, *, field: str, label) -> Decimal:
    if isinstance(value, bool) or value is None or value == "":
        raise DomainError(_("%(label)s must be a percentage.") % {"label": label}, field=field)
    try:
        rate = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(_("%(label)s must be a percentage.") % {"label": label}, field=field) from None
    if not rate.is_finite() or rate <= 0 or rate > 100 or rate != rate.quantize(Decimal("0.01")):
        raise DomainError(_("%(label)s must be a percentage above 0 and at most 100, with at most two decimals.")
                          % {"label": label}, field=field)
    return rate.quantize(Decimal("0.01"))


# ---------------------------------------------------------------- the settings as a whole

def _check_together(settings: SamplingSettings) -> None:
    """The fatal rule has an AQL to fall back on, and the floors respect DA/T 68.6."""
    if not settings.fatal_rejects and settings.aql_fatal is None:
        raise DomainError(_("Give the AQL for fatal defects, or keep “any fatal defect rejects the lot”."),
                          field="aql_fatal")
    if settings.floor_rate_ordinary < ORDINARY_FLOOR:
        # xgettext:no-python-format
        raise DomainError(_("The minimum sampling rate cannot be below 5 % of the batch (DA/T 68.6 §5.2.1)."),
                          field="floor_rate_ordinary")
    if settings.floor_rate_classified < CLASSIFIED_FLOOR:
        # xgettext:no-python-format
        raise DomainError(_("The minimum sampling rate of classified archives cannot be below 15 % "
                            "(DA/T 68.6 Annex A)."), field="floor_rate_classified")
    if settings.high_risk_floor_rate_ordinary < settings.floor_rate_ordinary:
        raise DomainError(_("The high-risk rate cannot be below the ordinary rate."),
                          field="high_risk_floor_rate_ordinary")
    if settings.high_risk_floor_rate_classified < settings.floor_rate_classified:
        raise DomainError(_("The high-risk rate of classified archives cannot be below the classified rate."),
                          field="high_risk_floor_rate_classified")


def _end_reduced_inspection(project: Project, user) -> None:
    """Reduced inspection no longer allowed: every reduced state returns to normal."""
    for state in SwitchingState.objects.select_for_update().filter(project=project, regime=Regime.REDUCED):
        switch_regime(state, Regime.NORMAL, user=user,
                      reason=_("Reduced inspection is no longer allowed by the sampling settings"))
        state.save()
