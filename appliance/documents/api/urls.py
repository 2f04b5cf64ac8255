from rest_framework.routers import DefaultRouter

from appliance.documents.api.views import DocumentViewSet

app_name = "api"

router = DefaultRouter()
router.register("documents", DocumentViewSet, basename="document")
urlpatterns = router.urls
