"""Request tests of the core pages: health, start, sign-in, password reset, audit history."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from core.roles import Role


def test_healthz_answers_ok(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_refuses_post(db, client):
    assert client.post("/healthz").status_code == 405


def test_start_page_lists_latest_papers(demo, client):
    response = client.get("/")
    assert response.status_code == 200
    assert "3185 (V) HHA" in response.content.decode()
    assert demo.nonpublic_paper.reference not in response.content.decode()


def test_pages_send_a_strict_content_security_policy(db, client):
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_login_by_email(db, client, make_user):
    make_user(Role.COUNCIL_OFFICE, email="clerk@example.org", password="long-enough-pass")
    response = client.post(
        reverse("login"), {"username": "CLERK@example.org", "password": "long-enough-pass"}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize(
    "data",
    [
        {"username": "not-an-email", "password": "x"},
        {"username": "nobody@example.org", "password": "wrong"},
        {"username": "", "password": ""},
    ],
)
def test_bad_login_shows_a_message_and_signs_nobody_in(db, client, data):
    response = client.post(reverse("login"), data)
    assert response.status_code == 200
    assert 'class="kern-alert kern-alert--danger' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_needs_post(db, client, make_user):
    user = make_user()
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(db, client, make_user):
    make_user(email="person@example.org")
    response = client.post(reverse("password_reset"), {"email": "person@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/passwort/neu/[^\s]+/)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "a-brand-new-pass", "new_password2": "a-brand-new-pass"}
    )
    assert response.status_code == 302
    assert client.login(username="person@example.org", password="a-brand-new-pass")


def test_password_reset_with_bad_email_shows_error(db, client):
    response = client.post(reverse("password_reset"), {"email": "no-at-sign"})
    assert response.status_code == 200
    assert "kern-form-input--error" in response.content.decode()
    assert mail.outbox == []


def test_password_reset_for_unknown_address_sends_nothing_but_says_the_same(db, client):
    response = client.post(reverse("password_reset"), {"email": "ghost@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def history_url(paper):
    return reverse("object_history", args=["council", "paper", paper.pk])


def test_staff_see_an_objects_history(demo, client, make_user):
    client.force_login(make_user(Role.COUNCIL_OFFICE))
    response = client.get(history_url(demo.seed_paper))
    assert response.status_code == 200
    assert demo.seed_paper.reference in response.content.decode()


@pytest.mark.parametrize(
    "role", [None, Role.PUBLIC, Role.APPLICANT, Role.REVIEWER, Role.COMMITTEE_MEMBER]
)
def test_history_is_hidden_from_non_staff(demo, client, make_user, role):
    if role is not None:
        client.force_login(make_user(role))
    assert client.get(history_url(demo.seed_paper)).status_code == 404


def test_staff_without_access_to_a_nonpublic_paper_cannot_see_its_history(demo, client, make_user):
    client.force_login(make_user(Role.PLAN_EDITOR))
    assert client.get(history_url(demo.seed_paper)).status_code == 200
    assert client.get(history_url(demo.nonpublic_paper)).status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/verlauf/nope/paper/1/", "/verlauf/council/nomodel/1/", "/verlauf/council/paper/999999/"],
)
def test_history_of_unknown_objects_is_404(db, client, make_user, path):
    client.force_login(make_user(Role.ADMIN))
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_admin_site_is_closed_to_other_roles(db, client, make_user, role):
    client.force_login(make_user(role))
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/core/user/").status_code == 302


def test_admin_role_opens_the_admin_site(db, client, make_user):
    client.force_login(make_user(Role.ADMIN))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/core/user/").status_code == 200


def test_admin_site_only_for_admins(db, client, make_user):
    from core import services

    admin = services.user_create(
        email="root@example.org", password="x-long-password", is_staff=True, is_superuser=True
    )
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200


def test_language_switch_to_english_and_back(db, client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en"' in response.content.decode()
    response = client.post(reverse("set_language"), {"language": "de", "next": "/"}, follow=True)
    assert '<html lang="de"' in response.content.decode()


def test_language_switch_rejects_unknown_language_and_keeps_german(db, client):
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"}, follow=True)
    assert '<html lang="de"' in response.content.decode()


def test_password_reset_with_mismatched_passwords_keeps_the_old_one(db, client, make_user):
    make_user(email="person@example.org", password="the-old-password")
    client.post(reverse("password_reset"), {"email": "person@example.org"})
    link = re.search(r"https?://[^/]+(/passwort/neu/[^\s]+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "one-new-pass", "new_password2": "other-new-pass"}
    )
    assert response.status_code == 200
    assert "kern-alert--danger" in response.content.decode()
    assert client.login(username="person@example.org", password="the-old-password")


def test_password_reset_link_with_a_forged_token_is_refused(db, client, make_user):
    make_user(email="person@example.org")
    response = client.get("/passwort/neu/MQ/forged-token/", follow=True)
    assert response.status_code == 200
    assert 'name="new_password1"' not in response.content.decode()
