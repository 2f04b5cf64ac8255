from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from appliance.routing import report, svg
from appliance.routing.access import may_view
from appliance.routing.learning import learning_curves
from appliance.routing.models import CalibrationRun

DAY_CHOICES = (7, 30, 90, 365)


def report_params(query):
    """(days, bucket) from a query string, falling back to 30 days by day."""
    try:
        days = int(query.get("days", 30))
    except (TypeError, ValueError):
        days = 30
    days = min(max(days, 1), 3660)
    bucket = query.get("bucket") or ("week" if days > 90 else "day")
    if bucket not in report.BUCKETS:
        bucket = "day"
    return days, bucket


@login_required
def dashboard(request):
    if not may_view(request.user):
        raise PermissionDenied
    days, bucket = report_params(request.GET)
    data = report.routing_report(days, bucket)
    run = CalibrationRun.objects.order_by("-created", "-id").first()
    calibration_svg = None
    if run:
        chosen = {f"{t}.{f}": v for t, fields in (run.thresholds or {}).items() for f, v in fields.items()}
        calibration_svg = svg.calibration_plot(run.curves or {}, run.target, chosen)
    curves = learning_curves()
    context = {
        "report": data,
        "days": days,
        "bucket": bucket,
        "day_choices": DAY_CHOICES,
        "shares_svg": svg.shares_plot(data["decisions"]["series"]),
        "cost_svg": svg.cost_plot(data["cost"]),
        "run": run,
        "calibration_svg": calibration_svg,
        "runs": CalibrationRun.objects.order_by("-created", "-id")[:10],
        "learning": curves,
        "learning_svg": svg.learning_plot(curves) if curves else None,
    }
    return render(request, "routing/dashboard.html", context)
