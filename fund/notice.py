"""The grant notice (Zuwendungsbescheid) as a PDF, rendered from HTML by WeasyPrint."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from fund.models import Grant

STYLESHEET = Path(__file__).parent / "templates" / "fund" / "notice.css"
# ANBest-P 6.1: the proof of use is due six months after the funding period.
PROOF_DUE_MONTHS = 6


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)


def proof_due(end: dt.date) -> dt.date:
    """Six months after the period: the period ending 30 June makes 31 December."""
    return _add_months(end + dt.timedelta(days=1), PROOF_DUE_MONTHS) - dt.timedelta(days=1)


def notice_context(grant: Grant) -> dict[str, object]:
    application = grant.application
    call = application.call
    return {
        "grant": grant,
        "application": application,
        "call": call,
        "fund": call.fund,
        "body": call.fund.body,
        "organisation": application.organisation,
        "costs": list(application.costs.all()),
        "total_costs": sum((c.amount for c in application.costs.all()), start=0),
        "issued_on": timezone.localtime(grant.issued_at).date()
        if grant.issued_at
        else timezone.localdate(),
        "proof_due": proof_due(grant.end),
        "reference": f"{call.fund.budget_product.number}-{call.year}-{application.pk:04d}",
    }


def notice_html(grant: Grant) -> str:
    return render_to_string("fund/notice.html", notice_context(grant))


def notice_pdf(grant: Grant) -> bytes:
    """The notice as PDF bytes (fonts from the system; no network access)."""
    from weasyprint import CSS, HTML

    document = HTML(string=notice_html(grant), base_url=str(STYLESHEET.parent))
    return document.write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))]) or b""
