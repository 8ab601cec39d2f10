"""Pictures for the web: responsive versions (AVIF, WebP and a JPEG or PNG fallback) with no metadata.

A picture from content/images/ is decoded defensively (a file that is not a picture, is truncated, is
enormous or is a decompression bomb is a `file:line` error), turned upright by its EXIF orientation,
converted to sRGB, and rebuilt from its pixels alone, so that no output carries EXIF, GPS location,
camera serial numbers, XMP, ICC profiles or PNG text. It is then encoded at the widths of WIDTHS that are
narrower than the picture (never upscaled) plus its own width when that is below the widest.

An SVG picture is not rasterised: it is checked against the SVG allow-list and published rebuilt from
what the allow-list let through (ssg/build/svg_check.py), at the size its viewBox gives, as a plain <img>
(a picture shown by <img> can run no script and load nothing, whatever it holds).

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
import re
import shutil
import tempfile
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ssg.build.svg_check import check_svg
from ssg.errors import SiteError

if TYPE_CHECKING:  # Pillow is imported where it is used, so that a build with no pictures never loads it
    from PIL import Image

WIDTHS = (480, 800, 1200, 1600)      # pixels; a picture is never made wider than it is
MAX_PIXELS = 40_000_000              # 40 megapixels: larger than any phone photo, far below a bomb
MAX_BYTES = 20_000_000               # a file larger than this is refused before it is decoded
SIZES = "(min-width: 50rem) 46rem, 100vw"  # the text column is at most about 46rem wide
QUALITY = {"avif": 55, "webp": 78, "jpeg": 82}
AVIF_SPEED = 8                       # 0 (slowest, smallest) to 10; 8 keeps a cold build quick
ENCODER_VERSION = "1"                # change it to make every cached picture encode again
MIME = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif",
        "svg": "image/svg+xml"}
EXTENSION = {"avif": "avif", "webp": "webp", "jpeg": "jpg", "png": "png"}
FORMAT_OF = {"jpg": "jpeg", "jpeg": "jpeg", "png": "png", "gif": "gif", "webp": "webp", "avif": "avif", "svg": "svg"}
SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*(?:-\d+\.[0-9a-f]{8})?\.(?:avif|webp|jpg|jpeg|png|gif|svg)")


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
    fallback: str            # "jpeg" or "png" (pictures with transparency); "svg" for an SVG, which has no variants
    variants: tuple[Variant, ...]
    original: Variant        # published at the picture's own name (/images/x.jpg), for share cards and links

    def of(self, image_format: str) -> tuple[Variant, ...]:
        return tuple(v for v in self.variants if v.format == image_format)

    @property
    def largest_fallback(self) -> Variant:
        return self.of(self.fallback)[-1]


def formats(fallback: str) -> tuple[str, ...]:
    """The formats to encode, best first: AVIF only where this Pillow can write it."""
    from PIL import features
    best = ("avif",) if features.check("avif") else ()
    return (*best, "webp", fallback)


# --- decoding ------------------------------------------------------------------------------

def decode(raw: bytes, path: str, line: int | None = None) -> Image.Image:
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
            # verify() checks the structure (PNG chunk checksums...) without decoding pixels
            Image.open(io.BytesIO(raw)).verify()
            opened = Image.open(io.BytesIO(raw))
            opened.load()
            upright = ImageOps.exif_transpose(opened) or opened
            return _pixels_only(_to_srgb(upright))
    except SiteError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise SiteError(path, line,
                        f"this picture has (or claims to have) more than {MAX_PIXELS // 1_000_000} megapixels",
                        "save it smaller: 2000 pixels wide is plenty for a web page") from None
    except (OSError, SyntaxError, ValueError, TypeError, EOFError, MemoryError) as error:
        reason = "it is cut short (truncated)" if "truncated" in str(error) else "it is not a picture Pillow can read"
        raise SiteError(path, line, f"this picture cannot be used: {reason}",
                        "export it again from your photo editor as JPEG or PNG") from None


def _to_srgb(image: Image.Image) -> Image.Image:
    """Colours as sRGB (an embedded ICC profile is applied, then left out of the outputs)."""
    profile = image.info.get("icc_profile")
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P", "PA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    if profile and image.mode in ("RGB", "RGBA"):
        from PIL import ImageCms
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            srgb = ImageCms.createProfile("sRGB")
            # profileToProfile returns None only when it converts in place, which it is not asked to
            image = ImageCms.profileToProfile(image, source, srgb, outputMode=image.mode) or image
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: keep the pixels as they are
    return image


def _pixels_only(image: Image.Image) -> Image.Image:
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


def encode(raw: bytes, name: str, path: str, line: int | None = None) -> tuple[Encoded, dict[str, bytes]]:
    """All variants of the picture `name` ("x.jpg"): the description and the encoded files by file name."""
    if name.lower().endswith(".svg"):
        return _checked_svg(raw, name, path)
    image = decode(raw, path, line)
    stem, _, extension = name.rpartition(".")
    fallback = "png" if image.mode == "RGBA" else "jpeg"
    files: dict[str, bytes] = {}
    made: dict[tuple[str, int], Variant] = {}
    for image_format in formats(fallback):
        for width in widths_for(image.width):
            height = max(1, round(image.height * width / image.width))
            resized = image if width == image.width else image.resize((width, height), resample=_lanczos())
            data = _save(resized, image_format)
            digest = hashlib.sha256(data).hexdigest()
            file_name = f"{stem}-{width}.{digest[:8]}.{EXTENSION[image_format]}"
            variant = Variant(image_format, width, height, file_name, digest)
            files[variant.name] = data
            made[image_format, width] = variant
    widest = widths_for(image.width)[-1]
    own_format = FORMAT_OF.get(extension.lower(), fallback)
    same = made.get((own_format, widest))
    if same is not None:
        data = files[same.name]
    else:  # a .gif, or a .png without transparency: its own format at the widest size
        height = max(1, round(image.height * widest / image.width))
        resized = image if widest == image.width else image.resize((widest, height), resample=_lanczos())
        data = _save(resized, own_format)
    original = Variant(own_format, widest, max(1, round(image.height * widest / image.width)), name,
                       hashlib.sha256(data).hexdigest())
    files[name] = data
    return Encoded(image.width, image.height, fallback, tuple(made.values()), original), files


def _checked_svg(raw: bytes, name: str, path: str) -> tuple[Encoded, dict[str, bytes]]:
    """An SVG picture, checked and rebuilt from what the allow-list kept: one file, no variants."""
    checked = check_svg(raw, path)
    if checked.width is None or checked.height is None:
        raise SiteError(path, 1, "this SVG does not say its size, so the page would shift as it loads",
                        'give its <svg> element a viewBox, like viewBox="0 0 800 400" (its width and height)')
    width, height = max(1, round(checked.width)), max(1, round(checked.height))
    original = Variant("svg", width, height, name, hashlib.sha256(checked.data).hexdigest())
    return Encoded(width, height, "svg", (), original), {name: checked.data}


def _lanczos() -> Image.Resampling:
    from PIL import Image
    return Image.Resampling.LANCZOS


def _save(image: Image.Image, image_format: str) -> bytes:
    out = io.BytesIO()
    if image_format == "gif":
        image.convert("RGB").quantize(256).save(out, "GIF")
    elif image_format == "png":
        image.save(out, "PNG", optimize=True)
    elif image_format == "jpeg":
        image.convert("RGB").save(out, "JPEG", quality=QUALITY["jpeg"], optimize=True, progressive=True)
    elif image_format == "webp":
        image.save(out, "WEBP", quality=QUALITY["webp"], method=4)
    else:
        image.save(out, "AVIF", quality=QUALITY["avif"], speed=AVIF_SPEED)
    return out.getvalue()


# --- the cache -----------------------------------------------------------------------------

def cache_key(source_digest: str, name: str) -> str:
    """The cache entry of a picture: its bytes' digest (as content.py hashed them), its name and the settings."""
    settings = json.dumps([ENCODER_VERSION, WIDTHS, QUALITY, AVIF_SPEED, name, source_digest])
    return hashlib.sha256(settings.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Source:
    """One picture to prepare: where it is, how errors name it, and the digest of its bytes."""
    file: str        # where it is on disk
    path: str        # how errors name it: "content/images/x.jpg"
    name: str        # "x.jpg"
    digest: str      # blake2b-128 of its bytes, as content.py computed it

    def read(self) -> bytes:
        """Its bytes, refused if they are no longer the ones the build read."""
        try:
            raw = Path(self.file).read_bytes()
        except OSError:
            raise SiteError(self.path, None, "this picture could not be read",
                            "check that the file is still there") from None
        if hashlib.blake2b(raw, digest_size=16).hexdigest() != self.digest:
            raise SiteError(self.path, None, "this file changed while the site was being built", "build the site again")
        return raw


def prepare(source: Source, cache: Path) -> Encoded:
    """The picture's description, from an intact cache entry (its manifest) or by encoding it into one.

    Only the manifest is read here: a build that publishes nothing new reads no encoded file.
    published_bytes() checks each file's hash when it is published.
    """
    folder = cache / cache_key(source.digest, source.name)
    encoded = _read_manifest(folder)
    if encoded is None:
        encoded, files = encode(source.read(), source.name, source.path)
        _write_entry(folder, encoded, files)
    return encoded


def published_bytes(source: Source, cache: Path, variant: Variant) -> bytes:
    """The bytes of one encoded file, checked against its hash; a damaged or missing entry is encoded again."""
    folder = cache / cache_key(source.digest, source.name)
    try:
        data = (folder / variant.name).read_bytes()
        if hashlib.sha256(data).hexdigest() == variant.digest:
            return data
    except OSError:
        pass
    encoded, files = encode(source.read(), source.name, source.path)
    _write_entry(folder, encoded, files)
    if variant.name not in files:  # the encoder's output changed (another Pillow): build again
        raise SiteError(source.path, None, "this picture's cached versions changed during the build",
                        "build the site again")
    return files[variant.name]


def _read_manifest(folder: Path) -> Encoded | None:
    """The cached description in `folder`, or None if it is missing or malformed."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
        variants = tuple(_variant(v) for v in manifest["variants"])
        encoded = Encoded(int(manifest["width"]), int(manifest["height"]), str(manifest["fallback"]), variants,
                          _variant(manifest["original"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if bool(variants) == (encoded.fallback == "svg") or encoded.fallback not in ("jpeg", "png", "svg") or any(
            v.format not in MIME or not SAFE_NAME.fullmatch(v.name) for v in (*variants, encoded.original)):
        return None
    return encoded


def _variant(data: dict[str, Any]) -> Variant:
    """A variant from the manifest's JSON, each value checked by its conversion."""
    return Variant(str(data["format"]), int(data["width"]), int(data["height"]), str(data["name"]),
                   str(data["digest"]))


def _write_entry(folder: Path, encoded: Encoded, files: dict[str, bytes]) -> None:
    """Write the entry into a temporary folder, then rename it into place (a crash leaves no half entry)."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".new-"))
        for name, data in files.items():
            (temporary / name).write_bytes(data)
        manifest = {"width": encoded.width, "height": encoded.height, "fallback": encoded.fallback,
                    "variants": [v.__dict__ for v in encoded.variants], "original": encoded.original.__dict__}
        (temporary / "manifest.json").write_text(json.dumps(manifest), "utf-8")
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(temporary, folder)
    except OSError:
        pass  # the cache is only a speed-up


def prepare_all(sources: Sequence[Source], cache: Path, processes: int = 1) -> list[Encoded]:
    """Every picture's description, in order; pictures to encode are encoded in forked worker processes.

    A SiteError in a worker comes back as a value and is raised here, so the editor sees it as usual.
    """
    def task(index: int) -> Encoded | SiteError:
        try:
            return prepare(sources[index], cache)
        except SiteError as error:
            return error

    cached = [_read_manifest(cache / cache_key(s.digest, s.name)) for s in sources]
    missing = [i for i, encoded in enumerate(cached) if encoded is None]
    if processes > 1 and len(missing) > 1:
        from ssg.parallel import forked_map
        done = forked_map(lambda index: task(missing[index]), len(missing), min(processes, len(missing)))
    else:
        done = (task(i) for i in missing)
    made = dict(zip(missing, done, strict=True))
    results: list[Encoded] = []
    for index, encoded in enumerate(cached):
        result = made[index] if encoded is None else encoded
        if isinstance(result, SiteError):
            raise result
        results.append(result)
    return results


# --- HTML ----------------------------------------------------------------------------------

def picture_html(encoded: Encoded, url_prefix: str, alt: str, lazy: bool = True, sizes: str = SIZES) -> str:
    """A <picture> element: a <source> per modern format with a srcset, then the fallback <img>.

    `url_prefix` is where the files are published, like "/images/". `alt` is escaped here; an empty alt
    is for a decorative picture only (the caller checks that). An SVG, one file at any width, is a plain <img>.
    """
    loading = ' loading="lazy"' if lazy else ""
    if encoded.fallback == "svg":
        return (f'<img src="{url_prefix}{encoded.original.name}" width="{encoded.width}" height="{encoded.height}" '
                f'alt="{html.escape(alt, quote=True)}"{loading} decoding="async">')

    def srcset(image_format: str) -> str:
        return ", ".join(f"{url_prefix}{v.name} {v.width}w" for v in encoded.of(image_format))

    sources = "".join(f'<source type="{MIME[f]}" srcset="{srcset(f)}" sizes="{sizes}">'
                      for f in ("avif", "webp") if encoded.of(f))
    largest = encoded.largest_fallback
    return (f"<picture>{sources}"
            f'<img src="{url_prefix}{largest.name}" srcset="{srcset(encoded.fallback)}" sizes="{sizes}" '
            f'width="{largest.width}" height="{largest.height}" alt="{html.escape(alt, quote=True)}"'
            f'{loading} decoding="async"></picture>')


# --- pictures in pages -----------------------------------------------------------------------

IMG = re.compile(r"<img\b([^>]*)>")
ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')
DECORATIVE = "decorative"  # ![](images/x.png "decorative"): a picture that only decorates, with alt=""


def picture_name(src: str, base_path: str) -> str | None:
    """'x.jpg' if `src` points into the site's images/ folder ('images/x.jpg', '../images/x.jpg', '/images/x.jpg')."""
    if src.startswith(base_path) and base_path != "/":
        src = src[len(base_path):]
    while src.startswith("../"):
        src = src[3:]
    match = re.fullmatch(r"/?images/([^/?#]+)", src)
    return match.group(1) if match else None


def replace_images(body: str, base_path: str, show: Callable[[str, str, str, bool], str]) -> str:
    """Each <img> of a picture in images/ replaced by show(src, name, alt, decorative) (other <img> stay)."""
    def one(match: re.Match[str]) -> str:
        attributes = dict(ATTRIBUTE.findall(match.group(1)))
        src = html.unescape(attributes.get("src", ""))
        name = picture_name(src, base_path)
        if name is None:
            return match.group(0)
        return show(src, name, html.unescape(attributes.get("alt", "")), attributes.get("title") == DECORATIVE)
    return IMG.sub(one, body)
