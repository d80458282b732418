"""The public announcement (公示), mounted at /gongshi/ with no login."""

from django.urls import path

from awards.announcements import views

app_name = "gongshi"
urlpatterns = [
    path("", views.public_announcements, name="list"),
    path("<int:pk>/objection/", views.public_objection, name="objection"),
]
