from django.urls import path

from portal import api

urlpatterns = [
    path("quote/", api.QuoteView.as_view(), name="api-quote"),
    path("simulate-payouts/", api.SimulatePayoutsView.as_view(), name="api-simulate-payouts"),
]
