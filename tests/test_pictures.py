"""Pictures (ssg/build/pictures.py): responsive versions, no metadata, defensive decoding, an untrusted cache."""
from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, features

from ssg.build import pictures
from ssg.errors import SiteError

GPS_LATITUDE = (51.0, 30.0, 26.47)   # a home's latitude, planted in the test photo
SERIAL = "CAMERA-SERIAL-8842716"
SECRET_TEXT = "editor lives at 12 Example Road"


def photo(width=1000, height=600, orientation=None, colour=(200, 40, 40)) -> bytes:
    """A JPEG as a phone writes it: EXIF with GPS, a camera serial number, XMP, an ICC profile, a comment."""
    from PIL import ImageCms
    image = Image.new("RGB", (width, height), colour)
    for x in range(0, width, 7):  # some detail, so the encoders have something to do
        image.putpixel((x, (x * 3) % height), (0, 0, 0))
    exif = Image.Exif()
    exif[0x010F] = "ExampleCam"          # Make
    if orientation:
        exif[0x0112] = orientation       # Orientation
    exif.get_ifd(0x8825).update({1: "N", 2: GPS_LATITUDE, 3: "W", 4: (0.0, 7.0, 39.0)})
    exif.get_ifd(0x8769)[0xA431] = SERIAL  # BodySerialNumber
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description note="{SECRET_TEXT}"/></x:xmpmeta>'.encode()
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), icc_profile=icc, comment=SECRET_TEXT.encode(), xmp=xmp)
    return out.getvalue()


def png_with_text(width=300, height=200) -> bytes:
    from PIL import PngImagePlugin
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET_TEXT)
    info.add_itxt("XML:com.adobe.xmp", SECRET_TEXT)
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 80, 160, 128)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height pixels (a decompression bomb's trick)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = chunk(b"IDAT", zlib.compress(b"\0" * 1000))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + pixels + chunk(b"IEND", b"")


def test_this_pillow_writes_avif():
    assert features.check("avif"), "the pinned Pillow wheel should include AVIF"
    assert pictures.formats("jpeg") == ("avif", "webp", "jpeg")


def test_no_output_carries_gps_serial_xmp_icc_or_comments():
    raw = photo()
    assert b"CAMERA-SERIAL" in raw and SECRET_TEXT.encode() in raw  # the planted data really is in the input
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825), "the input has GPS"
    encoded, files = pictures.encode(raw, "x.jpg", "content/images/x.jpg")
    assert {v.format for v in encoded.variants} == {"avif", "webp", "jpeg"}
    for name, data in files.items():
        assert SERIAL.encode() not in data and SECRET_TEXT.encode() not in data and b"ExampleCam" not in data, name
        opened = Image.open(io.BytesIO(data))
        exif = opened.getexif()
        assert not exif.get_ifd(0x8825) and len(exif) == 0, f"{name} still has EXIF: {dict(exif)}"
        assert "icc_profile" not in opened.info and "xmp" not in opened.info and "comment" not in opened.info, name


def test_png_text_chunks_are_dropped_and_transparency_keeps_a_png_fallback():
    encoded, files = pictures.encode(png_with_text(), "logo.png", "content/images/logo.png")
    assert encoded.fallback == "png"
    for name, data in files.items():
        assert SECRET_TEXT.encode() not in data, name
        assert not Image.open(io.BytesIO(data)).text if name.endswith(".png") else True


def test_orientation_is_applied_before_the_metadata_goes():
    encoded, files = pictures.encode(photo(400, 200, orientation=6), "x.jpg", "content/images/x.jpg")
    assert (encoded.width, encoded.height) == (200, 400)  # turned upright: now portrait
    assert Image.open(io.BytesIO(files[encoded.largest_fallback.name])).size == (200, 400)


def test_widths_never_upscale():
    assert pictures.widths_for(2400) == (480, 800, 1200, 1600)
    assert pictures.widths_for(1000) == (480, 800, 1000)
    assert pictures.widths_for(300) == (300,)
    encoded, files = pictures.encode(photo(300, 200), "small.jpg", "content/images/small.jpg")
    assert {v.width for v in encoded.variants} == {300}
    for variant in encoded.variants:
        assert Image.open(io.BytesIO(files[variant.name])).size == (300, 200)


@pytest.mark.parametrize("raw, words", [
    (b"this is a text file with a .jpg name", "not a picture"),
    (photo()[:3000], "truncated"),
    (png_claiming(100_000, 100_000), "megapixels"),  # a bomb: 10 gigapixels claimed
    (png_claiming(7000, 7000), "megapixels"),  # 49 megapixels: more than any page needs
    (b"\xff\xd8\xff" + b"\0" * (pictures.MAX_BYTES + 1), "larger than"),
])
def test_bad_pictures_are_errors_naming_the_file(raw, words):
    with pytest.raises(SiteError) as caught:
        pictures.encode(raw, "x.jpg", "content/images/x.jpg", 7)
    assert caught.value.location == "content/images/x.jpg:7"
    assert words in caught.value.message
    assert caught.value.hint


def source(tmp_path: Path, raw: bytes, name: str = "x.jpg") -> pictures.Source:
    import hashlib
    file = tmp_path / name
    file.write_bytes(raw)
    return pictures.Source(str(file), f"content/images/{name}", name, hashlib.blake2b(raw, digest_size=16).hexdigest())


def test_the_cache_returns_the_same_pictures_without_encoding(tmp_path, monkeypatch):
    picture = source(tmp_path, photo(600, 400))
    first = pictures.prepare(picture, tmp_path / "cache")
    monkeypatch.setattr(pictures, "encode", lambda *a, **k: pytest.fail("encoded again"))
    assert pictures.prepare(picture, tmp_path / "cache") == first
    assert pictures.published_bytes(picture, tmp_path / "cache", first.original).startswith(b"\xff\xd8\xff")


def test_a_damaged_cache_entry_is_encoded_again(tmp_path):
    picture, cache = source(tmp_path, photo(600, 400)), tmp_path / "cache"
    encoded = pictures.prepare(picture, cache)
    entry = cache / pictures.cache_key(picture.digest, picture.name)
    victim = entry / encoded.largest_fallback.name
    good = victim.read_bytes()
    victim.write_bytes(b"planted by an attacker")
    assert pictures.published_bytes(picture, cache, encoded.largest_fallback) == good
    assert victim.read_bytes() == good  # the entry was repaired
    (entry / "manifest.json").write_text('{"width": 1, "height": 1, "fallback": "jpeg", "original": {}, '
                                         '"variants": [{"format": "jpeg", "width": 1, "height": 1, '
                                         '"name": "../../escape", "digest": ""}]}')
    assert pictures.prepare(picture, cache) == encoded


def test_prepare_all_in_workers_raises_the_first_error(tmp_path):
    good = source(tmp_path, photo(500, 300), "a.jpg")
    bad = source(tmp_path, b"not a picture", "b.jpg")
    other = source(tmp_path, photo(500, 300, colour=(0, 0, 200)), "c.jpg")
    results = pictures.prepare_all([good, other], tmp_path / "cache", processes=2)
    assert [r.width for r in results] == [500, 500]
    with pytest.raises(SiteError, match="not a picture"):
        pictures.prepare_all([good, bad, other], tmp_path / "cache", processes=2)


def test_picture_html_has_sources_sizes_dimensions_and_lazy_loading():
    encoded, _ = pictures.encode(photo(1000, 600), "x.jpg", "content/images/x.jpg")
    markup = pictures.picture_html(encoded, "/images/", 'A "hand" & a phone', lazy=True)
    assert markup.startswith("<picture><source type=\"image/avif\" srcset=\"/images/x-480.")
    assert 'type="image/webp"' in markup and " 1000w" in markup and 'sizes="' in markup
    assert 'width="1000" height="600"' in markup
    assert 'alt="A &quot;hand&quot; &amp; a phone"' in markup
    assert 'loading="lazy"' in markup
    assert 'loading="lazy"' not in pictures.picture_html(encoded, "/images/", "x", lazy=False)


# --- in a build ------------------------------------------------------------------------------

def article(body: str, front: str = "") -> str:
    return f"---\ntitle: A\nsummary: S.\ndate: 2024-01-02\n{front}---\nFirst line.\n\n{body}\n"


def test_a_built_site_shows_pictures_and_publishes_no_metadata(make_site, build_site, monkeypatch):
    root = make_site({"content/images/phone.jpg": photo(1000, 600), "content/images/shape.png": png_with_text(),
                      "content/articles/a.md": article("![A phone held up, filming](images/phone.jpg)\n\n"
                                                       "![](../images/shape.png \"decorative\")")})
    result = build_site(root)
    assert result.status == 0, result.err
    page = (root / "_site/articles/a/index.html").read_text()
    first, second = page.split("<picture>")[1:]
    assert 'alt="A phone held up, filming"' in first and 'loading="lazy"' not in first
    assert 'width="1000" height="600"' in first and 'type="image/avif"' in first and "/images/phone-800." in first
    assert 'alt=""' in second and 'loading="lazy"' in second and "decorative" not in second
    published = list((root / "_site/images").iterdir())
    assert len(published) == 2 * 3 * 2 + 2  # two widths each, three formats, plus each at its own name
    for file in published:
        data = file.read_bytes()
        assert SERIAL.encode() not in data and SECRET_TEXT.encode() not in data, file.name
        assert not Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825), file.name
    monkeypatch.setattr(pictures, "encode", lambda *a, **k: pytest.fail("encoded again"))
    assert "0 files changed" in build_site(root).out


def test_a_picture_without_alt_text_stops_the_build_at_its_line(make_site, build_site):
    root = make_site({"content/images/phone.jpg": photo(300, 200),
                      "content/articles/a.md": article("Text.\n\n![](images/phone.jpg)")})
    result = build_site(root)
    assert result.status != 0 and "Traceback" not in result.err
    assert "content/articles/a.md:10: the picture 'images/phone.jpg' has no alt text" in result.err


@pytest.mark.parametrize("raw, words", [(photo()[:2000], "truncated"), (png_claiming(100_000, 100_000), "megapixels")])
def test_a_broken_picture_stops_the_build_naming_it(make_site, build_site, raw, words):
    root = make_site({"content/images/x.jpg" if raw[:2] == b"\xff\xd8" else "content/images/x.png": raw})
    result = build_site(root)
    assert result.status != 0 and "Traceback" not in result.err
    assert "content/images/x." in result.err and words in result.err
