"""Static files, copied with content-hashed names so hosts can cache them for ever."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .content import refuse_outside_link

STATIC_DIR = "static"
ASSET_PREFIX = "assets/"


@dataclass(frozen=True)
class Asset:
    name: str         # as templates ask for it: "site.css", "img/share.png"
    source: Path
    output_path: str  # "assets/site.3f9a1c2b.css"
    digest: str


def collect_assets(root: Path) -> dict[str, Asset]:
    """Every file under static/, fingerprinted by a hash of its bytes."""
    folder = root / STATIC_DIR
    assets = {}
    for directory, subfolders, files in os.walk(folder):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for file_name in sorted(files):
            if file_name.startswith("."):
                continue
            source = Path(directory, file_name)
            name = source.relative_to(folder).as_posix()
            refuse_outside_link(root, source, f"{STATIC_DIR}/{name}")
            digest = hashlib.blake2b(source.read_bytes(), digest_size=16).hexdigest()
            stem, dot, extension = name.rpartition(".")
            hashed = f"{stem}.{digest[:8]}.{extension}" if dot else f"{name}.{digest[:8]}"
            assets[name] = Asset(name, source, ASSET_PREFIX + hashed, digest)
    return assets
