"""URLs of the plan editors' pages: drafts, items, adoption, status reports."""

from django.urls import path, register_converter

from plan import edit_views as views
from plan.structure import KINDS


class KindConverter:
    """The kind of a plan item in an address: field, goal, measure or indicator."""

    regex = "|".join(KINDS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(KindConverter, "plan_item_kind")

app_name = "plan_edit"

VERSION = "integrationsplan/<slug:slug>/fassungen/<int:number>/"
ITEM = VERSION + "bearbeiten/<plan_item_kind:kind>/<uuid:uid>/"

urlpatterns = [
    path("integrationsplan/<slug:slug>/entwurf/neu/", views.version_start, name="version_start"),
    path(VERSION + "bearbeiten/", views.workspace, name="workspace"),
    path(VERSION + "veroeffentlichen/", views.version_publish, name="version_publish"),
    path(VERSION + "verwerfen/", views.version_discard, name="version_discard"),
    path(VERSION + "beschliessen/", views.version_adopt, name="version_adopt"),
    path(VERSION + "bearbeiten/<plan_item_kind:kind>/neu/", views.item_create, name="item_create"),
    path(ITEM, views.item_edit, name="item_edit"),
    path(ITEM + "entfernen/", views.item_remove, name="item_remove"),
    path(ITEM + "verschieben/", views.item_move, name="item_move"),
    path(ITEM + "position/", views.item_place, name="item_place"),
    path(
        VERSION + "massnahmen/<uuid:uid>/bericht/",
        views.status_report_create,
        name="status_report_create",
    ),
    path("integrationsplan/berichte/<int:pk>/nachweis/", views.evidence_download, name="evidence"),
]
