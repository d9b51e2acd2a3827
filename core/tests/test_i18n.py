"""The German catalogue is complete and compiled; English is the source language."""

import shutil
import subprocess

import pytest
from django.conf import settings
from django.utils import translation

PO = settings.BASE_DIR / "locale" / "de" / "LC_MESSAGES" / "django.po"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
def test_german_catalogue_has_no_untranslated_or_fuzzy_entries(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "de.mo"), str(PO)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
    committed = (PO.parent / "django.mo").read_bytes()
    assert (tmp_path / "de.mo").read_bytes() == committed, (
        "run `make messages` and commit django.mo"
    )


def test_german_is_the_default_language():
    assert settings.LANGUAGE_CODE == "de"
    with translation.override("de"):
        assert translation.gettext("Consultation sequence") == "Beratungsfolge"
    with translation.override("en"):
        assert translation.gettext("Consultation sequence") == "Consultation sequence"
