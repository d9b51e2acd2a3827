"""The workflow table is complete and consistent: every state reachable, every move owned."""

from fund import workflow
from fund.workflow import Actor, State


def test_every_state_can_be_reached_from_a_draft():
    reached = {State.DRAFT}
    frontier = [State.DRAFT]
    while frontier:
        state = frontier.pop()
        for t in workflow.TRANSITIONS:
            if state in t.source and t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    assert reached == set(State)


def test_end_states_have_no_way_out():
    for state in (State.CLOSED, State.WITHDRAWN, State.REJECTED, State.INELIGIBLE):
        assert not [t for t in workflow.TRANSITIONS if state in t.source]


def test_transition_names_are_unique_and_every_move_has_an_actor_and_labels():
    names = [t.name for t in workflow.TRANSITIONS]
    assert len(names) == len(set(names))
    for t in workflow.TRANSITIONS:
        assert t.actor in Actor and str(t.label) and str(t.public_label)
        assert t.target not in t.source


def test_applicant_may_withdraw_until_a_decision_but_not_after():
    assert "withdraw" in [t.name for t in workflow.available(State.RECOMMENDED, Actor.APPLICANT)]
    for state in (State.APPROVED, State.GRANTED, State.CLOSED):
        assert "withdraw" not in [t.name for t in workflow.available(state, Actor.APPLICANT)]
