from django.urls import path

from appliance.routing import views

app_name = "routing"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
