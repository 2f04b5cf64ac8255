from django.urls import path

app_name = "routing_api"

urlpatterns = []
