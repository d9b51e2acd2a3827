"""URLs of the public plan pages (German paths, as citizens read them)."""

from django.urls import path, re_path

from plan import views

app_name = "plan"

VERSION = "integrationsplan/<slug:slug>/fassungen/<int:number>/"

urlpatterns = [
    path("integrationsplan/", views.plan_index, name="plan_index"),
    path("integrationsplan/<slug:slug>/", views.plan_detail, name="plan_detail"),
    path("integrationsplan/<slug:slug>/fassungen/", views.version_list, name="version_list"),
    path(VERSION, views.version_detail, name="version_detail"),
    path(f"{VERSION}handlungsfelder/<uuid:uid>/", views.field_detail, name="field_detail"),
    path(f"{VERSION}ziele/<uuid:uid>/", views.goal_detail, name="goal_detail"),
    path(f"{VERSION}massnahmen/<uuid:uid>/", views.measure_detail, name="measure_detail"),
    path(f"{VERSION}indikatoren/", views.indicator_list, name="indicator_list"),
    path(f"{VERSION}indikatoren/<uuid:uid>/", views.indicator_detail, name="indicator_detail"),
    path("integrationsplan/<slug:slug>/vergleich/", views.compare, name="compare"),
    re_path(
        r"^integrationsplan/(?P<slug>[-a-zA-Z0-9_]+)/vergleich\.(?P<fmt>csv|json)$",
        views.compare_download,
        name="compare_download",
    ),
    path("integrationsplan/<slug:slug>/suche/", views.search, name="search"),
]
