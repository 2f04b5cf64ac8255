from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from appliance.documents.api.schema import error_responses
from appliance.routing import report
from appliance.routing.access import RoutingPermission
from appliance.routing.models import CalibrationRun
from appliance.routing.views import report_params


class RoutingReportView(APIView):
    """Shares of field decisions by rules / small model / larger model / people, estimated cost
    against the all-largest-tier baseline, and the accuracy of auto-accepted values in the QC sample.
    Query: ``days`` (default 30), ``bucket`` (day or week)."""

    permission_classes = [RoutingPermission]

    @extend_schema(
        parameters=[
            OpenApiParameter("days", int, description="Documents received in the last N days (default 30)."),
            OpenApiParameter("bucket", str, enum=["day", "week"], description="Period of the time series."),
        ],
        responses={200: OpenApiTypes.OBJECT, **error_responses(401, 403)},
        tags=["routing"],
    )
    def get(self, request):
        days, bucket = report_params(request.query_params)
        return Response(report.routing_report(days, bucket))


class CalibrationView(APIView):
    """The latest calibration run with its curves, and a summary of the earlier runs."""

    permission_classes = [RoutingPermission]

    @extend_schema(responses={200: OpenApiTypes.OBJECT, **error_responses(401, 403)}, tags=["routing"])
    def get(self, request):
        runs = list(CalibrationRun.objects.order_by("-created", "-id")[:20])
        return Response({
            "latest": report.calibration_json(runs[0]) if runs else None,
            "runs": [{k: v for k, v in report.calibration_json(run, curves=False).items() if k != "fields"} for run in runs],
        })
