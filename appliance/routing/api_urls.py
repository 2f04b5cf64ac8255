from django.urls import path

from appliance.routing import api

app_name = "routing_api"

urlpatterns = [
    path("report/", api.RoutingReportView.as_view(), name="report"),
    path("calibration/", api.CalibrationView.as_view(), name="calibration"),
]
