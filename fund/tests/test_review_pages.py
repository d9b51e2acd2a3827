"""The reviewers' pages: declare first, then read and score; only one's own reviews; blind."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

from core.roles import Role
from fund import services
from fund.models import Call, Criterion, Review, Score
from fund.tests.test_services import _ready

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DESCRIPTION = "Ein offenes Café für alle Nachbarinnen und Nachbarn, jeden Donnerstag."
ORGANISATION = "Interkultureller Nachbarschaftsverein Garbsen e. V."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def english_pages(client):
    """The pages answer in English too (the messages are asserted in their source language)."""
    client.cookies["django_language"] = "en"


def _eligible(call, applicant, officer, **fields):
    """A submitted application with one attachment, checked as eligible."""
    application = _ready(call, applicant, description=DESCRIPTION, **fields)
    services.attachment_add(
        application=application,
        upload=SimpleUploadedFile("kostenplan.pdf", PDF),
        by=applicant,
    )
    services.application_transition(application=application, name="submit", by=applicant)
    services.application_transition(application=application, name="mark_eligible", by=officer)
    return application


@pytest.fixture
def eligible(open_call, applicant, fund_officer):
    return _eligible(open_call, applicant, fund_officer)


@pytest.fixture
def reviewer(make_user):
    return make_user(Role.REVIEWER)


@pytest.fixture
def review(eligible, reviewer, fund_officer):
    return services.review_assign(application=eligible, reviewer=reviewer, by=fund_officer)


@pytest.fixture
def declared(review, reviewer):
    return services.review_declare(review=review, no_conflict=True, by=reviewer)


@pytest.fixture
def submitted(declared, reviewer):
    criterion = declared.application.call.criteria.get()
    return services.review_submit(
        review=declared,
        scores={criterion.pk: (4, "Klarer Bezug zum Ziel 2.1.")},
        comment="Überzeugend.",
        by=reviewer,
    )


def _url(name, review=None):
    args = [review.pk] if review is not None else []
    return reverse(f"fund_review:{name}", args=args)


def _score_data(call, value="4", comment="Gut begründet."):
    data = {"comment": "Insgesamt schlüssig."}
    for criterion in call.criteria.all():
        data[f"score_{criterion.pk}"] = value
        data[f"comment_{criterion.pk}"] = comment
    return data


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def _saved_state(review):
    review = Review.objects.get(pk=review.pk)
    return review.state, Score.objects.filter(review=review).count(), review.history.count()


# --- the pages render for the assigned reviewer --------------------------------------


def test_the_list_shows_open_and_submitted_reviews_with_call_and_organisation(
    client, open_call, applicant, fund_officer, reviewer, submitted
):
    other = _eligible(open_call, applicant, fund_officer, title="Sprachcafé Laatzen")
    services.review_assign(application=other, reviewer=reviewer, by=fund_officer)
    client.force_login(reviewer)
    response = client.get(_url("review_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Sprachcafé Laatzen" in html and "Nachbarschaftscafé" in html
    assert open_call.title in html and ORGANISATION in html
    assert "declaration missing" in html and "submitted on" in html
    assert "80.0 % weighted" in html
    opened, done = html.index('id="open-reviews"'), html.index('id="done-reviews"')
    assert opened < html.index("Sprachcafé Laatzen") < done < html.index("Nachbarschaftscafé")
    assert _url("review_detail", submitted) in html
    assert 'scope="col"' in html and 'scope="row"' in html


def test_before_the_declaration_only_the_title_and_the_form_are_shown(client, reviewer, review):
    client.force_login(reviewer)
    response = client.get(_url("review_detail", review))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nachbarschaftscafé" in html and ORGANISATION in html
    assert "I have no conflict of interest with this application" in html
    assert "I have a conflict of interest" in html
    assert "you are unassigned" in html
    assert _url("review_declare", review) in html
    assert DESCRIPTION not in html and "kostenplan.pdf" not in html
    assert 'name="score_' not in html


def test_declaring_no_conflict_opens_the_application_and_the_scoring_form(client, reviewer, review):
    client.force_login(reviewer)
    response = client.post(_url("review_declare", review), {"declaration": "no_conflict"})
    assert response.status_code == 302 and response.url == _url("review_detail", review)
    assert Review.objects.get(pk=review.pk).state == Review.State.DECLARED

    response = client.get(_url("review_detail", review))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thank you for your declaration" in html
    assert DESCRIPTION in html and "kostenplan.pdf" in html
    criterion = review.application.call.criteria.get()
    assert f'<legend class="kern-label kern-label--large">{criterion.name}</legend>' in html
    assert f'name="score_{criterion.pk}"' in html and 'type="radio"' in html
    assert "Weight 2 · score from 0 (not met) to 5 (fully met)" in html
    assert f'for="id_comment_{criterion.pk}"' in html and 'for="id_comment"' in html
    assert _url("review_submit", review) in html
    assert html.count("<h1") == 1


def test_attachments_link_to_their_download_once_declared(client, reviewer, review):
    attachment = review.application.attachments.get()
    try:
        url = reverse("fund:attachment_download", args=[attachment.pk])
    except NoReverseMatch:  # the fund's applicant pages are not there yet
        pytest.skip("fund:attachment_download does not exist yet")
    client.force_login(reviewer)
    assert url not in client.get(_url("review_detail", review)).content.decode()
    assert client.get(url).status_code == 404
    services.review_declare(review=review, no_conflict=True, by=reviewer)
    html = client.get(_url("review_detail", review)).content.decode()
    assert f'href="{url}"' in html
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_submitting_scores_saves_them_and_shows_them_read_only(client, reviewer, declared):
    call = declared.application.call
    client.force_login(reviewer)
    response = client.post(_url("review_submit", declared), _score_data(call, "4"))
    assert response.status_code == 302 and response.url == _url("review_detail", declared)
    review = Review.objects.get(pk=declared.pk)
    assert review.state == Review.State.SUBMITTED and review.comment == "Insgesamt schlüssig."
    assert [(s.value, s.comment) for s in review.scores.all()] == [(4, "Gut begründet.")]

    response = client.get(_url("review_detail", declared))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your review was submitted" in html
    assert "4 of 5" in html and "Gut begründet." in html and "Insgesamt schlüssig." in html
    assert 'id="weighted-score">80.0 %' in html
    assert 'name="score_' not in html and DESCRIPTION in html


def test_the_weighted_score_follows_the_weights_and_scales(client, reviewer, declared):
    call = declared.application.call
    Criterion.objects.create(call=call, position=1, name="Reichweite", scale_max=20)
    first, second = call.criteria.order_by("position")
    client.force_login(reviewer)
    html = client.get(_url("review_detail", declared)).content.decode()
    # A long scale is a labelled select rather than 21 radio buttons.
    assert f'<label class="kern-label kern-label--large" for="id_score_{second.pk}">' in html
    assert f'<select class="kern-form-input__select" name="score_{second.pk}"' in html
    data = {f"score_{first.pk}": "5", f"score_{second.pk}": "5", "comment": ""}
    response = client.post(_url("review_submit", declared), data, follow=True)
    # (2 · 5/5 + 1 · 5/20) / 3 = 75 %
    assert "75.0 %" in response.content.decode()


# --- bad input: a clear message, nothing saved ----------------------------------------


def test_a_score_above_the_scale_is_refused_and_nothing_is_saved(client, reviewer, declared):
    before = _saved_state(declared)
    client.force_login(reviewer)
    call = declared.application.call
    response = client.post(_url("review_submit", declared), _score_data(call, "6"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please correct the following:" in html
    assert "The best score is 5." in html
    assert 'aria-invalid="true"' in html
    assert "Gut begründet." in html  # what was typed stays
    assert _saved_state(declared) == before == (Review.State.DECLARED, 0, before[2])


def test_a_missing_score_is_refused_and_nothing_is_saved(client, reviewer, declared):
    before = _saved_state(declared)
    call = declared.application.call
    criterion = call.criteria.get()
    data = _score_data(call)
    del data[f"score_{criterion.pk}"]
    client.force_login(reviewer)
    response = client.post(_url("review_submit", declared), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{criterion.name}: Give a score from 0 to 5." in html
    assert f'href="#id_score_{criterion.pk}"' in html
    assert _saved_state(declared) == before


def test_scoring_before_the_declaration_is_refused(client, reviewer, review):
    before = _saved_state(review)
    client.force_login(reviewer)
    call = review.application.call
    response = client.post(_url("review_submit", review), _score_data(call), follow=True)
    assert response.status_code == 200
    assert "Declare that you have no conflict of interest before you score." in _messages(response)
    assert _saved_state(review) == before
    # A form that would not even be valid gets the same answer.
    response = client.post(_url("review_submit", review), {}, follow=True)
    assert "Declare that you have no conflict of interest before you score." in _messages(response)
    assert _saved_state(review) == before


def test_a_declaration_without_a_choice_shows_the_form_again(client, reviewer, review):
    before = _saved_state(review)
    client.force_login(reviewer)
    response = client.post(_url("review_declare", review), {})
    assert response.status_code == 200
    assert "Choose one of the two declarations." in response.content.decode()
    response = client.post(_url("review_declare", review), {"declaration": "maybe"})
    assert response.status_code == 200
    assert "Choose one of the two declarations." in response.content.decode()
    assert _saved_state(review) == before


def test_a_submitted_review_cannot_be_changed(client, reviewer, submitted):
    before = _saved_state(submitted)
    client.force_login(reviewer)
    call = submitted.application.call
    response = client.post(_url("review_submit", submitted), _score_data(call, "1"), follow=True)
    assert "This review can no longer be changed." in _messages(response)
    response = client.post(
        _url("review_declare", submitted), {"declaration": "conflict"}, follow=True
    )
    assert "The declaration has already been made." in _messages(response)
    assert _saved_state(submitted) == before
    assert Score.objects.get(review=submitted).value == 4


# --- conflicts of interest -------------------------------------------------------------


def test_a_declared_conflict_unassigns_and_hides_the_application(client, reviewer, review):
    client.force_login(reviewer)
    response = client.post(_url("review_declare", review), {"declaration": "conflict"})
    assert response.status_code == 302 and response.url == _url("review_list")
    assert Review.objects.get(pk=review.pk).state == Review.State.CONFLICT

    response = client.get(_url("review_list"))
    html = response.content.decode()
    assert "You declared a conflict of interest" in html
    assert "Nachbarschaftscafé" not in html
    assert _url("review_detail", review) not in html
    assert client.get(_url("review_detail", review)).status_code == 404
    call = review.application.call
    assert client.post(_url("review_submit", review), _score_data(call)).status_code == 404
    assert not Score.objects.exists()


# --- who may use the pages -----------------------------------------------------------


def test_another_reviewer_gets_404_and_changes_nothing(client, make_user, review):
    other = make_user(Role.REVIEWER)
    before = _saved_state(review)
    client.force_login(other)
    call = review.application.call
    assert client.get(_url("review_detail", review)).status_code == 404
    response = client.post(_url("review_declare", review), {"declaration": "no_conflict"})
    assert response.status_code == 404
    assert client.post(_url("review_submit", review), _score_data(call)).status_code == 404
    html = client.get(_url("review_list")).content.decode()
    assert "Nachbarschaftscafé" not in html and "Nothing to do at the moment." in html
    assert _saved_state(review) == before


@pytest.mark.parametrize("who", ["applicant", "fund_officer", "plan_editor"])
def test_other_roles_are_refused(client, request, make_user, review, who):
    user = make_user(Role.PLAN_EDITOR) if who == "plan_editor" else request.getfixturevalue(who)
    before = _saved_state(review)
    client.force_login(user)
    call = review.application.call
    assert client.get(_url("review_list")).status_code == 403
    assert client.get(_url("review_detail", review)).status_code == 403
    response = client.post(_url("review_declare", review), {"declaration": "no_conflict"})
    assert response.status_code == 403
    assert client.post(_url("review_submit", review), _score_data(call)).status_code == 403
    assert _saved_state(review) == before


def test_anonymous_visitors_are_sent_to_sign_in(client, review):
    before = _saved_state(review)
    call = review.application.call
    login = reverse("login")
    for response in (
        client.get(_url("review_list")),
        client.get(_url("review_detail", review)),
        client.post(_url("review_declare", review), {"declaration": "no_conflict"}),
        client.post(_url("review_submit", review), _score_data(call)),
    ):
        assert response.status_code == 302 and response.url.startswith(login)
    assert _saved_state(review) == before


def test_the_declaration_and_scores_are_posted_only(client, reviewer, review):
    client.force_login(reviewer)
    assert client.get(_url("review_declare", review)).status_code == 405
    assert client.get(_url("review_submit", review)).status_code == 405
    assert client.post(_url("review_list")).status_code == 405


# --- blind review --------------------------------------------------------------------


def _every_page(client, reviewer, review):
    """The HTML of every page the reviewer sees, through every step of the review."""
    call = review.application.call
    pages = [client.get(_url("review_list")), client.get(_url("review_detail", review))]
    pages.append(client.post(_url("review_declare", review), {}))  # the form with its errors
    pages.append(
        client.post(_url("review_declare", review), {"declaration": "no_conflict"}, follow=True)
    )
    pages.append(client.get(_url("review_list")))
    pages.append(client.post(_url("review_submit", review), _score_data(call, "9")))
    pages.append(client.post(_url("review_submit", review), _score_data(call, "3"), follow=True))
    pages.append(client.get(_url("review_list")))
    assert all(page.status_code == 200 for page in pages)
    assert Review.objects.get(pk=review.pk).state == Review.State.SUBMITTED
    return [page.content.decode() for page in pages]


def test_a_blind_review_never_shows_the_organisation(client, reviewer, review):
    Call.objects.filter(pk=review.application.call_id).update(blind_review=True)
    client.force_login(reviewer)
    for html in _every_page(client, reviewer, review):
        assert "Nachbarschaftscafé" in html
        assert ORGANISATION not in html
        assert "Nachbarschaftsverein" not in html


def test_without_blind_review_the_organisation_is_shown(client, reviewer, review):
    client.force_login(reviewer)
    pages = _every_page(client, reviewer, review)
    assert all(ORGANISATION in html for html in pages)


# --- queries -------------------------------------------------------------------------


def test_the_list_page_needs_a_fixed_number_of_queries(
    client, open_call, applicant, fund_officer, reviewer, django_assert_max_num_queries
):
    for number in range(6):
        application = _eligible(open_call, applicant, fund_officer, title=f"Projekt {number}")
        review = services.review_assign(application=application, reviewer=reviewer, by=fund_officer)
        if number % 3:
            services.review_declare(review=review, no_conflict=True, by=reviewer)
        if number % 3 == 2:
            services.review_submit(
                review=review,
                scores={open_call.criteria.get().pk: (3, "")},
                comment="",
                by=reviewer,
            )
    client.force_login(reviewer)
    # session, user, roles, reviews, their scores with criteria
    with django_assert_max_num_queries(5):
        response = client.get(_url("review_list"))
    html = response.content.decode()
    assert all(f"Projekt {number}" in html for number in range(6))
