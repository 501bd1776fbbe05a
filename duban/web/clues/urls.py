"""群众线索: mounted at public/clues/ (before public/)."""
from django.urls import path

from duban.web.clues import views

app_name = "clues"
urlpatterns = [
    path("", views.clue_lookup, name="lookup"),
    path("new/", views.clue_new, name="new"),
    path("<str:code>/", views.clue_track, name="status"),
]
