"""The build as a short recipe: one call per stage."""
from __future__ import annotations

import datetime
import itertools
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from .assets import collect_assets
from .config import load_config
from .errors import SiteError, UsageError
from .outputs import render_outputs
from .publish import check_output_folder, recover, staging_folder, swap_in, write_outputs
from .render import Renderer, copy_assets, render_site
from .site import load_site


@dataclass(frozen=True)
class BuildOptions:
    root: Path
    out: Path
    drafts: bool = False
    base_url: str | None = None
    strict: bool = False
    jobs: int | None = None          # rendering processes; None means one per core
    today: datetime.date | None = None


@dataclass(frozen=True)
class BuildReport:
    out: Path
    counts: dict[str, int]
    seconds: float
    left_out: dict[str, int] = field(default_factory=dict)
    warnings: tuple[SiteError, ...] = ()

    def summary(self) -> str:
        order = ["page", "article", "quote", "list", "asset", "other file"]
        counts = sorted(self.counts.items(), key=lambda item: order.index(item[0]) if item[0] in order else 99)
        written = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in counts)
        skipped = ", ".join(f"{n} {reason}" for reason, n in self.left_out.items() if n)
        return (f"Built {self.out}: {written} in {self.seconds:.2f} s"
                + (f" (left out: {skipped})" if skipped else "") + ".")


def today_from_environment() -> datetime.date:
    """Today's date, or the one SOURCE_DATE_EPOCH gives, for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date()
        except (ValueError, OverflowError):
            raise UsageError(f"SOURCE_DATE_EPOCH must be a number of seconds, not '{epoch}'") from None
    return datetime.date.today()


def build(options: BuildOptions) -> BuildReport:
    """Read, render and publish the site. On any error the previous output is left as it was."""
    started = time.perf_counter()
    root, out = options.root.resolve(), options.out.resolve()
    check_output_folder(root, out)
    recover(out)
    config = load_config(root, options.base_url)
    site = load_site(root, config, today=options.today or today_from_environment(),
                     drafts=options.drafts, strict=options.strict)
    assets = collect_assets(root)
    renderer = Renderer(site, assets)
    staging = staging_folder(out)
    try:
        counts = write_outputs(itertools.chain(render_site(renderer), render_outputs(renderer), copy_assets(assets)),
                               staging)
        swap_in(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return BuildReport(out, counts, time.perf_counter() - started, site.left_out, site.warnings)
