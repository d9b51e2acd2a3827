"""Unit tests of the council services: votes, soft deletion, budget references."""

import pytest
from django.core.exceptions import ValidationError

from council import services
from council.errors import VoteRejected
from council.models import AgendaItem, BudgetReference, Consultation


def rv(demo):
    return Consultation.objects.get(paper=demo.seed_paper, organization__name="Regionsversammlung")


def test_recording_a_vote_updates_agenda_item_and_touches_paper(demo, council_office_user):
    consultation = rv(demo)
    before = demo.seed_paper.modified
    services.consultation_record_vote(
        consultation=consultation,
        as_proposed=False,
        votes_yes=50,
        votes_no=30,
        votes_abstention=4,
        result="abweichend beschlossen",
        by=council_office_user,
    )
    consultation.refresh_from_db()
    assert consultation.as_proposed is False
    item = AgendaItem.objects.get(consultation=consultation)
    assert item.result == "abweichend beschlossen"
    demo.seed_paper.refresh_from_db()
    assert demo.seed_paper.modified > before
    record = consultation.history.first()
    assert record.history_user == council_office_user
    assert record.prev_record.votes_yes is None and record.votes_yes == 50


@pytest.mark.parametrize(
    "kwargs",
    [{"votes_yes": -1}, {"result": "  "}],
)
def test_invalid_votes_are_refused_and_nothing_written(demo, council_office_user, kwargs):
    consultation = rv(demo)
    args = {
        "as_proposed": True,
        "votes_yes": 1,
        "votes_no": 0,
        "votes_abstention": 0,
        "result": "beschlossen",
        **kwargs,
    }
    with pytest.raises(VoteRejected):
        services.consultation_record_vote(consultation=consultation, by=council_office_user, **args)
    consultation.refresh_from_db()
    assert not consultation.is_voted
    assert consultation.history.count() == 1
    assert AgendaItem.objects.get(consultation=consultation).result == ""


def test_a_deleted_consultation_takes_no_vote(demo, council_office_user):
    services.paper_delete(paper=demo.seed_paper, by=council_office_user)
    with pytest.raises(VoteRejected):
        services.consultation_record_vote(
            consultation=rv(demo),
            as_proposed=True,
            votes_yes=1,
            votes_no=0,
            votes_abstention=0,
            result="x",
            by=council_office_user,
        )


def test_soft_delete_keeps_the_paper_and_marks_its_parts(demo, council_office_user):
    services.paper_delete(paper=demo.seed_paper, by=council_office_user)
    paper = type(demo.seed_paper).objects.get(pk=demo.seed_paper.pk)
    assert paper.deleted
    assert all(c.deleted for c in paper.consultations.all())


def test_budget_product_must_belong_to_its_area(demo):
    area33 = demo.body.budget_areas.get(number="33")
    product = demo.body.budget_areas.get(number="52").products.get()
    with pytest.raises(ValidationError):
        services.paper_create(
            body=demo.body,
            reference="1 (V) A",
            name="x",
            paper_type="Antrag",
            budget_references=[services.BudgetReferenceSpec(area=area33, product=product)],
        )
    assert not BudgetReference.objects.filter(paper__reference="1 (V) A").exists()
    assert not type(demo.seed_paper).objects.filter(reference="1 (V) A").exists()


def test_meeting_end_before_start_is_refused(demo):
    import datetime as dt

    from django.utils import timezone

    start = timezone.now()
    with pytest.raises(ValidationError):
        services.meeting_create(
            body=demo.body,
            name="x",
            start=start,
            end=start - dt.timedelta(hours=1),
            organizations=[],
        )
