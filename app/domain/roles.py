"""Roles and what each may do at the window: one table, checked by every screen and action.

Plain data, shared by the window, the CLI and the hub. Screens and key actions name one of
ACTIONS; ``allowed(role, action)`` answers. The admin runs the system but decides nothing for
applicants (等保 separation of duties: the system administrator is not a business operator).
"""

from __future__ import annotations

from typing import Final

CLERK: Final = "clerk"
COURIER: Final = "courier"
SUPERVISOR: Final = "supervisor"
ADMIN: Final = "admin"
ROLES: Final = (CLERK, COURIER, SUPERVISOR, ADMIN)

# Every action a role may be granted (BRIEF-8-10 names them; other parts gate theirs with these).
ACTIONS: Final = (
    "intake",  # accept / 一次性告知 / refuse (F5 F6 F7), the intake screen itself
    "cases",  # case list and detail, reprint (F8)
    "pickup",  # 出件 handover (Ctrl+O)
    "courier",  # courier screen (Ctrl+T)
    "scans",  # scanner folder (Ctrl+S)
    "sync",  # sync screen (Ctrl+Y)
    "print_queue",  # print queue (F12)
    "progress",  # progress query (Ctrl+G)
    "settings",  # change the workstation's settings
    "unmask",  # show a full ID / phone number (audited)
    "supervisor_view",  # the supervisor's statistics (Ctrl+R)
    "followup_close",  # close a 差评整改 follow-up
    "evaluation",  # the 好差评 screen (Ctrl+E)
    "operators_admin",  # add / disable clerk and courier accounts, reset their passwords
)

_CLERK = frozenset({"intake", "cases", "pickup", "scans", "sync", "print_queue", "progress", "evaluation"})
PERMISSIONS: Final = {
    CLERK: _CLERK,
    COURIER: frozenset({"courier", "progress", "print_queue"}),
    # operators_admin: the supervisor and the admin manage the office's clerk and courier
    # accounts at a window (app.domain.accounts); supervisors and admins are made at the hub
    SUPERVISOR: _CLERK | {"courier", "unmask", "supervisor_view", "followup_close", "operators_admin"},
    ADMIN: frozenset(
        {"cases", "sync", "print_queue", "progress", "settings", "operators_admin", "supervisor_view"}
    ),
}
# The embedded demo (no operator accounts yet) shows what the window does: every business
# action of the window, none of the administrator's.
DEMO_ACTIONS: Final = frozenset(ACTIONS) - {"settings", "operators_admin"}


def allowed(role: str | None, action: str) -> bool:
    """May `role` do `action`? None is the demo clerk. An unknown action is a programming error."""
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    if role is None:
        return action in DEMO_ACTIONS
    return action in PERMISSIONS.get(role, frozenset())


def is_role(role: str) -> bool:
    return role in ROLES
