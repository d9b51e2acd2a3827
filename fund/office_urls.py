"""Addresses of the fund office's pages (Förderverwaltung) under ``/foerderung/verwaltung/``."""

from django.urls import path

from fund import allocation_views
from fund import office_views as views

app_name = "fund_office"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("aufruf/neu/", views.call_create, name="call_create"),
    path("aufruf/<int:pk>/", views.call_detail, name="call_detail"),
    path("aufruf/<int:pk>/beschlussvorlage/", views.decision_paper, name="decision_paper"),
    path("aufruf/<int:pk>/verteilung/", allocation_views.allocation, name="allocation"),
    path(
        "aufruf/<int:pk>/verteilung/speichern/",
        allocation_views.allocation_save,
        name="allocation_save",
    ),
    path(
        "aufruf/<int:pk>/verteilung/<int:run>/",
        allocation_views.allocation_run,
        name="allocation_run",
    ),
    path(
        "aufruf/<int:pk>/verteilung/<int:run>/empfehlen/",
        allocation_views.allocation_run_apply,
        name="allocation_run_apply",
    ),
    path("antrag/<int:pk>/", views.application_detail, name="application_detail"),
    path("antrag/<int:pk>/schritt/<slug:name>/", views.application_step, name="application_step"),
    path("antrag/<int:pk>/rueckfrage/", views.inquiry_ask, name="inquiry_ask"),
    path("antrag/<int:pk>/gutachten/", views.review_assign, name="review_assign"),
    path("antrag/<int:pk>/bescheid/", views.grant_issue, name="grant_issue"),
    path("antrag/<int:pk>/verwendungsnachweis/", views.proof_check, name="proof_check"),
    path("mittelabruf/<int:pk>/", views.payment_decide, name="payment_decide"),
    path("organisationen/", views.organisations, name="organisations"),
    path(
        "organisationen/<int:pk>/pruefen/",
        views.organisation_verify,
        name="organisation_verify",
    ),
]
