"""Hooks other apps attach to project events, from their ``AppConfig.ready()``.

    from apps.projects.hooks import on_project_created
    on_project_created(create_qualification_deadline)

Each hook is called as ``hook(project=project, user=user)`` inside the transaction of the
event, after the project's own rows are written; an exception in a hook rolls the event back.
"""

from __future__ import annotations

from typing import Callable

_created: list[Callable] = []


def on_project_created(hook: Callable) -> Callable:
    if hook not in _created:
        _created.append(hook)
    return hook


def project_created(*, project, user) -> None:
    for hook in list(_created):
        hook(project=project, user=user)


_signed_changed: list[Callable] = []


def on_contract_signed_changed(hook: Callable) -> Callable:
    """``hook(project=project, user=user)`` after the contract signing date changed (dates that
    count from it, like the qualification review's, move with it); inside the update's transaction."""
    if hook not in _signed_changed:
        _signed_changed.append(hook)
    return hook


def contract_signed_changed(*, project, user) -> None:
    for hook in list(_signed_changed):
        hook(project=project, user=user)


_service_types_changed: list[Callable] = []


def on_service_types_changed(hook: Callable) -> Callable:
    """``hook(project=project, user=user)`` after the project's service types changed (records kept
    per service type, like the check-item catalogue, are added for a new type); inside the
    update's transaction."""
    if hook not in _service_types_changed:
        _service_types_changed.append(hook)
    return hook


def service_types_changed(*, project, user) -> None:
    for hook in list(_service_types_changed):
        hook(project=project, user=user)


# ---------------------------------------------------------------- history sources

_history_sources: list[Callable] = []


def register_history_source(source: Callable) -> Callable:
    """``source(project)`` returns a historical queryset of one model, filtered to the project;
    its rows appear on the project's history tab and in the printed history."""
    if source not in _history_sources:
        _history_sources.append(source)
    return source


def history_sources() -> list[Callable]:
    return list(_history_sources)


# ---------------------------------------------------------------- suspension (§5.2.3, §6.3.3)

_suspension_rules: list[object] = []


def register_suspension_rules(rules_object) -> None:
    """An object with ``suspend_refusal(project) -> str | None``, ``resume_refusal(project) ->
    str | None``, ``suspended(project=, user=, reason=)`` and ``resumed(project=, user=, reason=)``:
    the first two may refuse a suspension or a resumption (with the message shown), the last two
    are told after it happened, inside its transaction."""
    if rules_object not in _suspension_rules:
        _suspension_rules.append(rules_object)


def suspend_refusal(project) -> str | None:
    for r in list(_suspension_rules):
        message = r.suspend_refusal(project)
        if message:
            return message
    return None


def resume_refusal(project) -> str | None:
    for r in list(_suspension_rules):
        message = r.resume_refusal(project)
        if message:
            return message
    return None


def project_suspended(*, project, user, reason: str) -> None:
    for r in list(_suspension_rules):
        r.suspended(project=project, user=user, reason=reason)


def project_resumed(*, project, user, reason: str) -> None:
    for r in list(_suspension_rules):
        r.resumed(project=project, user=user, reason=reason)


# ---------------------------------------------------------------- problems found (§4.4)

_problem_found: list[Callable] = []
_problem_answered: list[Callable] = []


def on_problem_found(hook: Callable) -> Callable:
    """``hook(project=, source=, record=, user=, title=, description=, requirement=, severity=,
    due_date=None, batch=None, defects=(), items=())`` when a module finds a problem that needs
    a rectification ticket (a not-accepted batch, a failed first article, a failed acceptance);
    ``source`` is a rectification source code (patrol, sampling, acceptance, complaint, other)
    and ``record`` the record behind it. Called inside the finding's transaction."""
    if hook not in _problem_found:
        _problem_found.append(hook)
    return hook


def problem_found(**kwargs) -> None:
    for hook in list(_problem_found):
        hook(**kwargs)


def on_problem_answered(hook: Callable) -> Callable:
    """``hook(record=, user=, measures=, result=)`` when a module's own rectification answer
    (e.g. the first article's 项目问题整改单) answers the problem found on ``record``."""
    if hook not in _problem_answered:
        _problem_answered.append(hook)
    return hook


def problem_answered(**kwargs) -> None:
    for hook in list(_problem_answered):
        hook(**kwargs)


# ---------------------------------------------------------------- risk (§5.2.2, §8.2.2)

_risk_reassessment_needed: list[Callable] = []
_risk_level_sources: list[Callable] = []


def on_risk_reassessment_needed(hook: Callable) -> Callable:
    """``hook(project=, trigger=, note=, source_label=, source_url=)`` when a module sees an
    event after which §5.2.2 asks for the risks to be re-assessed (an incident, …); project
    control (``apps.control``) opens the re-assessment request. Called inside the event's
    transaction."""
    if hook not in _risk_reassessment_needed:
        _risk_reassessment_needed.append(hook)
    return hook


def risk_reassessment_needed(**kwargs) -> None:
    for hook in list(_risk_reassessment_needed):
        hook(**kwargs)


def register_risk_level_source(source: Callable) -> Callable:
    """``source(project, dates) -> {date: level}``: the risk level in force on each date, read
    from the module that keeps the assessments (``apps.control``). Without one, every date gets
    the project's current ``risk_level``."""
    if source not in _risk_level_sources:
        _risk_level_sources.append(source)
    return source


def risk_levels_on(project, dates) -> dict:
    """The risk level in force on each of ``dates`` (see :func:`register_risk_level_source`)."""
    dates = list(dates)
    if _risk_level_sources:
        return _risk_level_sources[-1](project, dates)
    return {d: project.risk_level for d in dates}


# ---------------------------------------------------------------- acceptance passed (§5.3.1, §6.5)

_acceptance_passed: list[Callable] = []


def on_acceptance_passed(hook: Callable) -> Callable:
    """``hook(project=, user=)`` once the project's acceptance has passed and
    ``project.accepted_on`` is set (``apps.projects.services.project_acceptance_record``): what
    counts from the acceptance date starts here (the handover's 7 working days, the warranty
    period, the evaluation's 3 months). Called inside the acceptance's transaction."""
    if hook not in _acceptance_passed:
        _acceptance_passed.append(hook)
    return hook


def acceptance_passed(*, project, user) -> None:
    for hook in list(_acceptance_passed):
        hook(project=project, user=user)


# ---------------------------------------------------------------- notices on the project page

_notices: list[Callable] = []


def register_project_notice(source: Callable) -> Callable:
    """``source(project) -> list[str]``: warnings a module raises about the whole project, shown
    at the top of the project page (e.g. an acceptance beyond the third round, §5.3.2)."""
    if source not in _notices:
        _notices.append(source)
    return source


def project_notices(project) -> list[str]:
    return [text for source in list(_notices) for text in source(project)]


# ---------------------------------------------------------------- the acceptance team (§5.3.1)

_acceptance_team: list[Callable] = []


def register_acceptance_team(source: Callable) -> Callable:
    """``source(user, project) -> bool``: whether the client lead named ``user`` to the project's
    acceptance team (``apps.acceptance``); lower modules (the acceptance inspection) ask it."""
    if source not in _acceptance_team:
        _acceptance_team.append(source)
    return source


def on_acceptance_team(user, project) -> bool:
    """Whether ``user`` is on the named acceptance team (False while no module keeps teams)."""
    return any(source(user, project) for source in list(_acceptance_team))
