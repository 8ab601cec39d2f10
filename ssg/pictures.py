"""Pictures for the web: responsive versions (AVIF, WebP and a JPEG or PNG fallback) with no metadata.

A picture from content/images/ is decoded defensively (a file that is not a picture, is truncated, is
enormous or is a decompression bomb is a `file:line` error), turned upright by its EXIF orientation,
converted to sRGB, and rebuilt from its pixels alone, so that no output carries EXIF, GPS location,
camera serial numbers, XMP, ICC profiles or PNG text. It is then encoded at the widths of WIDTHS that are
narrower than the picture (never upscaled) plus its own width when that is below the widest.

Encoding is slow, so it is cached by content: .cache/ssg/pictures/<key>/ holds the encoded files and a
manifest with each file's hash. The cache is untrusted: an entry that is missing, unreadable or whose files
do not match their hashes is encoded again. Many pictures are encoded in forked worker processes.
"""
from __future__ import annotations

import hashlib
import html
import io
import json
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .errors import SiteError

WIDTHS = (480, 800, 1200, 1600)      # pixels; a picture is never made wider than it is
MAX_PIXELS = 40_000_000              # 40 megapixels: larger than any phone photo, far below a bomb
MAX_BYTES = 20_000_000               # a file larger than this is refused before it is decoded
SIZES = "(min-width: 50rem) 46rem, 100vw"  # the text column is at most about 46rem wide
QUALITY = {"avif": 55, "webp": 78, "jpeg": 82}
AVIF_SPEED = 8                       # 0 (slowest, smallest) to 10; 8 keeps a cold build quick
ENCODER_VERSION = "1"                # change it to make every cached picture encode again
MIME = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}
EXTENSION = {"avif": "avif", "webp": "webp", "jpeg": "jpg", "png": "png"}


@dataclass(frozen=True)
class Variant:
    """One encoded file of a picture: its format, width, file name and bytes' hash."""
    format: str      # "avif", "webp", "jpeg" or "png"
    width: int
    height: int
    name: str        # "x-800.3f2a9c1d.webp": the content hash makes it safe to cache for ever
    digest: str


@dataclass(frozen=True)
class Encoded:
    """A picture made ready for the web: its size upright, and its variants (widest last in each format)."""
    width: int
    height: int
    fallback: str            # "jpeg" or "png" (pictures with transparency)
    variants: tuple[Variant, ...]

    def of(self, format: str) -> tuple[Variant, ...]:
        return tuple(v for v in self.variants if v.format == format)

    @property
    def largest_fallback(self) -> Variant:
        return self.of(self.fallback)[-1]


def formats(fallback: str) -> tuple[str, ...]:
    """The formats to encode, best first: AVIF only where this Pillow can write it."""
    from PIL import features
    best = ("avif",) if features.check("avif") else ()
    return (*best, "webp", fallback)


# --- decoding ------------------------------------------------------------------------------

def decode(raw: bytes, path: str, line: int | None = None):
    """The picture in `raw` as an upright sRGB Pillow image with no metadata, or a SiteError naming `path`."""
    from PIL import Image, ImageFile, ImageOps
    ImageFile.LOAD_TRUNCATED_IMAGES = False  # Pillow's defaults, stated: a cut-short file is an error,
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS      # and a picture claiming more pixels than this is a bomb
    if len(raw) > MAX_BYTES:
        raise SiteError(path, line, f"this picture is larger than {MAX_BYTES // 1_000_000} MB",
                        "save it smaller: 2000 pixels wide is plenty for a web page")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            Image.open(io.BytesIO(raw)).verify()  # checks the structure (PNG chunk checksums...) without decoding pixels
            image = Image.open(io.BytesIO(raw))
            image.load()
            image = ImageOps.exif_transpose(image) or image
            image = _to_srgb(image)
            return _pixels_only(image)
    except SiteError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise SiteError(path, line, f"this picture has (or claims to have) more than {MAX_PIXELS // 1_000_000} megapixels",
                        "save it smaller: 2000 pixels wide is plenty for a web page") from None
    except (OSError, SyntaxError, ValueError, TypeError, EOFError, MemoryError) as error:
        reason = "it is cut short (truncated)" if "truncated" in str(error) else "it is not a picture Pillow can read"
        raise SiteError(path, line, f"this picture cannot be used: {reason}",
                        "export it again from your photo editor as JPEG or PNG") from None


def _to_srgb(image):
    """Colours as sRGB (an embedded ICC profile is applied, then left out of the outputs)."""
    profile = image.info.get("icc_profile")
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P", "PA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    if profile and image.mode in ("RGB", "RGBA"):
        from PIL import ImageCms
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            image = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: keep the pixels as they are
    return image


def _pixels_only(image):
    """A new image holding only the pixels: no EXIF, GPS, XMP, ICC profile, comment or text chunk survives."""
    from PIL import Image
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    mode = "RGBA" if has_alpha else "RGB"
    image = image.convert(mode)
    return Image.frombytes(mode, image.size, image.tobytes())


# --- encoding ------------------------------------------------------------------------------

def widths_for(width: int) -> tuple[int, ...]:
    """The widths to make of a picture `width` pixels wide: never wider than it, its own width when small."""
    chosen = [w for w in WIDTHS if w < width]
    if width <= WIDTHS[-1]:
        chosen.append(width)
    return tuple(chosen) or (WIDTHS[-1],)


def encode(raw: bytes, stem: str, path: str, line: int | None = None) -> tuple[Encoded, dict[str, bytes]]:
    """All variants of one picture: the description and the encoded files by name."""
    image = decode(raw, path, line)
    fallback = "png" if image.mode == "RGBA" else "jpeg"
    files: dict[str, bytes] = {}
    variants = []
    for format in formats(fallback):
        for width in widths_for(image.width):
            height = max(1, round(image.height * width / image.width))
            resized = image if width == image.width else image.resize((width, height), resample=_lanczos())
            data = _save(resized, format)
            digest = hashlib.sha256(data).hexdigest()
            name = f"{stem}-{width}.{digest[:8]}.{EXTENSION[format]}"
            files[name] = data
            variants.append(Variant(format, width, height, name, digest))
    return Encoded(image.width, image.height, fallback, tuple(variants)), files


def _lanczos():
    from PIL import Image
    return Image.Resampling.LANCZOS


def _save(image, format: str) -> bytes:
    out = io.BytesIO()
    if format == "png":
        image.save(out, "PNG", optimize=True)
    elif format == "jpeg":
        image.save(out, "JPEG", quality=QUALITY["jpeg"], optimize=True, progressive=True)
    elif format == "webp":
        image.save(out, "WEBP", quality=QUALITY["webp"], method=4)
    else:
        image.save(out, "AVIF", quality=QUALITY["avif"], speed=AVIF_SPEED)
    return out.getvalue()


# --- the cache -----------------------------------------------------------------------------

def cache_key(raw: bytes, stem: str) -> str:
    settings = json.dumps([ENCODER_VERSION, WIDTHS, QUALITY, AVIF_SPEED, stem, formats("png")])
    return hashlib.sha256(settings.encode() + b"\0" + raw).hexdigest()[:32]


def cached_encode(raw: bytes, stem: str, path: str, cache: Path | None, line: int | None = None) -> tuple[Encoded, dict[str, bytes]]:
    """encode(), or the same result from the cache when an intact entry for these bytes is there."""
    folder = cache / cache_key(raw, stem) if cache is not None else None
    if folder is not None:
        hit = _read_entry(folder)
        if hit is not None:
            return hit
    encoded, files = encode(raw, stem, path, line)
    if folder is not None:
        _write_entry(folder, encoded, files)
    return encoded, files


def _read_entry(folder: Path) -> tuple[Encoded, dict[str, bytes]] | None:
    """The cached result in `folder`, or None if anything about it is missing or does not check out."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
        variants = tuple(Variant(str(v["format"]), int(v["width"]), int(v["height"]), str(v["name"]), str(v["digest"]))
                         for v in manifest["variants"])
        encoded = Encoded(int(manifest["width"]), int(manifest["height"]), str(manifest["fallback"]), variants)
        files = {}
        for variant in variants:
            if "/" in variant.name or variant.name.startswith("."):
                return None
            data = (folder / variant.name).read_bytes()
            if hashlib.sha256(data).hexdigest() != variant.digest:
                return None
            files[variant.name] = data
        return (encoded, files) if variants else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_entry(folder: Path, encoded: Encoded, files: dict[str, bytes]) -> None:
    """Write the entry into a temporary folder, then rename it into place (a crash leaves no half entry)."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".new-"))
        for name, data in files.items():
            (temporary / name).write_bytes(data)
        manifest = {"width": encoded.width, "height": encoded.height, "fallback": encoded.fallback,
                    "variants": [v.__dict__ for v in encoded.variants]}
        (temporary / "manifest.json").write_text(json.dumps(manifest), "utf-8")
        if folder.exists():
            _remove_folder(folder)
        os.replace(temporary, folder)
    except OSError:
        pass  # the cache is only a speed-up


def _remove_folder(folder: Path) -> None:
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()


@dataclass(frozen=True)
class Job:
    """One picture to encode: its bytes are read in the worker."""
    file: str        # where it is on disk
    path: str        # how errors name it: "content/images/x.jpg"
    stem: str        # "x"


def encode_all(jobs: Sequence[Job], cache: Path | None, processes: int = 1) -> list[tuple[Encoded, dict[str, bytes]]]:
    """Every job's result, in order; in forked worker processes when there are several pictures to encode.

    A SiteError in a worker comes back as a value and is raised here, so the editor sees it as usual.
    """
    def task(index: int):
        job = jobs[index]
        try:
            return cached_encode(Path(job.file).read_bytes(), job.stem, job.path, cache)
        except SiteError as error:
            return error
        except OSError:
            return SiteError(job.path, None, "this picture could not be read", "check that the file is still there")

    if processes > 1 and len(jobs) > 1:
        from .parallel import forked_map
        results = list(forked_map(task, len(jobs), min(processes, len(jobs))))
    else:
        results = [task(i) for i in range(len(jobs))]
    for result in results:
        if isinstance(result, SiteError):
            raise result
    return results


# --- HTML ----------------------------------------------------------------------------------

def picture_html(encoded: Encoded, url_prefix: str, alt: str, lazy: bool = True, sizes: str = SIZES) -> str:
    """A <picture> element: a <source> per modern format with a srcset, then the fallback <img>.

    `url_prefix` is where the files are published, like "/images/". `alt` is escaped here; an empty alt
    is for a decorative picture only (the caller checks that).
    """
    def srcset(format: str) -> str:
        return ", ".join(f"{url_prefix}{v.name} {v.width}w" for v in encoded.of(format))

    sources = "".join(f'<source type="{MIME[f]}" srcset="{srcset(f)}" sizes="{sizes}">'
                      for f in formats(encoded.fallback)[:-1] if encoded.of(f))
    largest = encoded.largest_fallback
    loading = ' loading="lazy"' if lazy else ""
    return (f"<picture>{sources}"
            f'<img src="{url_prefix}{largest.name}" srcset="{srcset(encoded.fallback)}" sizes="{sizes}" '
            f'width="{largest.width}" height="{largest.height}" alt="{html.escape(alt, quote=True)}"'
            f'{loading} decoding="async"></picture>')
