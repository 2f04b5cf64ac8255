from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="events"),
    path("documents/<uuid:pk>/", views.document_timeline, name="timeline"),
    path("documents/<uuid:pk>/erase/", views.erase, name="erase"),
    path("export/", views.export_period, name="export"),
    path("verify/", views.verify_now, name="verify"),
]
