"""Pictures (ssg/pictures.py): responsive versions, no metadata, defensive decoding, an untrusted cache."""
from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, features

from ssg import pictures
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
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b"")


def test_this_pillow_writes_avif():
    assert features.check("avif"), "the pinned Pillow wheel should include AVIF"
    assert pictures.formats("jpeg") == ("avif", "webp", "jpeg")


def test_no_output_carries_gps_serial_xmp_icc_or_comments():
    raw = photo()
    assert b"CAMERA-SERIAL" in raw and SECRET_TEXT.encode() in raw  # the planted data really is in the input
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825), "the input has GPS"
    encoded, files = pictures.encode(raw, "x", "content/images/x.jpg")
    assert {v.format for v in encoded.variants} == {"avif", "webp", "jpeg"}
    for name, data in files.items():
        assert SERIAL.encode() not in data and SECRET_TEXT.encode() not in data and b"ExampleCam" not in data, name
        opened = Image.open(io.BytesIO(data))
        exif = opened.getexif()
        assert not exif.get_ifd(0x8825) and len(exif) == 0, f"{name} still has EXIF: {dict(exif)}"
        assert "icc_profile" not in opened.info and "xmp" not in opened.info and "comment" not in opened.info, name


def test_png_text_chunks_are_dropped_and_transparency_keeps_a_png_fallback():
    encoded, files = pictures.encode(png_with_text(), "logo", "content/images/logo.png")
    assert encoded.fallback == "png"
    for name, data in files.items():
        assert SECRET_TEXT.encode() not in data, name
        assert not Image.open(io.BytesIO(data)).text if name.endswith(".png") else True


def test_orientation_is_applied_before_the_metadata_goes():
    encoded, files = pictures.encode(photo(400, 200, orientation=6), "x", "content/images/x.jpg")
    assert (encoded.width, encoded.height) == (200, 400)  # turned upright: now portrait
    assert Image.open(io.BytesIO(files[encoded.largest_fallback.name])).size == (200, 400)


def test_widths_never_upscale():
    assert pictures.widths_for(2400) == (480, 800, 1200, 1600)
    assert pictures.widths_for(1000) == (480, 800, 1000)
    assert pictures.widths_for(300) == (300,)
    encoded, files = pictures.encode(photo(300, 200), "small", "content/images/small.jpg")
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
        pictures.encode(raw, "x", "content/images/x.jpg", 7)
    assert caught.value.location == "content/images/x.jpg:7"
    assert words in caught.value.message
    assert caught.value.hint


def test_the_cache_returns_the_same_files_without_encoding(tmp_path, monkeypatch):
    raw = photo(600, 400)
    first = pictures.cached_encode(raw, "x", "content/images/x.jpg", tmp_path)
    monkeypatch.setattr(pictures, "encode", lambda *a, **k: pytest.fail("encoded again"))
    assert pictures.cached_encode(raw, "x", "content/images/x.jpg", tmp_path) == first


def test_a_damaged_cache_entry_is_encoded_again(tmp_path):
    raw = photo(600, 400)
    encoded, files = pictures.cached_encode(raw, "x", "content/images/x.jpg", tmp_path)
    entry = tmp_path / pictures.cache_key(raw, "x")
    victim = entry / encoded.largest_fallback.name
    victim.write_bytes(b"planted by an attacker")
    again = pictures.cached_encode(raw, "x", "content/images/x.jpg", tmp_path)
    assert again == (encoded, files)
    assert victim.read_bytes() == files[victim.name]  # the entry was repaired
    (entry / "manifest.json").write_text('{"variants": [{"name": "../../escape"}]}')
    assert pictures.cached_encode(raw, "x", "content/images/x.jpg", tmp_path) == (encoded, files)


def test_encode_all_in_workers_raises_the_first_error(tmp_path):
    good, bad = tmp_path / "a.jpg", tmp_path / "b.jpg"
    good.write_bytes(photo(500, 300))
    bad.write_bytes(b"not a picture")
    jobs = [pictures.Job(str(good), "content/images/a.jpg", "a")] * 2
    results = pictures.encode_all(jobs, tmp_path / "cache", processes=2)
    assert [r[0].width for r in results] == [500, 500]
    with pytest.raises(SiteError, match="not a picture"):
        pictures.encode_all([*jobs, pictures.Job(str(bad), "content/images/b.jpg", "b")], None, processes=2)


def test_picture_html_has_sources_sizes_dimensions_and_lazy_loading():
    encoded, _ = pictures.encode(photo(1000, 600), "x", "content/images/x.jpg")
    markup = pictures.picture_html(encoded, "/images/", 'A "hand" & a phone', lazy=True)
    assert markup.startswith("<picture><source type=\"image/avif\" srcset=\"/images/x-480.")
    assert 'type="image/webp"' in markup and " 1000w" in markup and 'sizes="' in markup
    assert 'width="1000" height="600"' in markup
    assert 'alt="A &quot;hand&quot; &amp; a phone"' in markup
    assert 'loading="lazy"' in markup
    assert 'loading="lazy"' not in pictures.picture_html(encoded, "/images/", "x", lazy=False)
