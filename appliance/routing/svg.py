"""Plots drawn on the server as inline SVG: no JavaScript, nothing fetched from elsewhere.

Every plot has a <title> and <desc> for screen readers, and each mark its own <title> (a
tooltip in browsers) with the numbers it stands for.
"""
from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import mark_safe

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd")
SHARE_COLOURS = {"rule": "#2ca02c", "slm": "#1f77b4", "llm": "#9467bd", "human": "#ff7f0e"}
SHARE_LABELS = {"rule": "Rules", "slm": "Small model", "llm": "Larger model", "human": "People"}


def _f(value: float) -> str:
    return f"{value:.1f}"


class _Frame:
    """Maps data to pixels inside margins."""

    def __init__(self, width, height, x_range, y_range, left=56, right=170, top=16, bottom=44):
        self.width, self.height = width, height
        self.left, self.right, self.top, self.bottom = left, right, top, bottom
        self.x0, self.x1 = x_range
        self.y0, self.y1 = y_range

    def x(self, value):
        span = (self.x1 - self.x0) or 1
        return self.left + (value - self.x0) / span * (self.width - self.left - self.right)

    def y(self, value):
        span = (self.y1 - self.y0) or 1
        return self.height - self.bottom - (value - self.y0) / span * (self.height - self.top - self.bottom)

    @property
    def plot_right(self):
        return self.width - self.right

    @property
    def plot_bottom(self):
        return self.height - self.bottom


def _axes(frame: _Frame, x_ticks, y_ticks, x_label, y_label, x_fmt="{:.0%}", y_fmt="{:.0%}"):
    parts = ['<g class="axes" font-size="11" fill="#333">']
    for tick in y_ticks:
        y = frame.y(tick)
        parts.append(f'<line x1="{_f(frame.left)}" x2="{_f(frame.plot_right)}" y1="{_f(y)}" y2="{_f(y)}" stroke="#e5e5e5"/>')
        parts.append(f'<text x="{_f(frame.left - 6)}" y="{_f(y + 4)}" text-anchor="end">{escape(y_fmt.format(tick))}</text>')
    for tick in x_ticks:
        x = frame.x(tick)
        parts.append(f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{_f(frame.top)}" y2="{_f(frame.plot_bottom)}" stroke="#f0f0f0"/>')
        parts.append(f'<text x="{_f(x)}" y="{_f(frame.plot_bottom + 16)}" text-anchor="middle">{escape(x_fmt.format(tick))}</text>')
    parts.append(
        f'<rect x="{_f(frame.left)}" y="{_f(frame.top)}" width="{_f(frame.plot_right - frame.left)}" '
        f'height="{_f(frame.plot_bottom - frame.top)}" fill="none" stroke="#999"/>'
    )
    parts.append(f'<text x="{_f((frame.left + frame.plot_right) / 2)}" y="{_f(frame.height - 6)}" '
                 f'text-anchor="middle">{escape(x_label)}</text>')
    parts.append(f'<text transform="translate(14 {_f((frame.top + frame.plot_bottom) / 2)}) rotate(-90)" '
                 f'text-anchor="middle">{escape(y_label)}</text>')
    parts.append("</g>")
    return parts


def _open(width, height, title, desc, css_class):
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{css_class}-title {css_class}-desc" '
        f'style="max-width:{width}px;font-family:sans-serif">',
        f'<title id="{css_class}-title">{escape(title)}</title>',
        f'<desc id="{css_class}-desc">{escape(desc)}</desc>',
    ]


def calibration_plot(curves: dict, target: float | None = None, chosen: dict | None = None,
                     width: int = 760, height: int = 400) -> str:
    """Precision against automation per field, and overall, from a CalibrationRun's curves.

    ``curves``: {"fields": {"type.field": [{"automation", "precision", "threshold"}]},
    "overall": [{"target", "automation", "precision"}]}; ``chosen``: {"type.field": threshold}.
    """
    chosen = chosen or {}
    fields = {k: [p for p in v if p.get("precision") is not None] for k, v in (curves.get("fields") or {}).items()}
    fields = {k: v for k, v in fields.items() if v}
    overall = [p for p in curves.get("overall") or [] if p.get("precision") is not None]
    precisions = [p["precision"] for v in fields.values() for p in v] + [p["precision"] for p in overall]
    low = min(precisions + [target or 1.0, 0.9])
    y0 = max(0.0, (int(low * 20) / 20))  # down to a multiple of 5%
    x1 = max([1.0] + [p["automation"] for v in fields.values() for p in v])
    frame = _Frame(width, height, (0.0, x1), (y0, 1.0))
    y_step = 0.05 if 1 - y0 <= 0.3 else 0.1
    y_ticks = [round(y0 + i * y_step, 4) for i in range(int(round((1 - y0) / y_step)) + 1)]
    parts = _open(width, height, "Calibration: precision against automation",
                  "One line per field and a thick line for the whole set: each point is a threshold; "
                  "the share of labelled values it accepts (automation) and the share of those that are right "
                  "(precision). The dashed line is the target.", "calibration-plot")
    parts += _axes(frame, [i / 5 * x1 for i in range(6)], y_ticks, "Automation (share of values accepted)",
                   "Precision of accepted values")
    if target is not None and y0 <= target <= 1:
        y = frame.y(target)
        parts.append(f'<line class="target" x1="{_f(frame.left)}" x2="{_f(frame.plot_right)}" y1="{_f(y)}" '
                     f'y2="{_f(y)}" stroke="#d62728" stroke-dasharray="6 4"><title>target {target:.1%}</title></line>')
    legend = []
    for index, (key, points) in enumerate(sorted(fields.items())):
        colour = PALETTE[index % len(PALETTE)]
        ordered = sorted(points, key=lambda p: p["automation"])
        coords = " ".join(f"{_f(frame.x(p['automation']))},{_f(frame.y(max(p['precision'], y0)))}" for p in ordered)
        parts.append(f'<polyline class="field-curve" points="{coords}" fill="none" stroke="{colour}" '
                     f'stroke-width="1.5"><title>{escape(key)}</title></polyline>')
        threshold = chosen.get(key)
        point = next((p for p in points if threshold is not None and abs(p.get("threshold", -1) - threshold) < 1e-9), None)
        if point:
            parts.append(
                f'<circle cx="{_f(frame.x(point["automation"]))}" cy="{_f(frame.y(max(point["precision"], y0)))}" '
                f'r="4" fill="{colour}" stroke="#fff"><title>{escape(key)}: threshold {threshold:.3f}, automation '
                f'{point["automation"]:.1%}, precision {point["precision"]:.2%}</title></circle>'
            )
        legend.append((key, colour, 1.5))
    if overall:
        ordered = sorted(overall, key=lambda p: p["automation"])
        coords = " ".join(f"{_f(frame.x(p['automation']))},{_f(frame.y(max(p['precision'], y0)))}" for p in ordered)
        parts.append(f'<polyline class="overall-curve" points="{coords}" fill="none" stroke="#000" stroke-width="3">'
                     f'<title>overall</title></polyline>')
        for p in ordered:
            parts.append(
                f'<circle cx="{_f(frame.x(p["automation"]))}" cy="{_f(frame.y(max(p["precision"], y0)))}" r="3" '
                f'fill="#000"><title>overall at target {p.get("target", 0):.1%}: automation {p["automation"]:.1%}, '
                f'precision {p["precision"]:.2%}</title></circle>'
            )
        legend.insert(0, ("overall", "#000", 3))
    parts += _legend(frame, legend)
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _legend(frame, items):
    parts = ['<g class="legend" font-size="11">']
    for index, (label, colour, stroke) in enumerate(items[:24]):
        y = frame.top + 8 + index * 15
        x = frame.plot_right + 12
        parts.append(f'<line x1="{_f(x)}" x2="{_f(x + 18)}" y1="{_f(y)}" y2="{_f(y)}" stroke="{colour}" '
                     f'stroke-width="{stroke}"/><text x="{_f(x + 24)}" y="{_f(y + 4)}">{escape(label)}</text>')
    parts.append("</g>")
    return parts


def shares_plot(series: list[dict], width: int = 760, height: int = 300) -> str:
    """Stacked bars, one per period: the shares of decisions settled by rules, small model, larger model, people."""
    frame = _Frame(width, height, (0, max(len(series), 1)), (0.0, 1.0), right=130)
    parts = _open(width, height, "Who settled the field decisions, per period",
                  "Stacked bars, one per period: shares of field decisions settled by rules, the small model, "
                  "the larger model and people (including values waiting for a person).", "shares-plot")
    parts += _axes(frame, [], [0, 0.25, 0.5, 0.75, 1.0], "Period", "Share of decisions")
    slot = (frame.plot_right - frame.left) / max(len(series), 1)
    bar = max(2.0, min(48.0, slot * 0.7))
    label_every = max(1, len(series) // 12)
    for index, item in enumerate(series):
        x = frame.left + slot * index + (slot - bar) / 2
        bottom = 0.0
        for method in ("rule", "slm", "llm", "human"):
            share = item["shares"].get(method, 0.0)
            if share <= 0:
                continue
            y_top, y_bottom = frame.y(bottom + share), frame.y(bottom)
            count = item["counts"].get(method, 0) + (item["counts"].get("pending", 0) if method == "human" else 0)
            parts.append(
                f'<rect class="share-{method}" x="{_f(x)}" y="{_f(y_top)}" width="{_f(bar)}" '
                f'height="{_f(max(0.0, y_bottom - y_top))}" fill="{SHARE_COLOURS[method]}"><title>'
                f'{escape(item["period"])}: {escape(SHARE_LABELS[method])} {share:.1%} ({count} of {item["decisions"]})'
                f'</title></rect>'
            )
            bottom += share
        if index % label_every == 0:
            parts.append(f'<text x="{_f(x + bar / 2)}" y="{_f(frame.plot_bottom + 16)}" font-size="10" '
                         f'text-anchor="middle">{escape(item["period"][5:])}</text>')
    if not series:
        parts.append(f'<text x="{_f((frame.left + frame.plot_right) / 2)}" y="{_f(height / 2)}" '
                     f'text-anchor="middle" fill="#666">No decisions in this period.</text>')
    parts += _legend(frame, [(SHARE_LABELS[m], SHARE_COLOURS[m], 8) for m in ("rule", "slm", "llm", "human")])
    parts.append("</svg>")
    return mark_safe("".join(parts))


def cost_plot(cost: dict, width: int = 760, height: int = 140) -> str:
    """Two horizontal bars: the estimated cost, and the all-largest-tier baseline."""
    actual, baseline = float(cost.get("cost") or 0), float(cost.get("baseline_cost") or 0)
    top = max(actual, baseline, 1e-9)
    frame = _Frame(width, height, (0, top), (0, 2), left=150, right=40, top=10, bottom=30)
    parts = _open(width, height, "Estimated cost against sending everything to the largest tier",
                  f"Estimated cost {actual:.2f}, baseline {baseline:.2f} (relative units).", "cost-plot")
    rows = [("This period", actual, "#1f77b4"),
            (f"All at {cost.get('baseline_model') or 'largest tier'}", baseline, "#bbbbbb")]
    for index, (label, value, colour) in enumerate(rows):
        y = frame.top + index * 50 + 8
        w = max(0.0, frame.x(value) - frame.left)
        parts.append(f'<text x="{_f(frame.left - 8)}" y="{_f(y + 20)}" text-anchor="end" font-size="12">{escape(label)}</text>')
        parts.append(f'<rect class="cost-bar" x="{_f(frame.left)}" y="{_f(y)}" width="{_f(w)}" height="30" fill="{colour}">'
                     f'<title>{escape(label)}: {value:.3f}</title></rect>')
        parts.append(f'<text x="{_f(frame.left + w + 6)}" y="{_f(y + 20)}" font-size="12">{value:.2f}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def learning_plot(curves: dict[str, list[dict]], width: int = 760, height: int = 320) -> str:
    """Cross-validated accuracy (solid) and automation (dashed) against the number of labelled
    documents each specialist version was trained on, one colour per type."""
    points = [p for versions in curves.values() for p in versions]
    x1 = max([10] + [p["documents"] for p in points])
    frame = _Frame(width, height, (0, x1), (0.0, 1.0))
    parts = _open(width, height, "Learning curve: accuracy and automation against labelled documents",
                  "One colour per document type; each point is a trained specialist version. Solid: cross-validated "
                  "field accuracy; dashed: share of values accepted without a person.", "learning-plot")
    step = max(1, round(x1 / 5))
    parts += _axes(frame, list(range(0, x1 + 1, step)), [0, 0.25, 0.5, 0.75, 1.0], "Labelled documents trained on",
                   "Share of field values", x_fmt="{:d}")
    legend = []
    for index, (name, versions) in enumerate(sorted(curves.items())):
        colour = PALETTE[index % len(PALETTE)]
        ordered = sorted(versions, key=lambda p: p["documents"])
        for key, dash in (("accuracy", ""), ("automation", ' stroke-dasharray="5 4"')):
            marks = [p for p in ordered if p.get(key) is not None]
            if not marks:
                continue
            coords = " ".join(f"{_f(frame.x(p['documents']))},{_f(frame.y(p[key]))}" for p in marks)
            parts.append(f'<polyline class="learning-{key}" points="{coords}" fill="none" stroke="{colour}" '
                         f'stroke-width="2"{dash}><title>{escape(name)} {key}</title></polyline>')
            for p in marks:
                parts.append(f'<circle cx="{_f(frame.x(p["documents"]))}" cy="{_f(frame.y(p[key]))}" r="3" '
                             f'fill="{colour}"><title>{escape(name)} {escape(p["version"] or "")}: {key} '
                             f'{p[key]:.1%} on {p["documents"]} documents</title></circle>')
        legend.append((name, colour, 2))
    parts += _legend(frame, legend)
    parts.append("</svg>")
    return mark_safe("".join(parts))
