"""Bar charts from content/charts/<id>.yaml, drawn as SVG at build time.

People would rather look than read, so figures get a chart; the chart always comes with
its numbers as a table and a sentence, so nobody has to see it to get the facts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypedDict

from ssg.errors import SiteError
from ssg.model.config import doc
from ssg.model.frontmatter import ID_PATTERN, Record, Source


@dataclass(frozen=True)
class Bar:
    label: str = field(metadata=doc("the bar's name, like 2020/21", max_length=40))
    value: float = field(metadata=doc("the number"))
    fact: str | None = field(default=None, metadata=doc("the id of the fact (content/facts/) this number comes from",
                                                        refers_to="fact", pattern=ID_PATTERN))


class BarLayout(TypedDict):
    label: str
    value: float
    y: int      # the top of its row
    width: int  # its length
    text: str   # the value as shown


class ChartLayout(TypedDict):
    rows: list[BarLayout]
    label_width: int
    row: int
    width: int
    height: int


@dataclass(frozen=True, kw_only=True)
class Chart(Record):
    title: str = field(metadata=doc("what the chart shows", max_length=150))
    description: str = field(metadata=doc("the chart in words, for people who cannot see it"))
    unit: str = field(metadata=doc("what is counted, like 'assaults' or 'per cent'"))
    source: Source = field(metadata=doc("where the figures come from"))
    bars: tuple[Bar, ...] = field(metadata=doc("the bars, in order: label and value"))
    note: str = field(default="", metadata=doc("a caveat shown under the chart", required_text=False))

    def layout(self) -> ChartLayout:
        """Geometry for templates/partials/chart.html: a horizontal bar per value."""
        label_width, bar_area, row, gap = 90, 300, 34, 10
        top = max(bar.value for bar in self.bars) or 1
        rows: list[BarLayout] = [{"label": bar.label, "value": bar.value, "y": index * (row + gap),
                 "width": max(1, round(bar_area * bar.value / top)),
                 "text": f"{bar.value:,.0f}" if bar.value == int(bar.value) else f"{bar.value:,}"}
                for index, bar in enumerate(self.bars)]
        return {"rows": rows, "label_width": label_width, "row": row,
                "width": label_width + bar_area + 80, "height": len(rows) * (row + gap) - gap}


def check_chart(chart: Chart, data: Any, path: str) -> None:
    """What the schema cannot say: a chart has bars, and none is negative."""
    if not chart.bars:
        raise SiteError(path, data.line_of("bars"), "the chart has no bars", "add a `bars:` list with label and value")
    negative = next((index for index, bar in enumerate(chart.bars) if bar.value < 0), None)
    if negative is not None:
        raise SiteError(path, data["bars"][negative].line_of("value"), "a bar has a negative value",
                        "bar charts here show counts and percentages only")
