"""Payment batches (拨付批次) under the finance desk: /review/finance/batches/…"""

from django.urls import path

from awards.payments import views

urlpatterns = [
    path("", views.batches, name="batches"),
    path("<int:pk>/", views.batch_detail, name="batch_detail"),
    path("<int:pk>/export/", views.batch_export_view, name="batch_export"),
    path("<int:pk>/cancel/", views.batch_cancel_view, name="batch_cancel"),
    path("<int:pk>/return/", views.bank_return_upload_view, name="bank_return_upload"),
    path("imports/<int:pk>/confirm/", views.bank_return_confirm_view, name="bank_return_confirm"),
    path("imports/<int:pk>/discard/", views.bank_return_discard_view, name="bank_return_discard"),
]
