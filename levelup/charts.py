"""Bar charts drawn on the server as SVG, always shown with a table of the same figures.

`bar_chart(...)` works out the geometry; `templates/includes/chart.html` draws it. Nothing
relies on colour alone: the second series is hatched, every bar carries its figure as text and
the legend shows the patterns. No inline style: colours come from classes in our stylesheets
(screen and print), patterns from SVG presentation attributes, so a strict CSP is kept.

    chart = bar_chart(
        chart_id="investment-by-year",
        title=_("Investment by year"),
        categories=["2025–26", "2026–27"],
        series=[Series("secured", _("Secured")), Series("pipeline", _("Pipeline"))],
        values={"secured": [Decimal(10), Decimal(20)], "pipeline": [Decimal(5), Decimal(0)]},
        value_format=format_gbp_short,
    )
    {% include "includes/chart.html" with chart=chart %}
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.text import slugify

# Fills by series position: the first solid, the next hatched, then dotted, then outlined.
FILLS = ["solid", "hatch", "dots", "outline"]

# Drawing units of the SVG viewBox; the image scales to its container.
WIDTH = 640
BAR_THICKNESS = 26
BAR_GAP = 12
LABEL_WIDTH = 200  # room for category names left of horizontal bars
VALUE_ROOM = 90  # room for the total right of (or above) a bar
AXIS_ROOM = 28  # room for category names under vertical bars
VERTICAL_HEIGHT = 260


@dataclass(frozen=True)
class Series:
    key: str
    label: str


@dataclass(frozen=True)
class Segment:
    series: Series
    fill: str
    value: Decimal
    text: str
    x: float
    y: float
    width: float
    height: float
    # Where the figure is written inside the segment, if it fits.
    label_x: float
    label_y: float
    shows_label: bool


@dataclass(frozen=True)
class Bar:
    category: str
    total: Decimal
    total_text: str
    segments: list[Segment]
    # The category name and the total, written next to the bar.
    category_x: float
    category_y: float
    total_x: float
    total_y: float


@dataclass(frozen=True)
class LegendItem:
    series: Series
    fill: str


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    orientation: str  # "horizontal" or "vertical"
    width: int
    height: int
    bars: list[Bar]
    legend: list[LegendItem]
    series: list[Series]
    # For the table alternative: one row per category, a cell per series, then the total.
    rows: list[tuple[str, list[str], str]] = field(default_factory=list)
    total_label: str = "Total"
    category_label: str = ""
    axis: tuple[float, float, float, float] = (0, 0, 0, 0)

    @property
    def is_stacked(self) -> bool:
        return len(self.series) > 1

    @property
    def is_empty(self) -> bool:
        return not self.bars


def bar_chart(
    *,
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    values: dict[str, Sequence[Decimal | int]],
    value_format: Callable[[Decimal], str] = str,
    orientation: str = "horizontal",
    description: str = "",
    category_label: str = "",
    total_label: str = "Total",
) -> Chart:
    """A bar chart of `categories`, one bar each, stacked by `series` when there are several.

    `values[series.key][i]` is the figure of category `i` in that series. Negative figures are
    not drawn (bars start at zero); the table still shows them.
    """
    if orientation not in ("horizontal", "vertical"):
        raise ValueError("orientation is 'horizontal' or 'vertical'")
    chart_id = slugify(chart_id) or "chart"
    series = list(series)
    figures = [
        [Decimal(values.get(s.key, [0] * len(categories))[i] or 0) for s in series]
        for i in range(len(categories))
    ]
    totals = [sum(row, Decimal(0)) for row in figures]
    peak = max([t for t in totals if t > 0], default=Decimal(1))
    fills = {s.key: FILLS[i % len(FILLS)] for i, s in enumerate(series)}
    bars: list[Bar] = []
    if orientation == "horizontal":
        height = max(1, len(categories)) * (BAR_THICKNESS + BAR_GAP) + BAR_GAP
        room = WIDTH - LABEL_WIDTH - VALUE_ROOM
        axis = (LABEL_WIDTH, 0, LABEL_WIDTH, height)
        for index, category in enumerate(categories):
            y = BAR_GAP + index * (BAR_THICKNESS + BAR_GAP)
            x = float(LABEL_WIDTH)
            segments = []
            for s, figure in zip(series, figures[index], strict=True):
                length = float(max(figure, Decimal(0)) / peak) * room
                text = value_format(figure)
                segments.append(
                    Segment(
                        series=s,
                        fill=fills[s.key],
                        value=figure,
                        text=text,
                        x=round(x, 2),
                        y=y,
                        width=round(length, 2),
                        height=BAR_THICKNESS,
                        label_x=round(x + length / 2, 2),
                        label_y=y + BAR_THICKNESS / 2 + 4,
                        shows_label=len(series) > 1 and length >= 7 * len(text) + 8,
                    )
                )
                x += length
            bars.append(
                Bar(
                    category=category,
                    total=totals[index],
                    total_text=value_format(totals[index]),
                    segments=segments,
                    category_x=LABEL_WIDTH - 8,
                    category_y=y + BAR_THICKNESS / 2 + 4,
                    total_x=round(x + 6, 2),
                    total_y=y + BAR_THICKNESS / 2 + 4,
                )
            )
    else:
        slot = (WIDTH - 20) / max(1, len(categories))
        thickness = min(60.0, slot * 0.6)
        height = VERTICAL_HEIGHT + AXIS_ROOM
        base = VERTICAL_HEIGHT
        room = VERTICAL_HEIGHT - 30
        axis = (10, base, WIDTH - 10, base)
        for index, category in enumerate(categories):
            x = 10 + index * slot + (slot - thickness) / 2
            y = float(base)
            segments = []
            for s, figure in zip(series, figures[index], strict=True):
                length = float(max(figure, Decimal(0)) / peak) * room
                y -= length
                text = value_format(figure)
                segments.append(
                    Segment(
                        series=s,
                        fill=fills[s.key],
                        value=figure,
                        text=text,
                        x=round(x, 2),
                        y=round(y, 2),
                        width=round(thickness, 2),
                        height=round(length, 2),
                        label_x=round(x + thickness / 2, 2),
                        label_y=round(y + length / 2 + 4, 2),
                        shows_label=len(series) > 1 and length >= 16 and thickness >= 7 * len(text),
                    )
                )
            bars.append(
                Bar(
                    category=category,
                    total=totals[index],
                    total_text=value_format(totals[index]),
                    segments=segments,
                    category_x=round(x + thickness / 2, 2),
                    category_y=base + 18,
                    total_x=round(x + thickness / 2, 2),
                    total_y=round(y - 6, 2),
                )
            )
    rows = [
        (category, [value_format(f) for f in figures[index]], value_format(totals[index]))
        for index, category in enumerate(categories)
    ]
    return Chart(
        id=chart_id,
        title=str(title),
        description=str(description),
        orientation=orientation,
        width=WIDTH,
        height=int(height),
        bars=bars,
        legend=[LegendItem(s, fills[s.key]) for s in series] if len(series) > 1 else [],
        series=series,
        rows=rows,
        total_label=str(total_label),
        category_label=str(category_label),
        axis=axis,
    )
