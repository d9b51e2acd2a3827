"""URLs of the council pages (German paths, as citizens read them)."""

from django.urls import path

from council import feeds, views

app_name = "council"

urlpatterns = [
    path("drucksachen/", views.paper_list, name="paper_list"),
    path("drucksachen/<int:pk>/", views.paper_detail, name="paper_detail"),
    path(
        "drucksachen/<int:pk>/beratung/<int:consultation_pk>/abstimmung/",
        views.consultation_vote,
        name="consultation_vote",
    ),
    path("dateien/<int:pk>/", views.file_download, name="file_download"),
    path(
        "dateien/<int:pk>/download/",
        views.file_download,
        {"as_attachment": True},
        name="file_attachment",
    ),
    path("sitzungen/", views.meeting_list, name="meeting_list"),
    path("sitzungen/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("gremien/", views.organization_list, name="organization_list"),
    path("gremien/<int:pk>/", views.organization_detail, name="organization_detail"),
    path(
        "gremien/<int:pk>/calendar.ics", feeds.calendar_organization, name="calendar_organization"
    ),
    path("personen/<int:pk>/", views.person_detail, name="person_detail"),
]
