"""Static files, copied with content-hashed names so hosts can cache them for ever.

Only visible regular files inside static/ are published (see safe_files): never a dotfile,
a version-control folder or a link leading out of static/. SVG files are checked first,
because a browser runs the script an SVG holds when it is opened (see svg_check).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ssg import safe_files
from ssg.build.svg_check import check_svg
from ssg.model.site import ASSET_PREFIX, STATIC_DIR


@dataclass(frozen=True)
class Asset:
    name: str         # as templates ask for it: "site.css", "img/share.png"
    source: Path
    output_path: str  # "assets/site.3f9a1c2b.css"
    digest: str


def collect_assets(root: Path) -> dict[str, Asset]:
    """Every visible file under static/, fingerprinted by a hash of its bytes."""
    folder = safe_files.source_folder(root, STATIC_DIR)
    assets = {}
    for entry in safe_files.walk_files(folder):
        name = entry.shown.split("/", 1)[1]
        data = safe_files.read_bytes(entry.path, entry.shown)
        if name.lower().endswith(".svg"):
            check_svg(data, entry.shown)
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        stem, dot, extension = name.rpartition(".")
        hashed = f"{stem}.{digest[:8]}.{extension}" if dot else f"{name}.{digest[:8]}"
        assets[name] = Asset(name, Path(entry.path), ASSET_PREFIX + hashed, digest)
    return assets
