from django.urls import path

from awards.documents import views

app_name = "documents"
urlpatterns = [
    path("verify/<str:code>/", views.verify, name="verify"),
    path("documents/<int:pk>/", views.download, name="download"),
    path("documents/batch/<int:year>/", views.render_batch, name="render_batch"),
]
