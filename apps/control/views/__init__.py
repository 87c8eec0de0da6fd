"""Thin views of project control, one module per tab of the control page (risk register,
change requests, meetings, quality reports, progress plan, improvement plans;
``control/_tabs.html``): the tab and detail pages are functions; every transition, edit or
record made from its parent is a target of one :class:`~apps.core.transitions.TransitionView`
per model (``common.ControlTransition``)."""
