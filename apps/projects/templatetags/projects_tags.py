from django import template

from apps.projects.enums import PHASE_ORDER, Phase, next_phase

register = template.Library()


@register.simple_tag
def lifecycle_steps(project):
    current = project.resume_phase or project.phase
    index = PHASE_ORDER.index(current)
    return [{"label": Phase(p).label, "current": i == index and not project.is_suspended, "done": i < index}
            for i, p in enumerate(PHASE_ORDER)]


@register.simple_tag
def next_target(project, gates):
    target = next_phase(project.phase)
    for block in gates or []:
        if block["target"] == target:
            return block
    return None
