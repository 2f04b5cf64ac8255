from django.urls import path

from appliance.review import views

app_name = "review"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("next/", views.next_document, name="next"),
    path("<uuid:pk>/", views.review, name="document"),
    path("<uuid:pk>/pages/<int:number>.png", views.page_image, name="page_image"),
    path("<uuid:pk>/fields/<int:field_id>/", views.field_action, name="field"),
    path("<uuid:pk>/doc-type/", views.doc_type, name="doc_type"),
    path("<uuid:pk>/finish/", views.finish, name="finish"),
    path("<uuid:pk>/release/", views.release, name="release"),
]
