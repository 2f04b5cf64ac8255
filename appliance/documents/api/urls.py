from rest_framework.routers import DefaultRouter

from appliance.documents.api.document_types import DocumentTypeViewSet
from appliance.documents.api.views import DocumentViewSet

app_name = "api"

router = DefaultRouter()
router.register("documents", DocumentViewSet, basename="document")
router.register("document-types", DocumentTypeViewSet, basename="document-type")
urlpatterns = router.urls
