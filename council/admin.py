"""Admin site entries for the council's reference data."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from council.models import Body, BudgetArea, BudgetProduct, Organization, Person


@admin.register(Body)
class BodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "ags"]


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "body"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["family_name", "given_name", "user"]
    search_fields = ["family_name", "given_name"]


@admin.register(BudgetArea)
class BudgetAreaAdmin(SimpleHistoryAdmin):
    list_display = ["number", "name", "body"]


@admin.register(BudgetProduct)
class BudgetProductAdmin(SimpleHistoryAdmin):
    list_display = ["number", "name", "area"]
