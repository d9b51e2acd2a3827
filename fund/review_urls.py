"""Addresses of the fund's review pages (Fachbeirat), mounted at ``/foerderung/gutachten/``."""

from django.urls import path

from fund import review_views

app_name = "fund_review"

urlpatterns = [
    path("", review_views.review_list, name="review_list"),
    path("<int:pk>/", review_views.review_detail, name="review_detail"),
    path("<int:pk>/erklaerung/", review_views.review_declare, name="review_declare"),
    path("<int:pk>/bewertung/", review_views.review_submit, name="review_submit"),
]
