from django.urls import path

from appliance.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("upload/", views.upload, name="upload"),
    path("documents/<uuid:pk>/", views.document_detail, name="detail"),
    path("documents/<uuid:pk>/redacted.<str:kind>", views.redacted_download, name="redacted"),
]
