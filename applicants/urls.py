from django.urls import path

from applicants import views

app_name = "applicants"
urlpatterns = [
    path("", views.enterprise_home, name="home"),
]
