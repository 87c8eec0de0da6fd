"""Writes of the handover (§6.5.2). Each service checks the person (``require`` with a rule of
``rules.py``), then the state under the list's row lock, saves with a history reason and tells
the other party (``apps.core.notify``).

- :mod:`.listing`: the contractor draws up and submits the list;
- :mod:`.checking`: the client confirms or refuses each item, or sends the list back;
- :mod:`.signing`: both parties sign; the handover deadline;
- :mod:`.common`: what they share.

::

    create ──► DRAFT ──submit──► SUBMITTED ──every item checked──► CONFIRMED ──both sign──► SIGNED
                 ▲                  │  (an item refused)            │ (client lead, unsigned)
                 └──── RETURNED ◄───┴───────────────────────────────┘
"""

from __future__ import annotations

from .checking import handover_line_confirm, handover_line_refuse, handover_return
from .listing import (
    handover_create,
    handover_line_add,
    handover_line_remove,
    handover_line_update,
    handover_submit,
    handover_update,
)
from .signing import handover_deadline_open, handover_sign

__all__ = [
    "handover_create", "handover_deadline_open", "handover_line_add", "handover_line_confirm",
    "handover_line_refuse", "handover_line_remove", "handover_line_update", "handover_return", "handover_sign",
    "handover_submit", "handover_update",
]
