"""URLs of the plan editors' pages: drafts, items, adoption, status reports."""

app_name = "plan_edit"

urlpatterns: list = []
