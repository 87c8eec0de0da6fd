"""The load scenario's plan: who logs in and what each person may open and write to.

Built from the database through the app's own scoped selectors and rules (with Django set up
against the load test's database), so that every page the scenario opens is one the person may
see, and every form it posts is one the services accept: patrols and tickets on projects in
implementation for the client's staff, self-checks of a filed operator for the contractor's.
"""

from __future__ import annotations

PASSWORD = "Demo-2026-archqa"  # the demo accounts' (apps.demo)
PEOPLE = {
    "client": ["client_lead", "client_inspector"],
    "contractor": ["contractor_pm", "special_inspector", "operator", "contractor_b_pm", "contractor_b_inspector",
                   "contractor_b_operator"],
    "regulator": ["regulator"],
}


def build_plan() -> dict:
    from django.utils import timezone

    from apps.accounts.enums import ProjectRole
    from apps.accounts.models import User
    from apps.batches.selectors import batches_visible_to, filed_staff
    from apps.core.calendar import add_working_days
    from apps.core.permissions import allowed
    from apps.projects.enums import Phase
    from apps.projects.selectors import projects_visible_to
    from apps.rectification.selectors import tickets_visible_to

    today = timezone.localdate()
    people: dict[str, list[dict]] = {}
    for role, usernames in PEOPLE.items():
        people[role] = []
        for username in usernames:
            user = User.objects.get(username=username)
            projects = list(projects_visible_to(user).order_by("pk"))
            active = []
            for project in projects:
                if project.phase != Phase.IMPLEMENTATION:
                    continue
                entry = {"project": project.pk}
                if role == "contractor":
                    # An operator records their own self-checks; the PM and the inspector an operator's.
                    operators = filed_staff(project).filter(pk__in=project.members.filter(
                        is_active=True, role=ProjectRole.CONTRACTOR_OPERATOR).values("user_id"))
                    operator = operators.filter(pk=user.pk).first() or operators.first()
                    if operator is None or not allowed("batches.may_record_self_checks", user, project):
                        continue
                    if operator != user and not allowed("batches.may_record_self_checks_of_others", user, project):
                        continue
                    entry["operator"] = operator.pk
                elif role == "client" and not (allowed("inspections.may_record_patrols", user, project)
                                               and allowed("rectification.can_raise_ticket", user, project)):
                    continue
                active.append(entry)
            if not active:
                continue  # nothing to work on in this data set (e.g. the demo data alone)
            people[role].append({
                "username": username,
                "projects": [p.pk for p in projects],
                "active": active,
                "tickets": list(tickets_visible_to(user).order_by("pk").values_list("pk", flat=True)[:200]),
                "batches": list(batches_visible_to(user).order_by("pk").values_list("pk", flat=True)[:200]),
            })
        if not people[role]:
            raise RuntimeError(f"nobody of the {role} has a project in implementation to work on")
    return {"password": PASSWORD, "today": today.isoformat(),
            "due_date": add_working_days(today, 5).isoformat(), "people": people}


def summary(plan: dict) -> str:
    lines = []
    for role, people in plan["people"].items():
        for p in people:
            lines.append(f"  {role:<10} {p['username']:<24} {len(p['projects']):3d} projects, "
                         f"{len(p['active']):3d} in implementation, {len(p['tickets']):4d} tickets, "
                         f"{len(p['batches']):4d} batches")
    return "\n".join(lines)
