"""The grant notice PDF: WeasyPrint renders it; pdftotext reads back what it says."""

import shutil
import subprocess

import pytest

from fund.notice import notice_pdf


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_notice_states_amount_financing_type_period_and_cost_plan(grant):
    grant.application.organisation.street_address = "Marktstraße 1"
    grant.application.organisation.save()
    data = notice_pdf(grant)
    assert data.startswith(b"%PDF-")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert "Grant notice (Zuwendungsbescheid)" in text
    assert "13,500.00 €" in text
    assert "Fehlbedarfsfinanzierung" in text
    assert "01.07.2025 – 30.06.2026" in text
    assert "31.12.2026" in text  # proof of use due six months after the period
    assert "Marktstraße 1" in text
    assert "Interkultureller Nachbarschaftsverein Garbsen e. V." in text
    assert f"331111-2025-{grant.application_id:04d}" in text
