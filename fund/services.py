"""Writes of the fund app: funds, calls, applications and their moves through the workflow.

Every function runs in one transaction and saves through the audit trail. An application
changes state only in ``application_transition``, along ``fund.workflow.TRANSITIONS``;
each move leaves a timeline entry and, once committed, an e-mail to the applicant.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import acting_user, audited_delete, audited_save
from core.models import OrganisationMembership
from core.policies import has_role
from core.roles import Role
from core.uploads import check_document
from fund import money, workflow
from fund.models import (
    ActualCost,
    AllocationRun,
    Answer,
    Application,
    Attachment,
    Call,
    CallTarget,
    CostLine,
    Criterion,
    DecisionItem,
    DecisionPaper,
    Event,
    Fund,
    Grant,
    Inquiry,
    PaymentRequest,
    ProofOfUse,
    Question,
    Reach,
    Review,
    Revision,
    Score,
    TargetGroup,
)
from fund.workflow import Actor, State


class FundError(ValidationError):
    """A fund action that cannot be done; the message says why and what to do instead."""


@transaction.atomic
def fund_create(
    *, body: Any, name: str, slug: str, budget_product: Any, by: Any, **fields: Any
) -> Fund:
    fund = Fund(body=body, name=name, slug=slug, budget_product=budget_product, **fields)
    return audited_save(fund, by=by)  # type: ignore[return-value]


@dataclass(frozen=True)
class CriterionSpec:
    name: str
    weight: Decimal = Decimal(1)
    scale_max: int = 5
    description: str = ""


@dataclass(frozen=True)
class QuestionSpec:
    text: str
    kind: str
    required: bool = False
    help_text: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class TargetSpec:
    """A plan item a call serves: its plan, kind (``CallTarget.Kind``) and version-free uid."""

    plan: Any
    kind: str
    uid: Any


def _check_targets(call: Call, targets: Sequence[TargetSpec]) -> None:
    measures = [t for t in targets if t.kind == CallTarget.Kind.MEASURE]
    if call.serves == Call.Serves.MEASURES and (not measures or len(measures) < len(targets)):
        raise FundError(
            {
                "targets": _(
                    "A call for chosen measures names at least one measure, and only measures."
                )
            }
        )
    if call.serves == Call.Serves.GOALS and measures:
        raise FundError(
            {
                "targets": _(
                    "A call for the plan's goals names goals or fields of action, not measures; "
                    "choose “chosen measures” to name measures."
                )
            }
        )


@transaction.atomic
def call_create(
    *,
    fund: Fund,
    by: Any,
    criteria: Sequence[CriterionSpec] = (),
    questions: Sequence[QuestionSpec] = (),
    targets: Sequence[TargetSpec] = (),
    **fields: Any,
) -> Call:
    """A call with its criteria, extra questions and the plan items it serves, in order.

    A call for chosen measures names at least one measure; a call for the plan's goals
    may name goals or fields of action (none: the plan's goals in general).
    """
    call = Call(fund=fund, **fields)
    audited_save(call, by=by)
    _check_targets(call, targets)
    for target in targets:
        audited_save(
            CallTarget(call=call, plan=target.plan, kind=target.kind, uid=target.uid), by=by
        )
    for position, spec in enumerate(criteria):
        criterion = Criterion(
            call=call,
            position=position,
            name=spec.name,
            weight=spec.weight,
            scale_max=spec.scale_max,
            description=spec.description,
        )
        audited_save(criterion, by=by)
    for position, q in enumerate(questions):
        question = Question(
            call=call,
            position=position,
            text=q.text,
            kind=q.kind,
            required=q.required,
            help_text=q.help_text,
            choices=list(q.choices),
        )
        audited_save(question, by=by)
    return call


def is_member(user: Any, organisation_id: int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return OrganisationMembership.objects.filter(
        user=user, organisation_id=organisation_id
    ).exists()


@dataclass(frozen=True)
class CostSpec:
    category: str
    description: str
    amount: Decimal


@transaction.atomic
def application_create(
    *, call: Call, organisation: Any, by: Any, title: str, is_example: bool = False
) -> Application:
    """Start a draft application of an organisation the user acts for."""
    if by is not None and not is_member(by, organisation.pk):
        raise PermissionDenied(_("You can only apply for an organisation you belong to."))
    application = Application(
        call=call,
        organisation=organisation,
        title=title,
        created_by=acting_user(by),
        is_example=is_example,
    )
    return audited_save(application, by=by)  # type: ignore[return-value]


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update().select_related("call__fund").get(pk=application.pk)
    )


@transaction.atomic
def application_update(
    *,
    application: Application,
    by: Any,
    costs: Sequence[CostSpec] | None = None,
    municipalities: Iterable[Any] | None = None,
    **fields: Any,
) -> Application:
    """Change a draft: its fields, its cost lines (replaced) and municipalities served."""
    locked = _editable(application, by)
    for name, value in fields.items():
        setattr(locked, name, value)
    audited_save(locked, by=by)
    if costs is not None:
        for line in locked.costs.all():
            audited_delete(line, by=by)
        for position, spec in enumerate(costs):
            line = CostLine(
                application=locked,
                position=position,
                category=spec.category,
                description=spec.description,
                amount=spec.amount,
            )
            audited_save(line, by=by)
    if municipalities is not None:
        locked.municipalities.set(list(municipalities))
    return locked


@transaction.atomic
def application_save_draft(
    *,
    application: Application,
    by: Any,
    costs: Sequence[CostSpec],
    municipalities: Iterable[Any],
    answers: Mapping[int, Any],
    **fields: Any,
) -> Application:
    """Save the whole draft form at once: fields, cost plan, municipalities and answers.

    A cost plan with both expenses and income must add up; one side may still be empty.
    """
    expenses = sum((c.amount for c in costs), Decimal(0))
    income = sum(
        (
            fields.get(k, Decimal(0))
            for k in ("own_contribution", "third_party_funds", "requested_amount")
        ),
        Decimal(0),
    )
    if expenses and income and expenses != income:
        raise FundError(_unbalanced(expenses, income))
    locked = application_update(
        application=application, by=by, costs=costs, municipalities=municipalities, **fields
    )
    return answers_save(application=locked, by=by, values=answers)


def _editable(application: Application, by: Any) -> Application:
    locked = _lock(application)
    if by is not None and not is_member(by, locked.organisation_id):
        raise PermissionDenied(_("You can only change your organisation's applications."))
    if locked.state not in workflow.EDITABLE:
        raise FundError(_("A submitted application can no longer be changed."))
    return locked


def _answer_value(question: Question, value: Any) -> dict[str, Any]:
    """The answer fields for ``value``, checked against the question's kind."""
    empty: dict[str, Any] = {"text": "", "number": None, "date": None}
    if value in (None, ""):
        return empty
    kind = question.kind
    if kind in (Question.Kind.TEXT, Question.Kind.LONG_TEXT):
        return {**empty, "text": str(value).strip()}
    if kind == Question.Kind.CHOICE:
        if value not in question.choices:
            raise FundError(
                _("“%(value)s” is not one of the choices of “%(question)s”.")
                % {"value": value, "question": question.text}
            )
        return {**empty, "text": value}
    if kind == Question.Kind.NUMBER:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            raise FundError(
                _("The answer to “%(question)s” must be a number.") % {"question": question.text}
            )
        return {**empty, "number": number}
    if kind == Question.Kind.DATE:
        if not isinstance(value, date):
            raise FundError(
                _("The answer to “%(question)s” must be a date.") % {"question": question.text}
            )
        return {**empty, "date": value}
    _check_document(value)
    return {**empty, "file": value}


@transaction.atomic
def answers_save(*, application: Application, by: Any, values: Mapping[int, Any]) -> Application:
    """Save the answers to the call's extra questions (question id → value).

    Text and choice answers are strings, numbers Decimals, dates ``date``s, files uploads
    (checked by content). An empty value clears the answer; a file question keeps its file
    when no new one is given. All answers are checked before any is saved.
    """
    locked = _editable(application, by)
    questions = {q.pk: q for q in locked.call.questions.all()}
    unknown = set(values) - set(questions)
    if unknown:
        raise FundError(_("Answer only the questions of this call."))
    checked = {pk: _answer_value(questions[pk], value) for pk, value in values.items()}
    existing = {a.question_id: a for a in locked.answers.all()}
    for pk, fields in checked.items():
        answer = existing.get(pk) or Answer(application=locked, question=questions[pk])
        if questions[pk].kind == Question.Kind.FILE and "file" not in fields:
            continue
        for name, value in fields.items():
            setattr(answer, name, value)
        audited_save(answer, by=by)
    return locked


MAX_ATTACHMENTS = 10


def _check_document(upload: Any) -> str:
    try:
        return check_document(upload)
    except ValidationError as error:
        raise FundError(error.messages) from error


@transaction.atomic
def attachment_add(
    *, application: Application, upload: Any, by: Any, description: str = ""
) -> Attachment:
    """Attach a document to a draft; its type is checked by content, its size limited."""
    locked = _editable(application, by)
    if locked.attachments.count() >= MAX_ATTACHMENTS:
        raise FundError(
            _("An application has at most %(count)s attachments.") % {"count": MAX_ATTACHMENTS}
        )
    kind = _check_document(upload)
    attachment = Attachment(
        application=locked,
        file=upload,
        name=(upload.name or "")[-255:],
        kind=kind,
        size=upload.size or 0,
        description=description.strip(),
        uploaded_by=acting_user(by),
    )
    return audited_save(attachment, by=by)  # type: ignore[return-value]


@transaction.atomic
def attachment_remove(*, attachment: Attachment, by: Any) -> None:
    _editable(attachment.application, by)
    audited_delete(attachment, by=by)


def _sha256(field: Any) -> str:
    if not field:
        return ""
    digest = hashlib.sha256()
    with field.open("rb") as handle:
        for chunk in iter(lambda: handle.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest()


def application_content(application: Application) -> dict[str, Any]:
    """Everything the applicant wrote, as plain JSON: what a submission freezes."""
    answers = {a.question_id: a for a in application.answers.all()}
    return {
        "title": application.title,
        "summary": application.summary,
        "description": application.description,
        "target_groups": list(application.target_groups),
        "municipalities": [
            {"key": m.key, "name": m.name} for m in application.municipalities.order_by("name")
        ],
        "goal_uids": list(application.goal_uids),
        "start": application.start.isoformat() if application.start else None,
        "end": application.end.isoformat() if application.end else None,
        "costs": [
            {"category": c.category, "description": c.description, "amount": str(c.amount)}
            for c in application.costs.all()
        ],
        "own_contribution": str(application.own_contribution),
        "third_party_funds": str(application.third_party_funds),
        "requested_amount": str(application.requested_amount),
        "answers": [
            {
                "question": q.text,
                "kind": q.kind,
                "value": _answer_text(answers.get(q.pk)),
                "sha256": _sha256(answers[q.pk].file) if q.pk in answers else "",
            }
            for q in application.call.questions.all()
        ],
        "attachments": [
            {"name": a.name, "kind": a.kind, "size": a.size, "sha256": _sha256(a.file)}
            for a in application.attachments.all()
        ],
    }


def _answer_text(answer: Answer | None) -> str:
    if answer is None:
        return ""
    if answer.number is not None:
        return str(answer.number)
    if answer.date is not None:
        return answer.date.isoformat()
    if answer.file:
        return (answer.file.name or "").rsplit("/", 1)[-1]
    return answer.text


def _freeze(application: Application, by: Any) -> Revision:
    content = application_content(application)
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
    revision = Revision(
        application=application,
        number=application.revisions.count() + 1,
        submitted_at=application.submitted_at or timezone.now(),
        submitted_by=acting_user(by),
        content=content,
        digest=hashlib.sha256(encoded).hexdigest(),
    )
    return audited_save(revision, by=by)  # type: ignore[return-value]


def _unbalanced(expenses: Decimal, income: Decimal) -> str:
    return _(
        "The cost plan does not add up: expenses %(total)s € but own contribution, "
        "third-party funds and requested amount make %(income)s €."
    ) % {"total": expenses, "income": income}


def submission_problems(application: Application, *, now: Any = None) -> list[str]:
    """Everything that keeps the application from being submitted, in plain words."""
    now = now or timezone.now()
    call = application.call
    problems: list[str] = []
    if now < call.opens_at:
        problems.append(_("The call is not open yet."))
    if now > call.deadline:
        problems.append(
            _("The deadline of the call has passed (%(deadline)s); nothing can be submitted.")
            % {"deadline": timezone.localtime(call.deadline).strftime("%d.%m.%Y %H:%M")}
        )
    total = application.costs.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    income = application.own_contribution + application.third_party_funds
    income += application.requested_amount
    if not total:
        problems.append(_("Enter the expenses of the cost plan."))
    elif total != income:
        problems.append(_unbalanced(total, income))
    if application.requested_amount <= 0:
        problems.append(_("Enter the amount you request."))
    if call.min_amount is not None and application.requested_amount < call.min_amount:
        problems.append(_("The call funds at least %(amount)s €.") % {"amount": call.min_amount})
    if call.max_amount is not None and application.requested_amount > call.max_amount:
        problems.append(_("The call funds at most %(amount)s €.") % {"amount": call.max_amount})
    if call.max_per_organisation is not None:
        others = call.applications.filter(organisation_id=application.organisation_id).exclude(
            pk=application.pk
        ).exclude(
            state__in=(State.DRAFT, State.WITHDRAWN, State.REJECTED, State.INELIGIBLE)
        ).aggregate(s=Sum("requested_amount"))["s"] or Decimal(0)
        if others + application.requested_amount > call.max_per_organisation:
            problems.append(
                _(
                    "The call funds at most %(amount)s € per organisation; your organisation "
                    "has already applied for %(others)s €."
                )
                % {"amount": call.max_per_organisation, "others": others}
            )
    if total and call.own_contribution_percent:
        needed = (total * call.own_contribution_percent / 100).quantize(Decimal("0.01"))
        if application.own_contribution < needed:
            problems.append(
                _("The call requires an own contribution of %(percent)s %%, that is %(amount)s €.")
                % {
                    "percent": format(call.own_contribution_percent.normalize(), "f"),
                    "amount": needed,
                }
            )
    answered = {a.question_id: a for a in application.answers.all()}
    for question in call.questions.filter(required=True):
        answer = answered.get(question.pk)
        if answer is None or not (
            answer.text or answer.number is not None or answer.date or answer.file
        ):
            problems.append(_("Answer the question “%(question)s”.") % {"question": question.text})
    return problems


def _allowed(transition: workflow.Transition, application: Application, by: Any) -> bool:
    if transition.actor == Actor.APPLICANT:
        return by is None or is_member(by, application.organisation_id)
    if transition.actor == Actor.OFFICER:
        return by is None or has_role(by, Role.FUND_OFFICER)
    # Decisions come from the council's decision (by the system) or, for small grants,
    # from the fund's board, recorded by a fund officer.
    if by is None:
        return True
    return (
        transition.actor == Actor.DECISION
        and has_role(by, Role.FUND_OFFICER)
        and is_small_grant(application)
    )


def is_small_grant(application: Application) -> bool:
    """Up to the fund's small-grant limit the board decides, without a council paper."""
    limit = application.call.fund.small_grant_limit
    return limit is not None and application.requested_amount <= limit


def paper_candidates(call: Call) -> QuerySet[Application]:
    """Recommended applications above the small-grant limit: they go on a decision paper."""
    qs = call.applications.filter(state=State.RECOMMENDED)
    limit = call.fund.small_grant_limit
    if limit is not None:
        qs = qs.filter(requested_amount__gt=limit)
    return qs.order_by("pk")


@transaction.atomic
def application_transition(
    *,
    application: Application,
    name: str,
    by: Any,
    note: str = "",
    amount: Decimal | None = None,
    at: datetime | None = None,
) -> Application:
    """Move the application along the transition ``name`` of the workflow table.

    Refused if the transition does not start from the current state, if ``by`` may not
    take it, if it needs a note and has none, or if a decision would commit more than
    the call's budget (the call row is locked, so two deciders cannot both pass).

    ``at`` exists only for loading historic example data (``fund.demo``): the system
    (``by=None``) submits with the past moment ``at`` as the submission time, and the
    call's window and every other submission rule are checked as of that moment.
    Refused for any other step, for a user, and for a moment in the future.
    """
    if at is not None and (by is not None or name != "submit" or at > timezone.now()):
        raise ValueError("Only the system records a past submission time (at=).")
    locked = _lock(application)
    transition = workflow.BY_NAME.get(name)
    if transition is None or locked.state not in transition.source:
        raise FundError(
            _("This step is not possible while the application is %(state)s.")
            % {"state": locked.get_state_display()}
        )
    if not _allowed(transition, locked, by):
        raise PermissionDenied(_("You may not take this step."))
    if transition.needs_note and not note.strip():
        raise FundError(_("Give the reason for this step."))
    if name == "submit":
        problems = submission_problems(locked, now=at)
        if problems:
            raise FundError(problems)
        locked.submitted_at = at or timezone.now()
        _freeze(locked, by)
    if name == "mark_eligible" and locked.organisation.verified_at is None:
        raise FundError(
            _("Verify the organisation %(name)s before the application is found eligible.")
            % {"name": locked.organisation.name}
        )
    if transition.target in (State.APPROVED, State.PARTLY_APPROVED):
        locked.decided_amount = _decided_amount(locked, transition.target, amount)
        _check_budget(locked)
    elif transition.target == State.REJECTED:
        locked.decided_amount = Decimal(0)
    source = locked.state
    locked.state = transition.target
    audited_save(locked, by=by, reason=str(transition.label))
    event = Event(
        application=locked,
        transition=name,
        source=source,
        target=transition.target,
        by=acting_user(by),
        note=note.strip(),
    )
    audited_save(event, by=by)
    transaction.on_commit(lambda: _notify(locked, transition, note))
    return locked


def _decided_amount(application: Application, target: str, amount: Decimal | None) -> Decimal:
    requested = application.requested_amount
    if target == State.APPROVED:
        if amount is not None and amount != requested:
            raise FundError(_("A full approval grants the requested amount; approve in part."))
        return requested
    if amount is None or amount <= 0 or amount >= requested:
        raise FundError(
            _("A partial approval needs an amount above 0 and below the requested %(amount)s €.")
            % {"amount": requested}
        )
    return amount


def committed(call: Call, *, excluding: int | None = None) -> Decimal:
    qs = call.applications.filter(state__in=workflow.COMMITTED)
    if excluding is not None:
        qs = qs.exclude(pk=excluding)
    return qs.aggregate(s=Sum("decided_amount"))["s"] or Decimal(0)


def _check_budget(application: Application) -> None:
    call = Call.objects.select_for_update().get(pk=application.call_id)
    already = committed(call, excluding=application.pk)
    amount = application.decided_amount or Decimal(0)
    if already + amount > call.budget:
        raise FundError(
            _(
                "This decision would commit %(total)s € of the call's %(budget)s € "
                "(%(left)s € are left)."
            )
            % {"total": already + amount, "budget": call.budget, "left": call.budget - already}
        )


def _mail_applicant(application: Application, subject: str, body: str) -> None:
    recipients = list(
        OrganisationMembership.objects.filter(organisation_id=application.organisation_id)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if recipients:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients)


def _notify(application: Application, transition: workflow.Transition, note: str) -> None:
    body = f"{transition.public_label}\n\n{application.title}"
    if note:
        body += f"\n\n{note}"
    _mail_applicant(
        application, _("Your application “%(title)s”") % {"title": application.title}, body
    )


# --- inquiries (Rückfragen) -------------------------------------------------------

INQUIRABLE = (
    State.SUBMITTED,
    State.ELIGIBLE,
    State.IN_REVIEW,
    State.RECOMMENDED,
    State.NOT_RECOMMENDED,
    State.PROOF_SUBMITTED,
)


@transaction.atomic
def inquiry_ask(*, application: Application, question: str, by: Any) -> Inquiry:
    """The fund office asks the applicant about a submitted application (or its proof)."""
    if by is not None and not has_role(by, Role.FUND_OFFICER):
        raise PermissionDenied(_("Only fund officers ask the applicant."))
    locked = _lock(application)
    if locked.state not in INQUIRABLE:
        raise FundError(
            _("No questions can be asked while the application is %(state)s.")
            % {"state": locked.get_state_display()}
        )
    if not question.strip():
        raise FundError(_("Write the question."))
    inquiry = Inquiry(
        application=locked,
        question=question.strip(),
        asked_by=acting_user(by),
    )
    audited_save(inquiry, by=by)
    body = _("The fund office has a question about your application “%(title)s”:") % {
        "title": locked.title
    }
    transaction.on_commit(
        lambda: _mail_applicant(
            locked,
            _("Question about your application “%(title)s”") % {"title": locked.title},
            f"{body}\n\n{inquiry.question}",
        )
    )
    return inquiry


@transaction.atomic
def inquiry_answer(*, inquiry: Inquiry, answer: str, by: Any) -> Inquiry:
    """The applicant answers the office's question, once."""
    locked = Inquiry.objects.select_for_update().select_related("application").get(pk=inquiry.pk)
    if by is not None and not is_member(by, locked.application.organisation_id):
        raise PermissionDenied(_("Only the applying organisation answers."))
    if locked.answered_at is not None:
        raise FundError(_("This question has already been answered."))
    if not answer.strip():
        raise FundError(_("Write the answer."))
    locked.answer = answer.strip()
    locked.answered_at = timezone.now()
    locked.answered_by = acting_user(by)
    return audited_save(locked, by=by)  # type: ignore[return-value]


# --- reviews -----------------------------------------------------------------------

REVIEWABLE = (State.ELIGIBLE, State.IN_REVIEW)


@transaction.atomic
def review_assign(*, application: Application, reviewer: Any, by: Any) -> Review:
    """A fund officer assigns a reviewer (Fachbeirat) to an application."""
    if by is not None and not has_role(by, Role.FUND_OFFICER):
        raise PermissionDenied(_("Only fund officers assign reviewers."))
    if not has_role(reviewer, Role.REVIEWER):
        raise FundError(_("%(name)s is not a reviewer.") % {"name": reviewer})
    locked = _lock(application)
    if locked.state not in REVIEWABLE:
        raise FundError(
            _("Reviewers are assigned to eligible applications, not to one that is %(state)s.")
            % {"state": locked.get_state_display()}
        )
    if is_member(reviewer, locked.organisation_id):
        raise FundError(_("A member of the applying organisation cannot review it."))
    if Review.objects.filter(application=locked, reviewer=reviewer).exists():
        raise FundError(_("This reviewer is already assigned."))
    return audited_save(Review(application=locked, reviewer=reviewer), by=by)  # type: ignore[return-value]


def _own_review(review: Review, by: Any) -> Review:
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if by is None or locked.reviewer_id != by.pk:
        raise PermissionDenied(_("Only the assigned reviewer works on this review."))
    return locked


@transaction.atomic
def review_declare(*, review: Review, no_conflict: bool, by: Any) -> Review:
    """The reviewer declares first: no conflict of interest, or a conflict (unassigned)."""
    locked = _own_review(review, by)
    # A conflict noticed while reading (e.g. in a blind review) may still be declared.
    late_conflict = locked.state == Review.State.DECLARED and not no_conflict
    if locked.state != Review.State.ASSIGNED and not late_conflict:
        raise FundError(_("The declaration has already been made."))
    locked.state = Review.State.DECLARED if no_conflict else Review.State.CONFLICT
    locked.declared_at = timezone.now()
    return audited_save(locked, by=by)  # type: ignore[return-value]


@transaction.atomic
def review_submit(
    *, review: Review, scores: dict[int, tuple[int, str]], comment: str, by: Any
) -> Review:
    """Score every criterion of the call (criterion id → (score, comment)) and submit."""
    locked = _own_review(review, by)
    if locked.application.state not in REVIEWABLE:
        raise FundError(
            _("The application is %(state)s; it is no longer reviewed.")
            % {"state": locked.application.get_state_display()}
        )
    if locked.state != Review.State.DECLARED:
        raise FundError(
            _("Declare that you have no conflict of interest before you score.")
            if locked.state == Review.State.ASSIGNED
            else _("This review can no longer be changed.")
        )
    criteria = list(locked.application.call.criteria.all())
    missing = [c.name for c in criteria if c.pk not in scores]
    if missing:
        raise FundError(_("Score every criterion: %(names)s.") % {"names": ", ".join(missing)})
    unknown = set(scores) - {c.pk for c in criteria}
    if unknown:
        raise FundError(_("Score only the criteria of this call."))
    for criterion in criteria:
        value, note = scores[criterion.pk]
        audited_save(
            Score(review=locked, criterion=criterion, value=value, comment=note.strip()), by=by
        )
    locked.state = Review.State.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.comment = comment.strip()
    return audited_save(locked, by=by)  # type: ignore[return-value]


# --- grants, payments, proof of use --------------------------------------------------


@transaction.atomic
def grant_issue(
    *,
    application: Application,
    by: Any,
    financing_type: str,
    start: Any,
    end: Any,
    share_percent: Decimal | None = None,
    conditions: str = "",
) -> Grant:
    """Issue the Zuwendungsbescheid for a decided application, for its decided amount."""
    locked = _lock(application)
    allowed = locked.call.financing_types
    if allowed and financing_type not in allowed:
        raise FundError(_("The call does not allow this financing type."))
    grant = Grant(
        application=locked,
        amount=locked.decided_amount or Decimal(0),
        financing_type=financing_type,
        share_percent=share_percent,
        start=start,
        end=end,
        conditions=conditions.strip(),
        issued_by=acting_user(by),
    )
    audited_save(grant, by=by)
    application_transition(application=locked, name="issue_grant", by=by)
    return grant


def _grant_for_update(grant: Grant) -> Grant:
    return Grant.objects.select_for_update().select_related("application").get(pk=grant.pk)


@transaction.atomic
def payment_request(*, grant: Grant, amount: Decimal, reason: str, by: Any) -> PaymentRequest:
    """The applicant asks for money; never more than the grant, all requests together."""
    locked = _grant_for_update(grant)
    application = locked.application
    if by is not None and not is_member(by, application.organisation_id):
        raise PermissionDenied(_("Only the funded organisation requests payments."))
    if application.state not in (State.GRANTED, State.RUNNING):
        raise FundError(_("Payments can be requested only while the project runs."))
    already = locked.payments.exclude(state=PaymentRequest.State.REFUSED).aggregate(
        s=Sum("amount")
    )["s"] or Decimal(0)
    problem = money.payment_allowed(
        grant=locked.amount, already_requested=already, requested=amount
    )
    if problem:
        raise FundError({"amount": problem})
    payment = PaymentRequest(grant=locked, amount=amount, reason=reason.strip())
    audited_save(payment, by=by)
    if application.state == State.GRANTED:
        application_transition(application=application, name="start", by=None)
    return payment


@transaction.atomic
def payment_decide(*, payment: PaymentRequest, by: Any, approve: bool) -> PaymentRequest:
    """The fund office approves or refuses a requested payment."""
    if by is not None and not has_role(by, Role.FUND_OFFICER):
        raise PermissionDenied(_("Only fund officers decide on payments."))
    locked = PaymentRequest.objects.select_for_update().get(pk=payment.pk)
    if locked.state != PaymentRequest.State.REQUESTED:
        raise FundError(_("This payment request has already been decided."))
    locked.state = PaymentRequest.State.APPROVED if approve else PaymentRequest.State.REFUSED
    locked.approved_at = timezone.now() if approve else None
    return audited_save(locked, by=by)  # type: ignore[return-value]


@transaction.atomic
def payment_mark_paid(*, payment: PaymentRequest, by: Any) -> PaymentRequest:
    if by is not None and not has_role(by, Role.FUND_OFFICER):
        raise PermissionDenied(_("Only fund officers mark payments as paid."))
    locked = PaymentRequest.objects.select_for_update().get(pk=payment.pk)
    if locked.state != PaymentRequest.State.APPROVED:
        raise FundError(_("Only an approved payment can be paid."))
    locked.state = PaymentRequest.State.PAID
    locked.paid_at = timezone.now()
    return audited_save(locked, by=by)  # type: ignore[return-value]


@dataclass(frozen=True)
class ReachSpec:
    """Participants reached in one municipality (a ``core.Municipality``) and target group."""

    municipality: Any
    target_group: str
    participants: int


def _check_reach(application: Application, reach: Sequence[ReachSpec]) -> None:
    """Refuse reach the application cannot have had: each problem named, nothing saved.

    The municipalities are those the application serves; one that serves none serves the
    whole region, so any municipality counts. The target groups are those it named.
    """
    served = {m.pk for m in application.municipalities.all()}
    named = set(application.target_groups or [])
    labels = dict(TargetGroup.choices)
    problems: list[str] = []
    seen: set[tuple[int, str]] = set()
    for spec in reach:
        municipality, group = spec.municipality, spec.target_group
        label = labels.get(group, group)
        if served and municipality.pk not in served:
            problems.append(
                _("The project does not serve %(municipality)s; report only its municipalities.")
                % {"municipality": municipality}
            )
        if group not in named:
            problems.append(
                _(
                    "The application did not name the target group “%(group)s”; "
                    "report only its target groups."
                )
                % {"group": label}
            )
        if spec.participants < 1:
            problems.append(
                _("Give at least 1 participant for %(municipality)s, %(group)s.")
                % {"municipality": municipality, "group": label}
            )
        key = (municipality.pk, group)
        if key in seen:
            problems.append(
                _("%(municipality)s, %(group)s is given twice; give each pair once.")
                % {"municipality": municipality, "group": label}
            )
        seen.add(key)
    if problems:
        raise FundError(problems)


@transaction.atomic
def proof_submit(
    *,
    grant: Grant,
    by: Any,
    narrative: str,
    actual_costs: dict[str, Decimal],
    actual_own_contribution: Decimal,
    actual_third_party_funds: Decimal,
    reach: Sequence[ReachSpec] = (),
) -> ProofOfUse:
    """The funded organisation proves the use: narrative report, actual figures and the
    participants reached per municipality and target group (``reach``, may be empty)."""
    locked = _grant_for_update(grant)
    application = locked.application
    if by is not None and not is_member(by, application.organisation_id):
        raise PermissionDenied(_("Only the funded organisation submits the proof of use."))
    if not narrative.strip():
        raise FundError(_("Write the narrative report (Sachbericht)."))
    _check_reach(application, reach)
    proof = ProofOfUse(
        grant=locked,
        narrative=narrative.strip(),
        actual_own_contribution=actual_own_contribution,
        actual_third_party_funds=actual_third_party_funds,
    )
    audited_save(proof, by=by)
    for category, amount in actual_costs.items():
        audited_save(ActualCost(proof=proof, category=category, amount=amount), by=by)
    for spec in reach:
        row = Reach(
            proof=proof,
            municipality=spec.municipality,
            target_group=spec.target_group,
            participants=spec.participants,
        )
        audited_save(row, by=by)
    application_transition(application=application, name="submit_proof", by=by)
    return proof


def planned_expenses(application: Application) -> dict[str, Decimal]:
    """The cost plan's expenses summed per category."""
    planned: dict[str, Decimal] = {}
    for line in application.costs.all():
        planned[line.category] = planned.get(line.category, Decimal(0)) + line.amount
    return planned


def paid_amount(grant: Grant) -> Decimal:
    paid = grant.payments.filter(state=PaymentRequest.State.PAID).aggregate(s=Sum("amount"))
    return paid["s"] or Decimal(0)


@transaction.atomic
def proof_check(*, proof: ProofOfUse, purpose_achieved: bool, by: Any) -> ProofOfUse:
    """Compare the actual figures with the cost plan and compute any repayment.

    A repayment above zero is claimed at once (the application's state says so).
    """
    locked = (
        ProofOfUse.objects.select_for_update().select_related("grant__application").get(pk=proof.pk)
    )
    grant = locked.grant
    application = grant.application
    result = money.repayment(
        grant.financing_type,
        grant=grant.amount,
        plan=money.CostPlan(
            expenses=planned_expenses(application),
            own_contribution=application.own_contribution,
            third_party_funds=application.third_party_funds,
            requested=application.requested_amount,
        ),
        actuals=money.Actuals(
            expenses={a.category: a.amount for a in locked.actuals.all()},
            own_contribution=locked.actual_own_contribution,
            third_party_funds=locked.actual_third_party_funds,
        ),
        share_percent=grant.share_percent,
        purpose_achieved=purpose_achieved,
        paid=paid_amount(grant),
    )
    locked.purpose_achieved = purpose_achieved
    locked.checked_at = timezone.now()
    locked.eligible_grant = result.eligible_grant
    locked.repayment = result.repayment
    locked.finding = result.reason
    audited_save(locked, by=by)
    application_transition(application=application, name="check_proof", by=by)
    if result.repayment > 0:
        application_transition(
            application=application,
            name="claim_repayment",
            by=by,
            note=_("%(amount)s € are claimed back. %(reason)s")
            % {"amount": result.repayment, "reason": result.reason},
        )
    return locked


# --- the council decides ----------------------------------------------------------


@transaction.atomic
def decision_paper_create(
    *,
    call: Call,
    by: Any,
    reference: str,
    deciding_body: Any,
    planned_date: Any,
    preparing_bodies: Sequence[Any] = (),
    amounts: dict[int, Decimal] | None = None,
    date: Any = None,
    preparing_dates: Sequence[Any] = (),
    is_example: bool = False,
) -> DecisionPaper:
    """Turn the call's recommendation list into a Beschlussvorlage for the council.

    Every recommended application above the fund's small-grant limit goes on the paper
    with its requested amount, or the amount given in ``amounts`` (cuts). The paper's
    last consultation (``deciding_body``) decides; when its vote is recorded the
    applications are decided accordingly (``decision_apply``). ``date`` (default today),
    ``preparing_dates`` and ``is_example`` serve loading a past, invented paper.
    """
    from council import services as council_services

    if by is not None and not has_role(by, Role.FUND_OFFICER):
        raise PermissionDenied(_("Only fund officers prepare decision papers."))
    call = (
        Call.objects.select_for_update()
        .select_related("fund__budget_product__area")
        .get(pk=call.pk)
    )
    listed = list(paper_candidates(call).select_related("organisation"))
    if not listed:
        raise FundError(_("No recommended application waits for a council decision."))
    amounts = amounts or {}
    lines = []
    for application in listed:
        amount = amounts.get(application.pk, application.requested_amount)
        if amount <= 0 or amount > application.requested_amount:
            raise FundError(
                _("The amount for “%(title)s” must lie above 0 and not above %(amount)s €.")
                % {"title": application.title, "amount": application.requested_amount}
            )
        lines.append((application, amount))
    total = sum((amount for _a, amount in lines), Decimal(0))
    listing = "\n".join(
        f"- {a.organisation.name}: {a.title} – {amount:.2f} €" for a, amount in lines
    )
    paper = council_services.paper_create(
        body=call.fund.body,
        reference=reference,
        name=_("%(call)s: funding decisions") % {"call": call.title},
        paper_type="Beschlussvorlage",
        date=date or timezone.localdate(),
        is_example=is_example,
        proposal_heading=_("Resolution proposal"),
        resolution_proposal=_(
            "From %(call)s the following projects are funded, in all %(total)s €:\n%(list)s"
        )
        % {"call": call.title, "total": f"{total:.2f}", "list": listing},
        consultations=[
            *(
                council_services.ConsultationSpec(
                    organization=o, role="Vorbereitung", planned_date=planned
                )
                for o, planned in zip(
                    preparing_bodies,
                    [*preparing_dates, *[None] * len(preparing_bodies)],
                    strict=False,
                )
            ),
            council_services.ConsultationSpec(
                organization=deciding_body,
                role="Entscheidung",
                authoritative=True,
                planned_date=planned_date,
            ),
        ],
        budget_references=[
            council_services.BudgetReferenceSpec(
                area=call.fund.budget_product.area, product=call.fund.budget_product
            )
        ],
        by=by,
    )
    decision = DecisionPaper(call=call, paper=paper)
    audited_save(decision, by=by)
    for application, amount in lines:
        audited_save(
            DecisionItem(decision=decision, application=application, proposed_amount=amount),
            by=by,
        )
    return decision


@transaction.atomic
def decision_apply(*, decision: DecisionPaper, by: Any = None) -> DecisionPaper:
    """Decide the paper's applications as its deciding consultation voted.

    Approved as proposed: each application is approved (in part where its amount was
    cut). A vote against: each is rejected. A deviating decision is left to the fund
    office, which records the amounts the council changed.
    """
    decision = DecisionPaper.objects.select_for_update().get(pk=decision.pk)
    if decision.applied_at is not None:
        return decision
    consultation = decision.paper.consultations.filter(authoritative=True, deleted=False).last()
    if consultation is None or not consultation.is_voted or not consultation.as_proposed:
        return decision
    yes, no = consultation.votes_yes, consultation.votes_no
    approved = yes is None or no is None or yes > no
    for item in decision.items.select_related("application"):
        application = item.application
        if application.state not in (State.RECOMMENDED, State.NOT_RECOMMENDED):
            continue
        if not approved:
            application_transition(application=application, name="reject", by=None)
        elif item.proposed_amount < application.requested_amount:
            application_transition(
                application=application,
                name="approve_partly",
                by=None,
                amount=item.proposed_amount,
            )
        else:
            application_transition(application=application, name="approve", by=None)
    decision.applied_at = timezone.now()
    return audited_save(decision, by=by)  # type: ignore[return-value]


def on_council_decision(consultation: Any) -> None:
    """Listener of the council app: apply the decision of a paper that lists applications."""
    decision = DecisionPaper.objects.filter(paper_id=consultation.paper_id).first()
    if decision is not None:
        decision_apply(decision=decision)


# --- allocation -------------------------------------------------------------------

ALLOCATABLE = (State.IN_REVIEW, State.RECOMMENDED, State.NOT_RECOMMENDED)


@dataclass(frozen=True)
class AllocationSettings:
    """What a fund officer sets for one allocation of a call; every part is optional.

    Percentages are parts of the budget (0–100), amounts euros, applications their numbers.
    ``partial_floor``: every request may be cut down to this percentage of it (none: all or
    nothing). ``population_share``: this part of the budget goes at least to the
    municipalities that applications serve, each in proportion to its population.
    ``min_projects_each``: every municipality an application serves gets at least this many
    funded projects.
    """

    budget: Decimal | None = None
    by_amount: bool = False
    partial_floor: Decimal | None = None
    field_shares: Mapping[str, tuple[Decimal | None, Decimal | None]] = field(default_factory=dict)
    min_projects_each: int | None = None
    municipality_min_projects: Mapping[str, int] = field(default_factory=dict)
    population_share: Decimal | None = None
    organisation_max_projects: int | None = None
    organisation_max_amount: Decimal | None = None
    exclusive: tuple[tuple[int, ...], ...] = ()
    fixed_in: tuple[int, ...] = ()
    fixed_out: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The settings as JSON (saved with a run, read back by ``from_json``)."""
        return {
            "budget": _num(self.budget),
            "by_amount": self.by_amount,
            "partial_floor": _num(self.partial_floor),
            "field_shares": {
                k: [_num(low), _num(high)] for k, (low, high) in self.field_shares.items()
            },
            "min_projects_each": self.min_projects_each,
            "municipality_min_projects": dict(self.municipality_min_projects),
            "population_share": _num(self.population_share),
            "organisation_max_projects": self.organisation_max_projects,
            "organisation_max_amount": _num(self.organisation_max_amount),
            "exclusive": [list(group) for group in self.exclusive],
            "fixed_in": list(self.fixed_in),
            "fixed_out": list(self.fixed_out),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AllocationSettings:
        def dec(value: Any) -> Decimal | None:
            return None if value is None else Decimal(str(value))

        return cls(
            budget=dec(data.get("budget")),
            by_amount=bool(data.get("by_amount")),
            partial_floor=dec(data.get("partial_floor")),
            field_shares={
                k: (dec(low), dec(high)) for k, (low, high) in data.get("field_shares", {}).items()
            },
            min_projects_each=data.get("min_projects_each"),
            municipality_min_projects=dict(data.get("municipality_min_projects", {})),
            population_share=dec(data.get("population_share")),
            organisation_max_projects=data.get("organisation_max_projects"),
            organisation_max_amount=dec(data.get("organisation_max_amount")),
            exclusive=tuple(tuple(group) for group in data.get("exclusive", ())),
            fixed_in=tuple(data.get("fixed_in", ())),
            fixed_out=tuple(data.get("fixed_out", ())),
        )


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def allocation_candidates(call: Call) -> list[Application]:
    """The call's applications that passed review and wait for a decision, by number."""
    return list(
        call.applications.filter(state__in=ALLOCATABLE)
        .select_related("organisation")
        .prefetch_related("municipalities")
        .order_by("pk")
    )


@dataclass(frozen=True)
class AllocationPool:
    """A call's candidates as the allocation reads them, before any setting applies.

    ``rows`` are the instance's applications (``docs/allocation.md``) without a partial
    floor (``min_amount`` is None), ``left`` is the money the call has left. A page reads
    the pool once (``allocation_pool``) for its form and hands it to ``allocation_solve``,
    which then reads nothing again.
    """

    call: Call
    applications: list[Application]
    rows: list[dict[str, Any]]
    left: Decimal

    @property
    def fields(self) -> list[str]:
        """The fields of action the candidates serve (titles, sorted)."""
        return sorted({title for row in self.rows for title in row["fields"]})

    @property
    def municipality_keys(self) -> list[str]:
        """The official keys of the municipalities the candidates serve (sorted)."""
        return sorted({key for row in self.rows for key in row["municipalities"]})


def allocation_pool(call: Call) -> AllocationPool:
    """Read the call's candidates with their scores, fields of action and the money left.

    Score: the reviews' weighted mean in %; fields: the fields of action of the plan goals
    the application serves (version in force); municipalities: official keys.
    """
    from fund.selectors import review_summaries
    from plan.models import Goal, PlanVersion

    applications = allocation_candidates(call)
    summaries = review_summaries([a.pk for a in applications])
    uids = {uid for a in applications for uid in a.goal_uids}
    field_of = dict(
        Goal.objects.filter(uid__in=uids, version__status=PlanVersion.Status.ADOPTED).values_list(
            "uid", "field__title"
        )
    )
    rows: list[dict[str, Any]] = []
    for a in applications:
        summary = summaries.get(a.pk)
        rows.append(
            {
                "id": str(a.pk),
                "title": a.title,
                "score": float(summary.mean) if summary and summary.mean is not None else 0.0,
                "amount": float(a.requested_amount),
                "min_amount": None,
                "fields": sorted({field_of[u] for u in map(_uuid, a.goal_uids) if u in field_of}),
                "municipalities": sorted(m.key for m in a.municipalities.all()),
                "organisation": str(a.organisation_id),
            }
        )
    return AllocationPool(
        call=call, applications=applications, rows=rows, left=call.budget - committed(call)
    )


def allocation_instance(
    call: Call,
    constraints: dict[str, Any] | None = None,
    *,
    by_amount: bool = False,
    settings: AllocationSettings | None = None,
    pool: AllocationPool | None = None,
) -> dict[str, Any]:
    """The call's reviewed applications as an allocation instance (``docs/allocation.md``).

    The applications are those of ``allocation_pool`` (read here unless ``pool`` is the
    call's, read before). The budget is what the call has left unless the settings name
    one; ``constraints`` (in the JSON format) are added to those the settings give.
    """
    settings = settings or AllocationSettings(by_amount=by_amount)
    if pool is None:
        pool = allocation_pool(call)
    elif pool.call.pk != call.pk:
        raise ValueError(f"The pool of call {pool.call.pk} is not that of call {call.pk}.")
    floor = settings.partial_floor
    rows: list[dict[str, Any]] = [
        {
            **row,
            "min_amount": None if floor is None else round(row["amount"] * float(floor) / 100, 2),
        }
        for row in pool.rows
    ]
    served = pool.municipality_keys
    built: dict[str, Any] = {
        "budget": float(settings.budget if settings.budget is not None else pool.left)
    }
    shares = {
        title: {
            **({"min": float(low) / 100} if low is not None else {}),
            **({"max": float(high) / 100} if high is not None else {}),
        }
        for title, (low, high) in settings.field_shares.items()
        if low is not None or high is not None
    }
    if shares:
        built["field_shares"] = shares
    projects = {key: settings.min_projects_each for key in served if settings.min_projects_each}
    projects.update({k: v for k, v in settings.municipality_min_projects.items() if v})
    if projects:
        built["municipality_min_projects"] = dict(sorted(projects.items()))
    if settings.population_share:
        # The candidates' municipalities are prefetched: their population needs no query.
        population: dict[str, int] = {
            m.key: m.population or 0
            for a in pool.applications
            for m in a.municipalities.all()
            if m.population is not None
        }
        total = sum(population.values())
        if total:
            part = float(settings.population_share) / 100
            built["municipality_min_shares"] = {
                key: round(part * people / total, 6) for key, people in sorted(population.items())
            }
    for name in ("organisation_max_projects", "organisation_max_amount"):
        limit = getattr(settings, name)
        if limit is not None:
            built[name] = _num(limit) if isinstance(limit, Decimal) else limit
    for name in ("fixed_in", "fixed_out"):
        if getattr(settings, name):
            built[name] = [str(pk) for pk in getattr(settings, name)]
    if settings.exclusive:
        built["exclusive"] = [[str(pk) for pk in group] for group in settings.exclusive]
    return {
        "objective": "score_by_amount" if settings.by_amount else "score",
        "applications": rows,
        "constraints": {**built, **(constraints or {})},
    }


def _uuid(value: Any) -> Any:
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return value


def allocation_solve(
    call: Call,
    settings: AllocationSettings | None = None,
    *,
    constraints: dict[str, Any] | None = None,
    by_amount: bool = False,
    explanations: bool = True,
    pool: AllocationPool | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Solve the call's allocation as it stands now: the instance and the result (JSON).

    ``pool``: the call's ``allocation_pool`` if the caller has read it already. Writes
    nothing; ``allocation_run_create`` saves what this returns.
    """
    from fund.allocation import InstanceError, allocate, instance_from_json

    data = allocation_instance(call, constraints, by_amount=by_amount, settings=settings, pool=pool)
    try:
        instance = instance_from_json(data)
    except InstanceError as exc:
        raise FundError(str(exc)) from exc
    return data, allocate(instance, explanations=explanations)


def _officer(by: Any, message: str) -> None:
    if by is not None and not has_role(by, Role.FUND_OFFICER):
        raise PermissionDenied(message)


@transaction.atomic
def allocation_run_create(
    *,
    call: Call,
    by: Any,
    constraints: dict[str, Any] | None = None,
    by_amount: bool = False,
    settings: AllocationSettings | None = None,
) -> AllocationRun:
    """Solve the call's allocation now and save inputs and result (fund officers only)."""
    _officer(by, _("Only fund officers run the allocation."))
    settings = settings or AllocationSettings(by_amount=by_amount)
    data, result = allocation_solve(call, settings, constraints=constraints)
    run = AllocationRun(
        call=call,
        created_by=acting_user(by),
        options=settings.to_json(),
        inputs=data,
        result=result,
        status=result["status"],
        objective=result["objective"],
    )
    return audited_save(run, by=by)  # type: ignore[return-value]


def allocation_run_problems(run: AllocationRun, *, pool: AllocationPool | None = None) -> list[str]:
    """Why the run can no longer become the recommendation list (empty: it can).

    ``pool``: the call's ``allocation_pool`` if the caller has read it already.
    """
    if run.status != "optimal":
        return [_("Only an optimal run can become the recommendation list.")]
    if run.applied_at is not None:
        return [_("This run is the recommendation list already.")]
    pool = pool or allocation_pool(run.call)
    # allocation_instance refuses a pool of another call.
    now = allocation_instance(
        run.call, settings=AllocationSettings.from_json(run.options), pool=pool
    )
    problems = []
    before = {a["id"]: a for a in run.inputs["applications"]}
    current = {a["id"]: a for a in now["applications"]}
    if set(before) != set(current):
        problems.append(_("Applications have entered or left review since this run."))
    elif any(
        (before[k]["score"], before[k]["amount"]) != (current[k]["score"], current[k]["amount"])
        for k in before
    ):
        problems.append(_("Reviews or requested amounts have changed since this run."))
    funded = sum(run.result["amounts"].values())
    left = float(pool.left)
    if funded > left + 0.005:
        problems.append(
            _("The portfolio needs %(funded)s €, but the call has only %(left)s € left.")
            % {"funded": f"{funded:.2f}", "left": f"{left:.2f}"}
        )
    return problems


def run_amounts(run: AllocationRun) -> dict[int, Decimal]:
    """The run's funded amount per application, in whole euros (cut amounts rounded down)."""
    return {
        int(pk): Decimal(math.floor(amount + 0.005))
        for pk, amount in run.result["amounts"].items()
        if amount > 0.005
    }


@transaction.atomic
def allocation_run_apply(*, run: AllocationRun, by: Any) -> AllocationRun:
    """Make the run the call's recommendation list.

    Every application it funds is recommended, every other one not recommended (each a
    workflow step with the run named in its note); the decision paper then proposes the
    run's amounts. Refused when the run is out of date: applications, reviews or the money
    left changed since it was solved.
    """
    _officer(by, _("Only fund officers decide the recommendation list."))
    Call.objects.select_for_update().filter(pk=run.call_id).first()
    run = AllocationRun.objects.select_for_update().select_related("call").get(pk=run.pk)
    problems = allocation_run_problems(run)
    if problems:
        raise FundError([*problems, _("Calculate the allocation again.")])
    amounts = run_amounts(run)
    note = _("Allocation run of %(date)s") % {
        "date": timezone.localtime(run.created).strftime("%d.%m.%Y %H:%M")
    }
    for application in allocation_candidates(run.call):
        funded = application.pk in amounts
        if funded and application.state != State.RECOMMENDED:
            application_transition(application=application, name="recommend", by=by, note=note)
        elif not funded and application.state != State.NOT_RECOMMENDED:
            application_transition(application=application, name="not_recommend", by=by, note=note)
    run.applied_at = timezone.now()
    run.applied_by = acting_user(by)
    return audited_save(run, by=by)  # type: ignore[return-value]


def recommended_amounts(call: Call) -> dict[int, Decimal]:
    """The amounts of the call's recommendation list, if a run became it (else empty)."""
    run = call.allocation_runs.filter(applied_at__isnull=False).order_by("-applied_at").first()
    return run_amounts(run) if run is not None else {}
