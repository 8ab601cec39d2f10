"""SVG pictures in content/images/: allow-listed drawing only, published rebuilt, shown by <img>, sized by viewBox."""
from __future__ import annotations

import base64

import pytest

from ssg.build import pictures, svg_check
from ssg.build.svg_check import check_svg
from ssg.errors import SiteError
from tests.test_pictures import article

OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 800 400">'
HINT = "an SVG in content/images/ may hold drawing only"
# A drawing as Inkscape saves it: its own markup names the editor's home folder, which must not be published.
GOOD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!-- Created with Inkscape by alice, /home/alice/campaign -->\n'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"\n'
        '     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"\n'
        '     xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"\n'
        '     xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '     viewBox="0 0 800 400" sodipodi:docname="/home/alice/campaign/steps.svg" inkscape:version="1.3">\n'
        '  <sodipodi:namedview inkscape:export-filename="/home/alice/steps.png"/>\n'
        '  <metadata><rdf:RDF><dc:creator>Alice Example</dc:creator></rdf:RDF></metadata>\n'
        '  <title>Call 999</title>\n'
        '  <defs><linearGradient id="g"><stop offset="0" stop-color="#12265c"/></linearGradient></defs>\n'
        '  <style><![CDATA[ .call > text { font: bold 40px sans-serif } ]]></style>\n'
        '  <rect width="800" height="400" fill="#b10e1e" inkscape:label="background"/>\n'
        '  <g class="call"><text x="40" y="200" fill="#fff">Call 999 &amp; say where</text></g>\n'
        '  <use xlink:href="#g"/>\n'
        '</svg>\n')


def svg(inner: str, opening: str = OPEN) -> str:
    """An SVG whose line 2 is `inner` (line 1 opens it, line 3 closes it)."""
    return f"{opening}\n{inner}\n</svg>\n"


NESTED_SCRIPT = base64.b64encode(svg("<script>alert(document.cookie)</script>").encode()).decode()
LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY lol "lol">\n'
          + "".join(f'<!ENTITY lol{n} "{("&lol%s;" % (n - 1 or "")) * 10}">\n' for n in range(1, 10))
          + f']>\n{OPEN}<text>&lol9;</text></svg>\n')

HOSTILE = [  # (name, the file, the line named, what is named)
    ("script", svg("<script>alert(1)</script>"), 2, "a <script> element"),
    ("onload", svg('<rect width="9" height="9"/>', OPEN.replace("<svg ", '<svg onload="alert(1)" ')), 1,
     "an event handler (onload=)"),
    ("event-handler-inside", svg('<g><circle r="4" ONmouseover="alert(1)"/></g>'), 2,
     "an event handler (ONmouseover=)"),
    ("foreign-object", svg('<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>'), 2,
     "a <foreignObject> element"),
    ("html-iframe", svg('<h:iframe xmlns:h="http://www.w3.org/1999/xhtml" src="https://evil.example/"/>'), 2,
     "a <iframe> element"),
    ("xlink-http", svg('<use xlink:href="http://evil.example/sprite.svg#a"/>'), 2,
     'a reference to another website or a script (href="http://evil.example/sprite.svg#a")'),
    ("image-protocol-relative", svg('<image href="//evil.example/track.png"/>'), 2, "a reference to another website"),
    ("javascript-link", svg('<a href="javascript:alert(1)"><text>x</text></a>'), 2,
     "a reference to another website or a script"),
    ("animated-href", svg('<a><set attributeName="href" to="javascript:alert(1)"/><text>x</text></a>'), 2,
     "an animation that changes href"),
    ("data-uri-nested-script", svg(f'<image href="data:image/svg+xml;base64,{NESTED_SCRIPT}"/>'), 2,
     'a reference to another website or a script (href="data:image/svg+xml;base64,'),
    ("billion-laughs", LAUGHS, 2, "a <!DOCTYPE> (entities are not allowed)"),
    ("external-entity", '<?xml version="1.0"?>\n<!DOCTYPE svg SYSTEM "file:///etc/passwd">\n' + svg("<text>x</text>"),
     2,
     "a <!DOCTYPE>"),
    ("style-url-http", svg("<style>rect { fill: url(http://evil.example/pixel) }</style>"), 2,
     "a style that loads another file (url(http://evil.example/pixel))"),
    ("style-attribute-url", svg('<rect width="9" height="9" style="fill: url( \'https://evil.example/f\' )"/>'), 2,
     "a style that loads another file (url(https://evil.example/f))"),
    ("style-import", svg("<style>@import 'https://evil.example/x.css';</style>"), 2,
     "a style that loads another file (url(), image-set() or @import)"),
    ("style-image-set", svg('<style>svg { background: image-set("https://evil.example/x.png" 1x) }</style>'), 2,
     "a style that loads another file (url(), image-set() or @import)"),
    ("stylesheet-instruction", '<?xml-stylesheet href="https://evil.example/x.css"?>\n' + svg("<text>x</text>"), 1,
     "an instruction <?xml-stylesheet ...?>"),
    ("root-not-svg", '<rect xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>\n', 1,
     "a <rect> element where <svg> should come first"),
]


@pytest.mark.parametrize("name, text, line, named", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_svg_is_refused_naming_its_line(name, text, line, named):
    with pytest.raises(SiteError) as caught:
        pictures.encode(text.encode(), "x.svg", "content/images/x.svg")
    message = str(caught.value)
    assert message.startswith(f"content/images/x.svg:{line}: this SVG holds {named}"), message
    assert HINT in message


def test_a_good_svg_is_published_rebuilt_without_comments_metadata_or_editor_markup():
    encoded, files = pictures.encode(GOOD.encode(), "steps.svg", "content/images/steps.svg")
    assert (encoded.width, encoded.height, encoded.variants) == (800, 400, ())
    published = files["steps.svg"].decode()
    for private in ("alice", "Alice", "inkscape", "sodipodi", "rdf", "<!--", "<metadata", "<?xml"):
        assert private not in published, private
    for kept in ('viewBox="0 0 800 400"', "<title>Call 999</title>", 'fill="#b10e1e"', 'xlink:href="#g"',
                 "Call 999 &amp; say where", ".call &gt; text { font: bold 40px sans-serif }"):
        assert kept in published, kept
    assert check_svg(files["steps.svg"], "again.svg").data == files["steps.svg"]  # what it publishes passes again


@pytest.mark.parametrize("opening, size", [
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="-10,-10 120.6,60">', (121, 60)),
    ('<svg xmlns="http://www.w3.org/2000/svg" width="300px" height="150">', (300, 150)),
])
def test_the_size_comes_from_the_viewbox_or_plain_width_and_height(opening, size):
    encoded, _ = pictures.encode(svg("<rect width='9' height='9'/>", opening).encode(), "x.svg", "content/images/x.svg")
    assert (encoded.width, encoded.height) == size


def test_an_svg_that_states_no_size_is_refused_with_a_hint():
    unsized = svg("<rect/>", '<svg xmlns="http://www.w3.org/2000/svg" width="100%">')
    with pytest.raises(SiteError) as caught:
        pictures.encode(unsized.encode(), "x.svg", "content/images/x.svg")
    assert str(caught.value).startswith("content/images/x.svg:1: this SVG does not say its size")
    assert 'viewBox="0 0 800 400"' in str(caught.value)


def test_an_svg_is_shown_by_img_never_inlined():
    encoded, _ = pictures.encode(GOOD.encode(), "steps.svg", "content/images/steps.svg")
    markup = pictures.picture_html(encoded, "/base/images/", 'Call "999"', lazy=True)
    assert markup == ('<img src="/base/images/steps.svg" width="800" height="400" alt="Call &quot;999&quot;" '
                      'loading="lazy" decoding="async">')


# --- in a build ------------------------------------------------------------------------------

def test_a_built_site_shows_an_svg_and_a_no_op_build_checks_it_no_more(make_site, build_site, monkeypatch):
    root = make_site({"content/images/steps.svg": GOOD,
                      "content/articles/a.md": article("![Four steps: call 999](images/steps.svg)",
                                                       "image: images/steps.svg\nimage_alt: The steps\n")})
    result = build_site(root)
    assert result.status == 0, result.err
    page = (root / "_site/articles/a/index.html").read_text()
    assert page.count('<img src="/images/steps.svg" width="800" height="400"') == 2
    assert "say where" not in page and "linearGradient" not in page  # shown by <img>, never inlined
    assert "alice" not in (root / "_site/images/steps.svg").read_text()
    monkeypatch.setattr(pictures, "check_svg", lambda *a: pytest.fail("checked again"))
    monkeypatch.setattr(svg_check, "check_svg", lambda *a: pytest.fail("checked again"))
    again = build_site(root)
    assert again.status == 0 and "0 files changed" in again.out, again.err


def test_a_hostile_svg_stops_the_build_and_leaves_the_last_good_site(make_site, build_site):
    root = make_site({"content/images/x.svg": svg("<rect width='9' height='9'/>"),
                      "content/articles/a.md": article("![A square](images/x.svg)")})
    assert build_site(root).status == 0
    good = (root / "_site/images/x.svg").read_bytes()
    (root / "content/images/x.svg").write_text(svg("<script>alert(1)</script>"))
    result = build_site(root)
    assert result.status != 0 and "Traceback" not in result.err
    assert "content/images/x.svg:2: this SVG holds a <script> element, which is not allowed" in result.err
    assert (root / "_site/images/x.svg").read_bytes() == good


def test_an_svg_without_alt_text_stops_the_build(make_site, build_site):
    root = make_site({"content/images/x.svg": svg("<rect width='9' height='9'/>"),
                      "content/articles/a.md": article("![](images/x.svg)")})
    result = build_site(root)
    assert result.status != 0 and "the picture 'images/x.svg' has no alt text" in result.err
