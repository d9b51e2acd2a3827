"""Addresses of monitoring's pages under ``/monitoring/``."""

from django.urls import path

from monitoring import report_urls, views

app_name = "monitoring"

urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("nachverfolgung/", views.trace_page, name="trace"),
    path("teilnehmende/", views.participants_page, name="participants"),
    path("indikator/<uuid:uid>/", views.indicator_page, name="indicator"),
    path("indikator/<uuid:uid>/import/", views.import_start, name="import_start"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("import/<int:pk>/uebernehmen/", views.import_commit, name="import_commit"),
]

urlpatterns += report_urls.urlpatterns
