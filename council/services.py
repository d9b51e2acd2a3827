"""Writes of the council app: bodies, organisations, meetings, papers and their votes.

Every function runs in one transaction, validates, and saves through the audit trail.
A change to an embedded OParl object (consultation, agenda item, file, membership)
also touches its parent, because OParl requires the parent's ``modified`` to change.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audited_save
from council import search
from council.errors import VoteRejected
from council.models import (
    AgendaItem,
    Body,
    BudgetArea,
    BudgetProduct,
    BudgetReference,
    Consultation,
    File,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    Organization,
    Paper,
    Person,
)


@transaction.atomic
def body_create(*, name: str, by: Any = None, **fields: Any) -> Body:
    return audited_save(Body(name=name, **fields), by=by)  # type: ignore[return-value]


@transaction.atomic
def legislative_term_create(
    *, body: Body, name: str, start_date: dt.date | None, end_date: dt.date | None, by: Any = None
) -> LegislativeTerm:
    term = LegislativeTerm(body=body, name=name, start_date=start_date, end_date=end_date)
    return audited_save(term, by=by)  # type: ignore[return-value]


@transaction.atomic
def location_create(*, body: Body, description: str, by: Any = None, **fields: Any) -> Location:
    return audited_save(Location(body=body, description=description, **fields), by=by)  # type: ignore[return-value]


@transaction.atomic
def organization_create(
    *, body: Body, name: str, kind: str, by: Any = None, **fields: Any
) -> Organization:
    return audited_save(Organization(body=body, name=name, kind=kind, **fields), by=by)  # type: ignore[return-value]


@transaction.atomic
def person_create(*, body: Body, family_name: str, by: Any = None, **fields: Any) -> Person:
    return audited_save(Person(body=body, family_name=family_name, **fields), by=by)  # type: ignore[return-value]


@transaction.atomic
def person_link_user(*, person: Person, user: Any, by: Any = None) -> Person:
    """Link a council person to a user account, so the user sees their bodies' papers."""
    person.user = user
    return audited_save(person, by=by, reason=_("user account linked"))  # type: ignore[return-value]


@transaction.atomic
def membership_create(
    *, person: Person, organization: Organization, by: Any = None, **fields: Any
) -> Membership:
    membership = audited_save(Membership(person=person, organization=organization, **fields), by=by)
    _touch(person, by=by)
    return membership  # type: ignore[return-value]


@transaction.atomic
def meeting_create(
    *,
    body: Body,
    name: str,
    start: dt.datetime,
    organizations: Sequence[Organization],
    by: Any = None,
    **fields: Any,
) -> Meeting:
    meeting = audited_save(Meeting(body=body, name=name, start=start, **fields), by=by)
    meeting.organizations.set(organizations)  # type: ignore[attr-defined]
    return meeting  # type: ignore[return-value]


@transaction.atomic
def agenda_item_create(
    *, meeting: Meeting, order: int, name: str, by: Any = None, **fields: Any
) -> AgendaItem:
    item = audited_save(AgendaItem(meeting=meeting, order=order, name=name, **fields), by=by)
    _touch(meeting, by=by)
    if item.consultation_id is not None:  # type: ignore[attr-defined]
        # The paper's consultation now names its agenda item.
        _touch(Paper(pk=item.consultation.paper_id), by=by)  # type: ignore[attr-defined]
    return item  # type: ignore[return-value]


@transaction.atomic
def budget_area_create(*, body: Body, number: str, name: str, by: Any = None) -> BudgetArea:
    return audited_save(BudgetArea(body=body, number=number, name=name), by=by)  # type: ignore[return-value]


@transaction.atomic
def budget_product_create(
    *, area: BudgetArea, number: str, name: str, by: Any = None
) -> BudgetProduct:
    return audited_save(BudgetProduct(area=area, number=number, name=name), by=by)  # type: ignore[return-value]


@dataclass(frozen=True)
class ConsultationSpec:
    """One step of a Beratungsfolge as given when a paper is created."""

    organization: Organization
    role: str
    planned_date: dt.date | None = None
    meeting: Meeting | None = None
    leading: bool = False
    authoritative: bool = False


@dataclass(frozen=True)
class BudgetReferenceSpec:
    area: BudgetArea
    draft_page: str = ""
    product: BudgetProduct | None = None


@transaction.atomic
def paper_create(
    *,
    body: Body,
    reference: str,
    name: str,
    paper_type: str,
    originators: Iterable[Organization] = (),
    consultations: Sequence[ConsultationSpec] = (),
    budget_references: Sequence[BudgetReferenceSpec] = (),
    by: Any = None,
    **fields: Any,
) -> Paper:
    """Create a paper with its Beratungsfolge (in the given order) and budget table."""
    paper = Paper(body=body, reference=reference, name=name, paper_type=paper_type, **fields)
    audited_save(paper, by=by)
    paper.originator_organizations.set(list(originators))
    for position, spec in enumerate(consultations, start=1):
        audited_save(
            Consultation(
                paper=paper,
                position=position,
                organization=spec.organization,
                role=spec.role,
                planned_date=spec.planned_date,
                meeting=spec.meeting,
                leading=spec.leading,
                authoritative=spec.authoritative,
                is_example=paper.is_example,
            ),
            by=by,
        )
    for position, ref in enumerate(budget_references, start=1):
        audited_save(
            BudgetReference(
                paper=paper,
                position=position,
                area=ref.area,
                product=ref.product,
                draft_page=ref.draft_page,
                is_example=paper.is_example,
            ),
            by=by,
        )
    if paper.superordinated_paper_id is not None:
        # The superordinated paper now lists this one as subordinated.
        _touch(Paper(pk=paper.superordinated_paper_id), by=by)
    search.index_paper(paper)
    return paper


@transaction.atomic
def file_attach(
    *,
    paper: Paper,
    name: str,
    file_name: str,
    content: bytes,
    mime_type: str,
    by: Any,
    is_main_file: bool = False,
) -> File:
    """Attach a document to a paper; its size and SHA-512 checksum are computed here.

    A paper has at most one main file (OParl ``mainFile``); every other file is an
    auxiliary one. The paper is touched, so its OParl JSON shows the file at once.
    """
    paper = Paper.objects.select_for_update().get(pk=paper.pk)
    if paper.deleted:
        raise ValidationError(_("The paper was deleted; no file can be attached to it."))
    if not content:
        raise ValidationError(_("The file is empty."))
    base_name = file_name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not base_name or not name.strip():
        raise ValidationError(_("Give the file a name and a file name."))
    if is_main_file and paper.files.filter(is_main_file=True, deleted=False).exists():
        raise ValidationError(_("The paper already has a main file."))
    file = File(
        body_id=paper.body_id,
        paper=paper,
        name=name.strip(),
        file_name=base_name,
        mime_type=mime_type,
        size=len(content),
        sha512=hashlib.sha512(content).hexdigest(),
        date=timezone.localdate(),
        is_main_file=is_main_file,
        is_example=paper.is_example,
    )
    file.content.save(base_name, ContentFile(content), save=False)
    audited_save(file, by=by)
    _touch(paper, by=by)
    return file


@transaction.atomic
def paper_delete(*, paper: Paper, by: Any = None) -> Paper:
    """Soft-delete a paper and its embedded objects, as OParl requires (kept, marked deleted)."""
    paper = Paper.objects.select_for_update().get(pk=paper.pk)
    for consultation in paper.consultations.filter(deleted=False):
        consultation.deleted = True
        audited_save(consultation, by=by, reason=_("paper deleted"))
    for file in paper.files.filter(deleted=False):
        file.deleted = True
        audited_save(file, by=by, reason=_("paper deleted"))
    paper.deleted = True
    audited_save(paper, by=by)
    return paper


# Other apps act on council decisions (e.g. the fund decides the applications a paper
# lists). They register a callable taking the consultation; it runs after the vote is
# committed, in its own transaction, so a listener's failure never undoes the vote.
_decision_listeners: list[Any] = []


def on_decision(listener: Any) -> None:
    """Call ``listener(consultation)`` whenever a deciding consultation's vote is recorded."""
    if listener not in _decision_listeners:
        _decision_listeners.append(listener)


@transaction.atomic
def consultation_record_vote(
    *,
    consultation: Consultation,
    as_proposed: bool,
    votes_yes: int | None,
    votes_no: int | None,
    votes_abstention: int | None,
    result: str,
    by: Any,
) -> Consultation:
    """Record (or correct) the vote and result of one consultation.

    Locks the row so two clerks recording at once cannot interleave. Touches the
    paper and, where one exists, writes the result onto the agenda item.
    """
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.deleted:
        raise VoteRejected(_("This consultation was deleted; its vote cannot be recorded."))
    counts = [votes_yes, votes_no, votes_abstention]
    if any(c is not None and c < 0 for c in counts):
        raise VoteRejected(_("Vote counts cannot be negative."))
    if not result.strip():
        raise VoteRejected(_("Enter the result, e.g. “einstimmig beschlossen”."))
    consultation.as_proposed = as_proposed
    consultation.votes_yes = votes_yes
    consultation.votes_no = votes_no
    consultation.votes_abstention = votes_abstention
    consultation.result = result.strip()
    audited_save(consultation, by=by, reason=_("vote recorded"))
    item = AgendaItem.objects.filter(consultation=consultation).first()
    if item is not None:
        item.result = consultation.result
        audited_save(item, by=by, reason=_("vote recorded"))
        _touch(item.meeting, by=by)
    _touch(consultation.paper, by=by)
    if consultation.authoritative:
        for listener in _decision_listeners:
            transaction.on_commit(functools.partial(listener, consultation))
    return consultation


def _touch(parent: Any, *, by: Any) -> None:
    """Move the parent's ``modified`` forward after a change to an embedded object."""
    type(parent).objects.filter(pk=parent.pk).update(modified=timezone.now())
