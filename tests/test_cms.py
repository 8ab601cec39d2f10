"""The browser editor's config.yml (ssg/editor/cms.py) is written from the content model, and stays in step with it.

The widgets are checked against the declared types here by a table of their own, not by calling
the code under test; a kind or field registered by the test shows up in the config; and files
written from every collection's fields, the way Decap writes them (YAML front matter with those
fields), build without an error.
"""
from __future__ import annotations

import dataclasses
import datetime
import io
import json
import os
import re
import socket
import subprocess
import sys
import types
import typing
import uuid

import pytest
import yaml
from PIL import Image

from ssg.editor.admin import OutsideContent, file_names
from ssg.editor.cms import cms_config
from ssg.model import kinds
from ssg.model.config import doc, load_config
from ssg.model.frontmatter import Written

from conftest import MINIMAL_CONFIG, PROJECT, write_files
from preview_process import free_port

# The widget each declared type must get (None in a union is the field being optional).
EXPECTED_WIDGETS = {bool: "boolean", datetime.date: "datetime", int: "number", float: "number"}


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 80, 160)).save(out, "PNG")
    return out.getvalue()


def collections(root):
    return {collection["name"]: collection for collection in cms_config(root, load_config(root))["collections"]}


def expected_widget(field: dataclasses.Field, hint) -> str:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        options = [option for option in typing.get_args(hint) if option is not type(None)]
        if len(options) > 1:  # like `date | str`: free text
            return "string"
        hint = options[0]
    if field.name == "image":
        return "image"
    if field.metadata.get("refers_to"):
        return "select"
    if typing.get_origin(hint) is tuple:
        return "list"
    if dataclasses.is_dataclass(hint):
        return "object"
    if hint is str:
        long = field.metadata.get("max_length", 10_000) > 150 and "pattern" not in field.metadata
        return "text" if long else "string"
    return EXPECTED_WIDGETS[hint]


def editable_fields(cls):
    hints = typing.get_type_hints(cls)
    return [(field, hints[field.name]) for field in dataclasses.fields(cls) if field.metadata.get("doc")]


def assert_fields_match(cls, form_fields, where):
    by_name = {entry["name"]: entry for entry in form_fields}
    for field, hint in editable_fields(cls):
        entry = by_name.get(field.name)
        assert entry is not None, f"{where}: '{field.name}' is missing from the form"
        required = field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
        assert entry["widget"] == expected_widget(field, hint), (where, field.name, entry)
        assert entry["required"] is required, (where, field.name, entry)
        assert entry["hint"].startswith(field.metadata["doc"]), (where, field.name)
        if field.metadata.get("pattern") and entry["widget"] != "select":  # a select offers only valid ids
            checked = entry["field"] if entry["widget"] == "list" else entry  # a list of texts checks each item
            assert checked["pattern"][0] == f"^(?:{field.metadata['pattern'][0]})$", (where, field.name)
        if entry["widget"] == "datetime":
            assert (entry["format"], entry["time_format"]) == ("YYYY-MM-DD", False), (where, field.name)
        if entry["widget"] in ("object", "list") and "fields" in entry:
            inner = typing.get_args(hint)[0] if typing.get_origin(hint) is tuple else hint
            assert_fields_match(inner, entry["fields"], f"{where}.{field.name}")


def test_every_field_of_every_kind_has_its_widget_requiredness_and_hint():
    found = collections(PROJECT)
    editable = [kind for kind in kinds.KINDS.values() if kind.format in (kinds.MARKDOWN, kinds.YAML)]
    assert sorted(found) == sorted(kind.folder for kind in editable)
    for kind in editable:
        collection = found[kind.folder]
        assert collection["folder"] == f"content/{kind.folder}"
        assert collection["extension"] == kind.extension.lstrip(".")
        assert collection["format"] == ("frontmatter" if kind.format == kinds.MARKDOWN else "yaml")
        assert_fields_match(kind.meta, collection["fields"], kind.name)
        body = [entry for entry in collection["fields"] if entry["name"] == "body"]
        if kind.format == kinds.MARKDOWN:
            assert body == [{"name": "body", "label": "Body", "widget": "markdown", "modes": ["raw"],
                             "required": kind.needs_body, **({"i18n": True} if collection.get("i18n") else {})}]
        else:
            assert body == []
    config = cms_config(PROJECT, load_config(PROJECT))
    assert (config["media_folder"], config["public_folder"]) == ("content/images", "/images")
    assert config["backend"] == {"name": "proxy", "proxy_url": "/admin/api/v1"}  # the preview, never another site


def test_known_values_are_offered():
    articles = collections(PROJECT)["articles"]
    facts = next(entry for entry in articles["fields"] if entry["name"] == "facts")
    on_disk = sorted(path.stem for path in (PROJECT / "content/facts").glob("*.yaml"))
    assert facts["options"] == on_disk and len(on_disk) > 10
    tags = next(entry for entry in articles["fields"] if entry["name"] == "tags")
    assert "law" in tags["hint"].split("in use: ")[1].split(", ")


@dataclasses.dataclass(frozen=True, kw_only=True)
class EventMeta(Written):
    date: datetime.date = dataclasses.field(metadata=doc("when it happens, like 2025-03-01"))
    place: str = dataclasses.field(metadata=doc("where it happens", max_length=200))
    free: bool = dataclasses.field(default=True, metadata=doc("true if it costs nothing"))


@pytest.fixture
def event_kind():
    kind = kinds.register(kinds.Kind("event", "events", EventMeta, "Events", url="events/{slug}/"))
    yield kind
    kinds.unregister("event")


def test_a_new_kind_or_field_changes_the_config(event_kind):
    events = collections(PROJECT)["events"]
    place = next(entry for entry in events["fields"] if entry["name"] == "place")
    assert place == {"name": "place", "label": "Place", "widget": "text", "required": True, "hint": "where it happens",
                     "i18n": True}  # PROJECT is in two languages: a new kind with pages is translated too
    free = next(entry for entry in events["fields"] if entry["name"] == "free")
    assert (free["widget"], free["required"], free["default"]) == ("boolean", False, True)
    kinds.unregister("event")
    assert "events" not in collections(PROJECT)


# --- files written from the form build ---------------------------------------------------

SAMPLE_TEXTS = ["Some plain words", "https://example.org/report", "high", "page.html"]


def sample_text(pattern: str) -> str:
    """A text the pattern accepts (an old address is new each time: two pages cannot share one)."""
    return next(text for text in [*SAMPLE_TEXTS, f"/old-{uuid.uuid4().hex[:8]}/"] if re.fullmatch(pattern, text))


def form_value(entry: dict, root):
    """What an editor filling in `entry` makes Decap write (a date: YAML's unquoted 2024-01-02)."""
    widget = entry["widget"]
    if widget in ("string", "text"):
        return sample_text(entry.get("pattern", [".*"])[0])
    if widget == "datetime":  # an optional date is an end (expires, check again): in the future
        return datetime.date(2024, 1, 2) if entry["required"] else datetime.date(2099, 1, 2)
    if widget == "boolean":
        return False
    if widget == "number":
        return 3
    if widget == "image":  # the media library's public_folder, as Decap writes a chosen picture
        return "/images/photo.png"
    if widget == "select":
        return entry["options"][:1] if entry.get("multiple") else entry["options"][0]
    if widget == "object":
        return form_values(entry["fields"], root)
    if widget == "list":
        if "field" in entry:
            return [form_value(entry["field"], root)]
        return [form_values(entry["fields"], root)] if "fields" in entry else ["law", "footage"]
    raise AssertionError(f"no sample for the widget {widget}")


def form_values(fields: list[dict], root) -> dict:
    return {entry["name"]: form_value(entry, root) for entry in fields if entry["widget"] != "markdown"}


def written_by_the_form(collection: dict, root) -> str:
    values = form_values(collection["fields"], root)
    text = yaml.safe_dump(values, sort_keys=False, allow_unicode=True)
    if collection["format"] == "yaml":
        return text
    return f"---\n{text}---\nThe words of the {collection['label_singular']}.\n"


def test_a_file_written_from_each_collections_form_builds(make_site, build_site, event_kind):
    site = make_site({"content/images/photo.png": png()})
    templates = site / "templates"
    (templates / "event.html").write_text((templates / "page.html").read_text())
    # the kinds no form cites from first, so that the forms that cite them offer their ids
    order = sorted(collections(site).values(), key=lambda collection: '"select"' in json.dumps(collection))
    for collection in order:
        fresh = collections(site)[collection["name"]]
        write_files(site, {f"{fresh['folder']}/from-the-form.{fresh['extension']}": written_by_the_form(fresh, site)})
    result = build_site(site)
    assert result.status == 0, result.out + result.err
    assert "warning" not in result.out.lower() + result.err.lower(), result.out + result.err
    for url in ("articles/from-the-form/", "quotes/from-the-form/", "from-the-form/", "events/from-the-form/"):
        assert (site / "_site" / url / "index.html").is_file(), url


def test_a_required_field_left_out_of_the_form_is_refused_by_the_build_too(make_site, build_site):
    site = make_site()
    articles = collections(site)["articles"]
    values = form_values(articles["fields"], site)
    values.pop("facts"), values.pop("image"), values.pop("image_alt")
    required = [entry["name"] for entry in articles["fields"] if entry.get("required")]
    assert set(required) == {"title", "summary", "date"}
    for name in required:
        left_out = {key: value for key, value in values.items() if key != name}
        write_files(site, {"content/articles/x.md": f"---\n{yaml.safe_dump(left_out)}---\nText.\n"})
        result = build_site(site)
        assert result.status != 0 and f"'{name}' is missing" in result.err, (name, result.err)


WELSH = MINIMAL_CONFIG + "languages:\n  - code: cy\n    name: Cymraeg\n"
PAGE = "---\ntitle: {title}\nsummary: S.\n---\n{body}\n"


def test_languages_become_decaps_multiple_files(make_site):
    site = make_site({"site.yaml": WELSH})
    config = cms_config(site, load_config(site))
    assert config["i18n"] == {"structure": "multiple_files", "locales": ["en-GB", "cy"], "default_locale": "en-GB"}
    by_folder = {collection["name"]: collection for collection in config["collections"]}
    translated = sorted(name for name, collection in by_folder.items() if collection.get("i18n"))
    assert translated == ["articles", "pages", "quotes"]
    fields = {entry["name"]: entry for entry in by_folder["pages"]["fields"]}
    assert fields["title"]["i18n"] is True and fields["body"]["i18n"] is True  # words are translated
    assert fields["draft"]["i18n"] == fields["updated"]["i18n"] == fields["facts"]["i18n"] == "duplicate"
    assert all("i18n" not in entry for entry in by_folder["facts"]["fields"])


@pytest.fixture
def welsh_site(make_site):
    return make_site({"site.yaml": WELSH, "content/pages/visit.md": PAGE.format(title="Visit", body="Text."),
                      "content/pages/kept.en-GB.md": PAGE.format(title="Kept", body="Text.")})


def test_decaps_main_language_file_is_the_sites_name_md(welsh_site):
    names = file_names(welsh_site)
    assert names.in_editor("content/pages/visit.md") == "content/pages/visit.en-GB.md"  # what Decap looks for
    assert names.in_editor("content/pages/visit.cy.md") == "content/pages/visit.cy.md"
    assert names.in_editor("content/facts/x.yaml") == "content/facts/x.yaml"  # not translated
    assert names.on_disk("content/pages/visit.en-GB.md") == "content/pages/visit.md"
    assert names.on_disk("content/pages/new.en-GB.md") == "content/pages/new.md"  # a new page: the site's name
    assert names.on_disk("content/pages/kept.en-GB.md") == "content/pages/kept.en-GB.md"  # the file there is kept
    listing = [{"data": "---", "file": {"path": "content/pages/visit.md", "id": "1"}}]
    assert names.response(listing)[0]["file"]["path"] == "content/pages/visit.en-GB.md"
    deleted = {"action": "deleteFiles",
               "params": {"paths": ["content/pages/visit.en-GB.md", "content/pages/visit.cy.md"]}}
    assert names.request(deleted)["params"]["paths"] == ["content/pages/visit.md", "content/pages/visit.cy.md"]


@pytest.mark.parametrize("path", [".git/hooks/pre-commit", "content/../build.py", "site.yaml", "/etc/passwd",
                                  "content\\..\\x", "contents/x.md"])
def test_the_editor_writes_nothing_outside_content(welsh_site, path):
    names = file_names(welsh_site)
    with pytest.raises(OutsideContent):
        names.request({"action": "persistMedia", "params": {"asset": {"path": path, "content": ""}}})


def persist(*files: tuple[str, str]) -> dict:
    return {"action": "persistEntry", "params": {"dataFiles": [{"path": path, "raw": raw, "slug": "visit"}
                                                               for path, raw in files], "assets": []}}


def test_a_translation_nobody_wrote_is_not_saved_and_one_written_is(welsh_site, build_site):
    names = file_names(welsh_site)
    english = PAGE.format(title="Visit", body="Text.")
    untouched = "---\ndraft: false\n---\n"  # what Decap saves for Welsh when nobody wrote any: dates, switches
    sent = names.request(persist(("content/pages/visit.en-GB.md", english), ("content/pages/visit.cy.md", untouched)))
    assert [file["path"] for file in sent["params"]["dataFiles"]] == ["content/pages/visit.md"]
    welsh = PAGE.format(title="Visit (cy test)", body="Text (cy test).")  # stand-ins: we never invent Welsh
    sent = names.request(persist(("content/pages/visit.en-GB.md", english), ("content/pages/visit.cy.md", welsh)))
    saved = [file["path"] for file in sent["params"]["dataFiles"]]
    assert saved == ["content/pages/visit.md", "content/pages/visit.cy.md"]
    for file in sent["params"]["dataFiles"]:
        write_files(welsh_site, {file["path"]: file["raw"]})
    result = build_site(welsh_site)
    assert result.status == 0, result.err
    assert "Visit (cy test)" in (welsh_site / "_site/cy/visit/index.html").read_text()
    assert not (welsh_site / "content/pages/visit.en-GB.md").exists()


def test_serve_cms_without_nodejs_says_what_to_install(make_site, tmp_path):
    site = make_site()
    no_node = tmp_path / "bin-without-node"
    no_node.mkdir()
    result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "serve", "--cms", "--root", str(site),
                             "--port", str(free_port())], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PATH": str(no_node)}, stdin=subprocess.DEVNULL)
    assert result.returncode != 0
    assert "--cms needs Node.js, which is not installed" in result.stderr, result.stderr
    assert "sudo apt install nodejs npm" in result.stderr and "Traceback" not in result.stderr
    assert not (site / "_site").exists()  # it stopped before building or serving anything


def test_serve_cms_on_a_port_in_use_says_so(make_site):
    site = make_site()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "serve", "--cms", "--root", str(site),
                                 "--port", str(free_port()), "--cms-port", str(port)],
                                capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    expected = f"cannot start decap-server on 127.0.0.1 port {port}: another program uses it"
    assert expected in result.stderr, result.stderr
    assert not (site / "_site").exists()
