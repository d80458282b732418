from django.urls import path

from portal import views

urlpatterns = [
    path("calculator/", views.calculator, name="calculator"),
    path("favicon.ico", views.favicon, name="favicon"),
]
