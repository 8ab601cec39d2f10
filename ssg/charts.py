"""Bar charts from content/charts/<id>.yaml, drawn as SVG at build time.

People would rather look than read, so figures get a chart; the chart always comes with
its numbers as a table and a sentence, so nobody has to see it to get the facts.
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .config import doc
from .content import (CHARTS_DIR, CONTENT_DIR, SLUG, Source, decode_text, read_source, refuse_outside_link,
                      visible_names)
from .errors import SiteError
from .schema import build_dataclass, load_yaml


@dataclass(frozen=True)
class Bar:
    label: str = field(metadata=doc("the bar's name, like 2020/21", max_length=40))
    value: float = field(metadata=doc("the number"))


@dataclass(frozen=True)
class Chart:
    title: str = field(metadata=doc("what the chart shows", max_length=150))
    description: str = field(metadata=doc("the chart in words, for people who cannot see it"))
    unit: str = field(metadata=doc("what is counted, like 'assaults' or 'per cent'"))
    source: Source = field(metadata=doc("where the figures come from"))
    bars: tuple[Bar, ...] = field(metadata=doc("the bars, in order: label and value"))
    note: str = field(default="", metadata=doc("a caveat shown under the chart", required_text=False))
    # Set by load_charts, not by editors ("internal": not a key of the file).
    id: str = field(default="", metadata={"internal": True})       # the file name without .yaml
    digest: str = field(default="", metadata={"internal": True})   # hash of the file, for the build cache
    path: str = field(default="", metadata={"internal": True})     # content/charts/<id>.yaml, for messages

    def layout(self) -> dict:
        """Geometry for templates/partials/chart.html: a horizontal bar per value."""
        label_width, bar_area, row, gap = 90, 300, 34, 10
        top = max(bar.value for bar in self.bars) or 1
        rows = [{"label": bar.label, "value": bar.value, "y": index * (row + gap),
                 "width": max(1, round(bar_area * bar.value / top)),
                 "text": f"{bar.value:,.0f}" if bar.value == int(bar.value) else f"{bar.value:,}"}
                for index, bar in enumerate(self.bars)]
        return {"rows": rows, "label_width": label_width, "row": row,
                "width": label_width + bar_area + 80, "height": len(rows) * (row + gap) - gap}


def load_charts(root: Path) -> dict[str, Chart]:
    folder = root / CONTENT_DIR / CHARTS_DIR
    charts: dict[str, Chart] = {}
    for name in visible_names(folder):
        path = f"{CONTENT_DIR}/{CHARTS_DIR}/{name}"
        chart_id, dot, extension = name.rpartition(".")
        if not dot or extension not in ("yaml", "yml"):
            raise SiteError(path, None, f"only charts (.yaml files) belong in {CONTENT_DIR}/{CHARTS_DIR}/",
                            "put pictures and other files in static/")
        if not SLUG.fullmatch(chart_id):
            raise SiteError(path, None, f"the file name '{name}' is not a usable chart id",
                            "use lower-case letters, digits and hyphens, like assaults-england-wales.yaml")
        if chart_id in charts:
            raise SiteError(path, None, f"another chart already has the id '{chart_id}' ({charts[chart_id].path})",
                            "rename one of them, or delete the one you do not need")
        charts[chart_id] = _read_chart(root, folder / name, path, chart_id)
    return charts


def _read_chart(root: Path, file: Path, path: str, chart_id: str) -> Chart:
    refuse_outside_link(root, file, path)
    raw = read_source(file, path)
    data = load_yaml(decode_text(raw, path), path)
    chart = build_dataclass(Chart, data, path, 1, what="the chart")
    if not chart.bars:
        raise SiteError(path, data.line_of("bars"), "the chart has no bars", "add a `bars:` list with label and value")
    negative = next((index for index, bar in enumerate(chart.bars) if bar.value < 0), None)
    if negative is not None:
        raise SiteError(path, data["bars"][negative].line_of("value"), "a bar has a negative value",
                        "bar charts here show counts and percentages only")
    digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
    return dataclasses.replace(chart, id=chart_id, digest=digest, path=path)
