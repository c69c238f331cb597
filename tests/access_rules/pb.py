"""Participatory budgeting. Officers here are PB administrators (our "officer" holds
every officer role, including moderator) and administrators. Each URL gets a budget
in the phase its page needs, for ``world.ward``, where the resident and the
councillor live and are verified."""

from __future__ import annotations

from typing import Any

from engage.extensions import db
from engage.pb.models import BallotChannel, Category, Phase, ProposalComment
from tests.access_rules import PUBLIC, SIGNED_IN, STAFF
from tests.fixtures.pb import (
    build_ballot,
    build_process,
    build_proposal,
    build_shortlist,
    publish_result,
)

EXPECTED: dict[str, dict[str, str]] = {
    "pb.index GET": PUBLIC,
    "pb.show GET": PUBLIC,
    "pb.proposals GET": PUBLIC,
    "pb.proposal GET": PUBLIC,
    "pb.shortlist GET": PUBLIC,
    "pb.results_page GET": PUBLIC,
    "pb.delivery GET": PUBLIC,
    "pb.results_csv GET": PUBLIC,
    "pb.export_pb GET": PUBLIC,
    # People outside the budget's area get a page saying why, not a refusal.
    "pb.new_proposal GET": SIGNED_IN,
    "pb.new_proposal POST": SIGNED_IN,
    "pb.support POST": SIGNED_IN,
    "pb.withdraw_support POST": SIGNED_IN,
    "pb.comment POST": SIGNED_IN,
    "pb.ballot GET": SIGNED_IN,
    "pb.ballot POST": SIGNED_IN,
    "pb.new_process GET": STAFF,
    "pb.new_process POST": STAFF,
    "pb.edit_process GET": STAFF,
    "pb.edit_process POST": STAFF,
    "pb.manage GET": STAFF,
    "pb.categories GET": STAFF,
    "pb.categories POST": STAFF,
    "pb.remove_category POST": STAFF,
    "pb.timeline GET": STAFF,
    "pb.timeline POST": STAFF,
    "pb.move_phase POST": STAFF,
    "pb.review GET": STAFF,
    "pb.review POST": STAFF,
    "pb.merge GET": STAFF,
    "pb.merge POST": STAFF,
    "pb.add_to_shortlist POST": STAFF,
    "pb.remove_from_shortlist POST": STAFF,
    "pb.hide_proposal GET": STAFF,
    "pb.hide_proposal POST": STAFF,
    "pb.hide_comment GET": STAFF,
    "pb.hide_comment POST": STAFF,
    "pb.paper_ballots GET": STAFF,
    "pb.paper_ballots POST": STAFF,
    "pb.import_paper_ballots GET": STAFF,
    "pb.import_paper_ballots POST": STAFF,
    "pb.void_paper_ballot GET": STAFF,
    "pb.void_paper_ballot POST": STAFF,
    "pb.count GET": STAFF,
    "pb.update_delivery GET": STAFF,
    "pb.update_delivery POST": STAFF,
    "pb.import_archive GET": STAFF,
    "pb.import_archive POST": STAFF,
}

PHASE_FOR = {
    "pb.ballot": Phase.VOTING,
    "pb.paper_ballots": Phase.VOTING,
    "pb.import_paper_ballots": Phase.VOTING,
    "pb.void_paper_ballot": Phase.VOTING,
    "pb.count": Phase.COUNTING,
    "pb.review": Phase.REVIEW,
    "pb.merge": Phase.REVIEW,
    "pb.add_to_shortlist": Phase.REVIEW,
    "pb.remove_from_shortlist": Phase.REVIEW,
    "pb.shortlist": Phase.SHORTLIST,
}
WITH_RESULTS = {
    "pb.results_page",
    "pb.delivery",
    "pb.results_csv",
    "pb.export_pb",
    "pb.update_delivery",
}


def url_values(world: Any, endpoint: str) -> dict[str, Any]:
    if not endpoint.startswith("pb."):
        return {}
    officer, resident = world.people["officer"], world.people["other_resident"]
    process = build_process(
        ward=world.ward, phase=PHASE_FOR.get(endpoint, Phase.PROPOSALS), title="Riverside Decides"
    )
    category = Category(name="Parks", position=1)
    process.categories.append(category)
    projects = build_shortlist(process, officer, [200_000, 300_000, 400_000])
    proposal = build_proposal(process, author=resident, title="New benches")
    comment = ProposalComment(proposal=proposal, author=resident, body="Yes please")
    db.session.add(comment)
    db.session.commit()
    paper = build_ballot(
        process, projects[:1], ward=world.ward, channel=BallotChannel.PAPER, reference="P1"
    )
    target = proposal
    if endpoint in WITH_RESULTS:
        publish_result(process, projects[:2])
        target = projects[0]
    return {
        "process_id": process.id,
        "proposal_id": target.id,
        "comment_id": comment.id,
        "category_id": category.id,
        "ballot_id": paper.id,
    }
