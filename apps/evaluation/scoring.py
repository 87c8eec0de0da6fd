"""The scoring sheet (履约评估): the indicators, how each proposes a score from the figures, the
default weights and grade bands, and the sheet built from a scheme, the figures and the
evaluator's scores.

Every indicator scores 0–100 points; its share of the total is ``score × weight / 100`` and the
total (0–100, two decimals) gives the grade by the bands (default 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60,
otherwise 不合格). A measurable indicator proposes its score from the figures by the rule below
(§7.1: 优先采用量化指标); the evaluator may change it with a comment. A qualitative indicator
proposes nothing: the evaluator scores it with the grounds (§7.1: 明确的定性描述、判定标准).
The standard names the inputs of the evaluation, not the indicators or their weights: these
are the system's defaults, and each client organisation sets its own weights and bands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import stats
from .enums import INDICATOR_PRINTED, Grade, Indicator

HUNDRED = Decimal(100)
ZERO = Decimal(0)

DEFAULT_WEIGHTS: dict[str, int] = {
    Indicator.SAMPLING_PASS_RATE: 20,
    Indicator.BATCH_ACCEPTANCE: 10,
    Indicator.DEFECTS: 10,
    Indicator.ESCAPE_RATE: 5,
    Indicator.RECTIFICATION_ON_TIME: 15,
    Indicator.RECTIFICATION_REVIEW: 5,
    Indicator.ACCEPTANCE: 10,
    Indicator.INCIDENTS: 5,
    Indicator.COMPLAINTS: 5,
    Indicator.WARRANTY: 5,
    Indicator.BREACHES: 5,
    Indicator.COOPERATION: 5,
}
DEFAULT_BANDS = {"excellent_from": 90, "good_from": 80, "pass_from": 60}


def _clamp(value) -> Decimal:
    return stats.two_places(min(HUNDRED, max(ZERO, Decimal(value))))


def _rate(figures: dict, *path: str) -> Decimal | None:
    node = figures
    for key in path:
        node = (node or {}).get(key)
    return stats.as_decimal(node)


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{stats.two_places(value)}%"


# ---------------------------------------------------------------- proposals from the figures

def _sampling_pass_rate(figures: dict) -> Decimal | None:
    rate = _rate(figures, "sampling", "pass_rate")
    if rate is None:
        return None
    threshold = stats.as_decimal(figures.get("threshold")) or Decimal(95)
    if rate >= threshold:
        span = HUNDRED - threshold
        return _clamp(HUNDRED if not span else 60 + 40 * (rate - threshold) / span)
    return _clamp(60 - 10 * (threshold - rate))


def _batch_acceptance(figures: dict) -> Decimal | None:
    rate = _rate(figures, "sampling", "acceptance_rate")
    return None if rate is None else _clamp(rate)


def _defects(figures: dict) -> Decimal | None:
    sampling = figures.get("sampling") or {}
    if not sampling.get("inspections"):
        return None
    d = sampling.get("defects") or {}
    return _clamp(100 - 30 * d.get("fatal", 0) - 5 * d.get("serious", 0) - d.get("general", 0))


def _escape_rate(figures: dict) -> Decimal | None:
    rate = _rate(figures, "sampling", "escape", "rate")
    return None if rate is None else _clamp(100 - 10 * rate)


def _on_time(figures: dict) -> Decimal | None:
    rate = _rate(figures, "rectification", "on_time_rate")
    return HUNDRED if rate is None else _clamp(rate)


def _review(figures: dict) -> Decimal | None:
    rate = _rate(figures, "rectification", "review_pass_rate")
    return HUNDRED if rate is None else _clamp(rate)


ROUND_SCORES = {1: 100, 2: 80, 3: 60}


def _acceptance(figures: dict) -> Decimal | None:
    acceptance = figures.get("acceptance") or {}
    passed_in = acceptance.get("passed_in")
    if passed_in is None:
        return ZERO if acceptance.get("rounds") else None
    return _clamp(ROUND_SCORES.get(passed_in, 0))


def _incidents(figures: dict) -> Decimal:
    i = figures.get("incidents") or {}
    major = i.get("major", 0)
    return _clamp(100 - 40 * major - 20 * (i.get("total", 0) - major))


def _complaints(figures: dict) -> Decimal:
    return _clamp(100 - 20 * int(figures.get("complaints") or 0))


def _warranty(figures: dict) -> Decimal:
    return _clamp(100 - 10 * int((figures.get("warranty") or {}).get("tickets") or 0))


def _breaches(figures: dict) -> Decimal:
    return _clamp(100 - 50 * int((figures.get("breaches") or {}).get("total") or 0))


# ---------------------------------------------------------------- what each indicator shows

def _measured_sampling(f: dict) -> str:
    s = f.get("sampling") or {}
    return _("%(rate)s (%(ok)d of %(n)d sampled items conforming)") % {
        "rate": _pct(stats.as_decimal(s.get("pass_rate"))), "ok": s.get("conforming", 0), "n": s.get("inspected", 0)}


def _measured_batches(f: dict) -> str:
    s = f.get("sampling") or {}
    return _("%(rate)s (%(ok)d of %(n)d batches accepted)") % {
        "rate": _pct(stats.as_decimal(s.get("acceptance_rate"))), "ok": s.get("accepted", 0),
        "n": s.get("inspections", 0)}


def _measured_defects(f: dict) -> str:
    d = (f.get("sampling") or {}).get("defects") or {}
    return _("fatal %(f)d, serious %(s)d, general %(g)d") % {
        "f": d.get("fatal", 0), "s": d.get("serious", 0), "g": d.get("general", 0)}


def _measured_escape(f: dict) -> str:
    e = (f.get("sampling") or {}).get("escape") or {}
    return _("%(rate)s (%(n)d of %(base)d items passed by the contractor defective)") % {
        "rate": _pct(stats.as_decimal(e.get("rate"))), "n": e.get("escaped", 0), "base": e.get("base", 0)}


def _measured_on_time(f: dict) -> str:
    r = f.get("rectification") or {}
    return _("%(rate)s (%(ok)d on time, %(late)d late)") % {
        "rate": _pct(stats.as_decimal(r.get("on_time_rate"))), "ok": r.get("on_time", 0), "late": r.get("late", 0)}


def _measured_review(f: dict) -> str:
    r = f.get("rectification") or {}
    return _("%(rate)s (%(failed)d of %(n)d reviews failed)") % {
        "rate": _pct(stats.as_decimal(r.get("review_pass_rate"))), "failed": r.get("failed_reviews", 0),
        "n": r.get("reviews", 0)}


def _measured_acceptance(f: dict) -> str:
    a = f.get("acceptance") or {}
    if a.get("passed_in"):
        return _("passed in round %(n)d") % {"n": a["passed_in"]}
    if a.get("rounds"):
        return _("not passed after %(n)d rounds") % {"n": a["rounds"]}
    return _("no acceptance round concluded")


def _measured_incidents(f: dict) -> str:
    i = f.get("incidents") or {}
    return _("%(n)d incidents, %(major)d of them major") % {"n": i.get("total", 0), "major": i.get("major", 0)}


def _measured_complaints(f: dict) -> str:
    return _("%(n)d complaints") % {"n": int(f.get("complaints") or 0)}


def _measured_warranty(f: dict) -> str:
    w = f.get("warranty") or {}
    return _("%(n)d warranty tickets, %(open)d open") % {"n": w.get("tickets", 0), "open": w.get("open", 0)}


def _measured_breaches(f: dict) -> str:
    return _("%(n)d breaches recorded") % {"n": int((f.get("breaches") or {}).get("total") or 0)}


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    rule: object  # the proposal rule, shown on the sheet and in docs/evaluation.md (lazy text)
    propose: Callable[[dict], Decimal | None] | None
    measured: Callable[[dict], str] | None

    @property
    def label(self) -> str:
        return str(Indicator(self.code).label)

    @property
    def measurable(self) -> bool:
        return self.propose is not None


SPECS: dict[str, IndicatorSpec] = {s.code: s for s in [
    IndicatorSpec(Indicator.SAMPLING_PASS_RATE, gettext_lazy(
        "At the contract threshold T: 60; from T to 100 %: 60 to 100 in proportion; below T: 10 points less per "
        "point below."), _sampling_pass_rate, _measured_sampling),
    IndicatorSpec(Indicator.BATCH_ACCEPTANCE, gettext_lazy("The share of batches accepted, in points."),
                  _batch_acceptance, _measured_batches),
    IndicatorSpec(Indicator.DEFECTS, gettext_lazy(
        "100 less 30 per fatal, 5 per serious and 1 per general defect found by sampling."), _defects,
        _measured_defects),
    IndicatorSpec(Indicator.ESCAPE_RATE, gettext_lazy("100 less 10 per point of escape rate."), _escape_rate,
                  _measured_escape),
    IndicatorSpec(Indicator.RECTIFICATION_ON_TIME, gettext_lazy(
        "The share of rectification periods met on time, in points (100 without any)."), _on_time,
        _measured_on_time),
    IndicatorSpec(Indicator.RECTIFICATION_REVIEW, gettext_lazy(
        "The share of rectification reviews passed, in points (100 without any)."), _review, _measured_review),
    IndicatorSpec(Indicator.ACCEPTANCE, gettext_lazy(
        "Passed in round 1: 100, round 2: 80, round 3: 60, later or not passed: 0."), _acceptance,
        _measured_acceptance),
    IndicatorSpec(Indicator.INCIDENTS, gettext_lazy("100 less 40 per major and 20 per other incident."),
                  _incidents, _measured_incidents),
    IndicatorSpec(Indicator.COMPLAINTS, gettext_lazy("100 less 20 per complaint."), _complaints,
                  _measured_complaints),
    IndicatorSpec(Indicator.WARRANTY, gettext_lazy("100 less 10 per warranty ticket."), _warranty,
                  _measured_warranty),
    IndicatorSpec(Indicator.BREACHES, gettext_lazy("100 less 50 per breach of contract recorded."), _breaches,
                  _measured_breaches),
    IndicatorSpec(Indicator.COOPERATION, gettext_lazy(
        "Qualitative: the evaluator scores the contractor's cooperation, response and service and states the "
        "grounds."), None, None),
]}


# ---------------------------------------------------------------- the sheet

def grade_of(total: Decimal | None, bands: dict) -> str:
    if total is None:
        return ""
    if total >= bands["excellent_from"]:
        return Grade.EXCELLENT
    if total >= bands["good_from"]:
        return Grade.GOOD
    if total >= bands["pass_from"]:
        return Grade.PASS
    return Grade.FAIL


def build_sheet(*, figures: dict, weights: dict, bands: dict, scores: dict) -> dict:
    """The sheet as JSON values: one row per indicator with a weight, in the catalogue's order.

    ``scores``: {indicator: (score, comment)} given by the evaluator. A row's score is the
    evaluator's, else the proposal; ``total`` is None while a weighted row has no score."""
    rows = []
    total = ZERO
    complete = True
    for code in Indicator.values:
        weight = int(weights.get(code, 0) or 0)
        if weight <= 0:
            continue
        spec = SPECS[code]
        proposed = spec.propose(figures) if spec.propose else None
        given = scores.get(code)
        score = given[0] if given else proposed
        if score is None:
            complete = False
        else:
            total += Decimal(score) * weight / HUNDRED
        rows.append({"indicator": code, "weight": weight, "proposed": stats.as_text(proposed),
                     "score": stats.as_text(score), "comment": given[1] if given else "",
                     "adjusted": bool(given)})
    total_value = stats.two_places(total) if complete else None
    return {"rows": rows, "bands": dict(bands), "total": stats.as_text(total_value),
            "grade": grade_of(total_value, bands), "complete": complete}


def sheet_rows_for_display(sheet: dict, figures: dict) -> list[dict]:
    """The sheet's rows with the indicator's name, what was measured and the rule, translated now."""
    out = []
    for row in sheet.get("rows", []):
        spec = SPECS.get(row["indicator"])
        if spec is None:
            continue
        score = stats.as_decimal(row.get("score"))
        out.append({**row, "label": spec.label, "printed": INDICATOR_PRINTED[spec.code], "rule": str(spec.rule),
                    "measurable": spec.measurable,
                    "measured": spec.measured(figures) if spec.measured else "",
                    "points": None if score is None else stats.two_places(score * row["weight"] / HUNDRED)})
    return out
