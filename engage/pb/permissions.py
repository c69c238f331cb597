"""Who may do what in participatory budgeting.

PB administrators (officers with the PB role) and administrators run processes.
Residents whose account's ward is inside a process's area propose and support
projects; voting also needs the ward to be verified by an officer. The ``*_refusal``
functions say why not, in words for the person, so pages can explain instead of
only refusing.
"""

from __future__ import annotations

from typing import Any

from engage.accounts.models import Role
from engage.pb.models import Ballot, BallotChannel, Phase, Process


def is_pb_administrator(user: Any) -> bool:
    return bool(
        user.is_authenticated and (user.is_administrator or user.has_role(Role.PB_ADMINISTRATOR))
    )


def can_manage_processes(user: Any) -> bool:
    """Create processes, set their rules and dates, and move their phases."""
    return is_pb_administrator(user)


def can_review_proposals(user: Any) -> bool:
    """Cost, judge feasibility, merge duplicates and build the shortlist."""
    return is_pb_administrator(user)


def can_enter_paper_ballots(user: Any) -> bool:
    return is_pb_administrator(user)


def can_report_delivery(user: Any) -> bool:
    return is_pb_administrator(user)


def can_moderate(user: Any) -> bool:
    """Hide proposals and comments: PB administrators and forum moderators."""
    return is_pb_administrator(user) or bool(
        user.is_authenticated and user.has_role(Role.MODERATOR)
    )


def can_view_process(user: Any, process: Process) -> bool:
    """Drafts are the officers' own until published."""
    return process.is_public or is_pb_administrator(user)


def can_comment(user: Any) -> bool:
    return bool(user.is_authenticated and user.email_confirmed and not user.erased)


def take_part_refusal(user: Any, process: Process) -> str | None:
    """Why this person cannot propose or support projects in the process, or None."""
    if not user.is_authenticated:
        return "Sign in to take part"
    if not user.email_confirmed:
        return "Confirm your email address first: use the link we sent you"
    if not process.covers(user.ward_id):
        yours = f"Your account is for {user.ward.name} ward" if user.ward else "Your account"
        return f"This budget is for people who live in {process.where}. {yours}"
    return None


def can_take_part(user: Any, process: Process) -> bool:
    return take_part_refusal(user, process) is None


def voting_refusal(user: Any, process: Process, existing: Ballot | None) -> str | None:
    """Why this person cannot vote online now, or None."""
    if process.phase is not Phase.VOTING or process.archived:
        return "Voting is not open"
    refusal = take_part_refusal(user, process)
    if refusal:
        return refusal
    if not user.ward_verified:
        return (
            "Your ward needs to be checked by the council before you can vote. "
            "Contact us with proof of your address"
        )
    if existing is not None and existing.channel is not BallotChannel.ONLINE:
        return "Your paper ballot has been counted, so you cannot also vote online"
    return None


def can_vote(user: Any, process: Process, existing: Ballot | None = None) -> bool:
    return voting_refusal(user, process, existing) is None


def can_see_results(user: Any, process: Process) -> bool:
    """Counts are shown only once the official count is published."""
    return process.has_results


def can_see_live_turnout(user: Any, process: Process) -> bool:
    """Ballots cast per ward while voting is open (never choices), if the council
    publishes it; officers always see it."""
    if process.phase not in (Phase.VOTING, Phase.COUNTING):
        return False
    return process.live_turnout or is_pb_administrator(user)
