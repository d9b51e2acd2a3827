"""Public and applicant addresses of the fund (German paths under /foerderung/)."""

from django.urls import path

from fund import views

app_name = "fund"

urlpatterns = [
    path("", views.call_list, name="call_list"),
    path("aufruf/<int:pk>/", views.call_detail, name="call_detail"),
    path("aufruf/<int:pk>/antrag/neu/", views.application_new, name="application_new"),
    path("zuwendungen/", views.grant_list, name="grant_list"),
    path(
        "organisation/registrieren/",
        views.organisation_register,
        name="organisation_register",
    ),
    path(
        "organisation/<int:pk>/mitglieder/",
        views.organisation_members,
        name="organisation_members",
    ),
    path("antraege/", views.my_applications, name="my_applications"),
    path("antrag/<int:pk>/", views.application_detail, name="application_detail"),
    path("antrag/<int:pk>/bearbeiten/", views.application_edit, name="application_edit"),
    path("antrag/<int:pk>/anlagen/", views.application_attachments, name="application_attachments"),
    path(
        "antrag/<int:pk>/anlagen/<int:attachment>/entfernen/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("antrag/<int:pk>/einreichen/", views.application_submit, name="application_submit"),
    path("antrag/<int:pk>/zurueckziehen/", views.application_withdraw, name="application_withdraw"),
    path(
        "antrag/<int:pk>/rueckfrage/<int:inquiry>/",
        views.inquiry_answer,
        name="inquiry_answer",
    ),
    path("antrag/<int:pk>/mittelabruf/", views.payment_request, name="payment_request"),
    path("antrag/<int:pk>/verwendungsnachweis/", views.proof_submit, name="proof_submit"),
    path("antrag/<int:pk>/zuwendungsbescheid.pdf", views.notice_pdf, name="notice_pdf"),
    path("anlage/<int:pk>/", views.attachment_download, name="attachment_download"),
]
