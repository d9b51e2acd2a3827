"""Addresses of the status report pages, in the ``monitoring`` namespace under ``/monitoring/``.

``monitoring/urls.py`` takes them in with ``urlpatterns += report_urls.urlpatterns``.
"""

from django.urls import path

from monitoring import report_views

urlpatterns = [
    path("berichte/", report_views.report_list, name="report_list"),
    path("berichte/neu/", report_views.report_request, name="report_request"),
    path("berichte/<int:pk>/", report_views.report_detail, name="report_detail"),
    path("berichte/<int:pk>/stand/", report_views.report_status, name="report_status"),
    path("berichte/<int:pk>/sachstandsbericht.pdf", report_views.report_pdf, name="report_pdf"),
    path("berichte/<int:pk>/einreichen/", report_views.report_file, name="report_file"),
]
