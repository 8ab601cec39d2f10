"""Bar charts from content/charts/<id>.yaml, drawn as SVG at build time.

People would rather look than read, so figures get a chart; the chart always comes with
its numbers as a table and a sentence, so nobody has to see it to get the facts.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from .config import doc
from .content import CONTENT_DIR, SLUG, Source
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
    id: str = ""       # the file name without .yaml; set by load_charts, not by editors
    digest: str = ""   # hash of the file, for the build cache

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
    folder = root / CONTENT_DIR / "charts"
    charts = {}
    for name in sorted(os.listdir(folder)) if folder.is_dir() else []:
        if not name.endswith((".yaml", ".yml")):
            continue
        path = f"{CONTENT_DIR}/charts/{name}"
        chart_id = name.rsplit(".", 1)[0]
        if not SLUG.fullmatch(chart_id):
            raise SiteError(path, None, f"the file name '{name}' is not a usable chart id",
                            "use lower-case letters, digits and hyphens, like assaults-england-wales.yaml")
        raw = (folder / name).read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SiteError(path, None, "this file is not UTF-8 text", "save it as UTF-8") from None
        data = load_yaml(text, path)
        if isinstance(data, dict) and ({"id", "digest"} & set(data)):
            raise SiteError(path, data.line_of("id" if "id" in data else "digest"), "'id' and 'digest' are set by the "
                            "generator, not in the file", "remove that line; the chart's id is its file name")
        chart = build_dataclass(Chart, data, path, 1, what="chart")
        if not chart.bars:
            raise SiteError(path, 1, "the chart has no bars", "add a `bars:` list with label and value")
        if any(bar.value < 0 for bar in chart.bars):
            raise SiteError(path, 1, "a bar has a negative value", "bar charts here show counts and percentages only")
        digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
        charts[chart_id] = dataclasses.replace(chart, id=chart_id, digest=digest)
    return charts
