"""The catalogue of broken and hostile inputs (issue 6), as data: adding a case is one entry.

Every case is applied to a small valid site that has already been built once, then built
again. tests/test_bad_input.py checks the outcome:
  - `error` set: exit status `status` (1), stderr is exactly `error: <error>` and a `hint:`
    line containing `hint`, and the previous _site/ is byte-for-byte unchanged;
  - `error` None: the input is accepted (exit 0), with `warning` printed when given.
UNSAFE_MARKUP (tests/test_security.py) lists Markdown that tries to put script on the site.
"""
from __future__ import annotations

from dataclasses import dataclass, field

BAD = "content/articles/bad.md"
VALID_FRONT = "title: A title\nsummary: A summary.\ndate: 2024-01-02\n"   # lines 2 to 4 of a file
QUOTE_FRONT = """\
speaker: A. Speaker
role: Chief Constable
date: 2020-01-01
source:
  title: A report
  publisher: A newspaper
  url: https://example.org/report
"""


def md(front: str, body: str = "Some text.") -> str:
    """A Markdown file: `front` between '---' lines (starting on line 2), then `body`."""
    return f"---\n{front}---\n{body}\n"


def body(text: str) -> str:
    """An article with valid front matter whose body (`text`) starts on line 6."""
    return md(VALID_FRONT, text)


def template(name: str, text: str) -> dict[str, str]:
    return {f"templates/{name}": text}


CHART = """\
title: T
description: D.
unit: people
source:
  title: S
  publisher: P
  url: https://example.org/
bars:
  - {label: a, value: 1}
"""

CONFIG = """\
title: Test site
description: A site made by a test.
base_url: https://example.org/
"""


@dataclass(frozen=True)
class Case:
    id: str
    files: dict[str, str | bytes] = field(default_factory=dict)  # written over the good site
    error: str | None = None         # the `path:line: message` the editor must see; None: accepted
    hint: str = ""                   # words the `hint:` line must contain
    args: tuple[str, ...] = ()       # extra build.py options
    status: int = 1
    remove: tuple[str, ...] = ()     # files or folders taken away from the good site
    links: dict[str, str] = field(default_factory=dict)  # symlink -> what it points to
    warning: str | None = None       # for accepted input: the warning the build must print
    shows: tuple[str, str] | None = None  # for accepted input: (output file, text it must contain)


FRONT_MATTER = [
    Case("no-opening-dashes", {BAD: VALID_FRONT + "---\nText.\n"},
         f"{BAD}:1: the file does not start with front matter", "make the first line '---'"),
    Case("no-closing-dashes", {BAD: "---\n" + VALID_FRONT + "Text.\n"},
         f"{BAD}:1: the front matter has no closing '---'", "add a line with just '---'"),
    Case("tab-indent", {BAD: md(VALID_FRONT + "tags:\n\t- law\n")},
         f"{BAD}:6: this is not valid YAML: this line is indented with a tab",
         "indent with spaces, not tabs"),
    Case("colon-in-value", {BAD: md("title: Help: a guide\nsummary: S.\ndate: 2024-01-02\n")},
         f"{BAD}:2: this is not valid YAML: this line has a second ': ' inside its value",
         "put quotes around a value that contains ': ', like title: \"Help: a guide\""),
    Case("unclosed-quote", {BAD: md('title: "Help\nsummary: S.\ndate: 2024-01-02\n')},
         f"{BAD}:2: this is not valid YAML: a quoted value has no closing quote",
         "add the closing quote at the end of the value"),
    Case("bad-indentation", {BAD: md("title: T\n  summary: S.\ndate: 2024-01-02\n")},
         f"{BAD}:3: this is not valid YAML: this line is indented, but the line before it does not start a group",
         "start each setting at the beginning of its line"),
    Case("text-after-closing-quote", {BAD: md(VALID_FRONT.replace("A title", '"999" is the number to call'))},
         f"{BAD}:2: this is not valid YAML: there is more text after the closing quote (is the number to call)",
         "put quotes around the whole value, with the other kind of quote inside: "
         "title: '\"999\" is the number to call'"),
    Case("misspelt-required-key", {BAD: md(VALID_FRONT.replace("title:", "titel:"))},
         f"{BAD}:2: unknown key 'titel' in the front matter, and 'title' is missing",
         "did you mean 'title'? write `title:` instead of `titel:`"),
    Case("tags-with-commas", {BAD: md(VALID_FRONT + "tags: bystanders, footage\n")},
         f"{BAD}:5: 'tags' is one text with commas in it, not a list",
         "write a list in square brackets: tags: [bystanders, footage]"),
    Case("yaml-list", {BAD: md("- title: T\n- summary: S.\n")},
         f"{BAD}:2: the front matter should be a set of `key: value` lines, not a list",
         "write one setting per line"),
    Case("yaml-string", {BAD: md("Just a sentence\n")},
         f"{BAD}:2: the front matter should be a set of `key: value` lines, not the text 'Just a sentence'",
         "write one setting per line"),
    Case("yaml-number", {BAD: md("42\n")},
         f"{BAD}:2: the front matter should be a set of `key: value` lines, not '42'",
         "write one setting per line"),
    Case("empty-front-matter", {BAD: md("")},
         f"{BAD}:2: 'title' is missing from the front matter", "add a line like `title: ...`"),
    Case("duplicate-key", {BAD: md(VALID_FRONT + "title: Again\n")},
         f"{BAD}:5: the key 'title' appears twice", "(the first is on line 2)"),
    Case("duplicate-nested-key", {BAD: md(VALID_FRONT + "sources:\n  - title: A\n    title: B\n")},
         f"{BAD}:7: the key 'title' appears twice", "(the first is on line 6)"),
    Case("unknown-key-warns", {BAD: md(VALID_FRONT + "tittle: Typo\n")},
         warning=f"{BAD}:5: unknown key 'tittle' in the front matter\nhint: did you mean 'title'?"),
    Case("unknown-key-strict", {BAD: md(VALID_FRONT + "tittle: Typo\n")},
         f"{BAD}:5: unknown key 'tittle' in the front matter", "did you mean 'title'? valid keys are:",
         args=("--strict",)),
    Case("key-not-a-word", {BAD: md(VALID_FRONT + "[a, b]: c\n")},
         f"{BAD}:5: a key must be a plain word", "write keys like `title:`"),
    Case("python-tag", {BAD: md(VALID_FRONT.replace("A title", "!!python/object:os.system x"))},
         f"{BAD}:2: this is not valid YAML: a '!!' tag is not allowed here", "remove the '!!' tag"),
    Case("control-character", {BAD: md(VALID_FRONT.replace("A summary.", "A \x07summary."))},
         f"{BAD}:3: this is not valid YAML: it holds an invisible control character (#x7)",
         "remove any unusual or invisible characters"),
    Case("wrong-type-date-word", {BAD: md(VALID_FRONT.replace("2024-01-02", "yesterday"))},
         f"{BAD}:4: 'date' should be a date like 2018-12-04, not the text 'yesterday'", "write dates as YYYY-MM-DD"),
    Case("wrong-type-title-list", {BAD: md(VALID_FRONT.replace("A title", "[a, b]"))},
         f"{BAD}:2: 'title' should be text, not a list", "the article's headline"),
    Case("wrong-type-tags-mapping", {BAD: md(VALID_FRONT + "tags:\n  law: yes\n")},
         f"{BAD}:5: 'tags' should be a list of texts, not a group of settings", "topics, like [law, footage]"),
    Case("wrong-type-draft", {BAD: md(VALID_FRONT + "draft: maybe\n")},
         f"{BAD}:5: 'draft' should be true or false, not the text 'maybe'", "true to keep it out"),
    Case("wrong-type-sources", {BAD: md(VALID_FRONT + "sources: https://example.org/\n")},
         f"{BAD}:5: 'sources' should be a list of groups of settings (title, publisher, url, date), "
         "not the text 'https://example.org/'", "where the facts come from"),
    Case("source-missing-url", {BAD: md(VALID_FRONT + "sources:\n  - title: A\n    publisher: B\n")},
         f"{BAD}:6: 'url' is missing from the 'sources' settings", "add a line like `url: ...`"),
    Case("source-url-not-web", {BAD: md(VALID_FRONT + "sources:\n  - title: A\n    publisher: B\n"
                                        "    url: javascript:alert(1)\n")},
         f"{BAD}:8: 'url' should be a web address starting with https://, not the text 'javascript:alert(1)'",
         "its full web address"),
    Case("impossible-date", {BAD: md(VALID_FRONT.replace("2024-01-02", "2024-02-30"))},
         f"{BAD}:4: '2024-02-30' is not a real date", "write dates as YYYY-MM-DD"),
    Case("month-13", {BAD: md(VALID_FRONT.replace("2024-01-02", "2024-13-01"))},
         f"{BAD}:4: '2024-13-01' is not a real date", "write dates as YYYY-MM-DD"),
    Case("ambiguous-date", {BAD: md(VALID_FRONT.replace("2024-01-02", "04/12/2018"))},
         f"{BAD}:4: 'date' should be a date like 2018-12-04, not the text '04/12/2018'",
         "so 4 December 2018 is 2018-12-04"),
    Case("short-date", {BAD: md(VALID_FRONT.replace("2024-01-02", "2018-12-4"))},
         f"{BAD}:4: 'date' should be a date like 2018-12-04, not the text '2018-12-4'", "write dates as YYYY-MM-DD"),
    Case("date-with-time", {BAD: md(VALID_FRONT.replace("2024-01-02", "2024-01-02 10:30"))},
         f"{BAD}:4: 'date' should be a date like 2018-12-04, not the text '2024-01-02 10:30'",
         "write dates as YYYY-MM-DD"),
    Case("empty-title", {BAD: md(VALID_FRONT.replace("A title", '""'))},
         f"{BAD}:2: 'title' is empty", "write the title after 'title:'"),
    Case("title-without-value", {BAD: md(VALID_FRONT.replace("title: A title", "title:"))},
         f"{BAD}:2: 'title' is empty", "write the title after 'title:'"),
    Case("missing-date", {BAD: md("title: T\nsummary: S.\n")},
         f"{BAD}:2: 'date' is missing from the front matter", "add a line like `date: ...`"),
    Case("huge-title", {BAD: md(VALID_FRONT.replace("A title", "A" * 200))},
         f"{BAD}:2: 'title' is 200 characters long; the limit is 150", "shorten 'title'"),
    Case("huge-summary", {BAD: md(VALID_FRONT.replace("A summary.", "word " * 20_000))},
         f"{BAD}:3: 'summary' is 99,999 characters long; the limit is 400", "shorten 'summary'"),
    Case("billion-laughs", {BAD: md(VALID_FRONT + "".join(
        f"l{n}: &l{n} [{', '.join([f'*l{n - 1}' if n else 'lol'] * 9)}]\n" for n in range(9)) + "tags: *l8\n")},
         f"{BAD}:14: 'tags' should be a list of texts, but one item is a list", "topics, like [law, footage]",
         args=("--strict",)),
    Case("image-without-alt", {BAD: md(VALID_FRONT + "image: /share.png\n")},
         f"{BAD}:5: 'image' has no 'image_alt'", "add `image_alt:`"),
    Case("tag-without-letters", {BAD: md(VALID_FRONT + "tags: [law, '!!!']\n")},
         f"{BAD}:5: the tag '!!!' has no letters or digits, so it cannot have a page", "use a word"),
    Case("quote-without-words", {"content/quotes/empty.md": md(QUOTE_FRONT, "")},
         "content/quotes/empty.md:10: the quote is empty", "write the words of the quote"),
    Case("quote-missing-source", {"content/quotes/q.md": md("speaker: A\nrole: B\ndate: 2020-01-01\n", "Words.")},
         "content/quotes/q.md:2: 'source' is missing from the front matter", "add a line like `source: ...`"),
]

FILES = [
    Case("not-utf8", {BAD: md(VALID_FRONT, "Line one.\nCaf\xe9 au lait.").encode("latin-1")},
         f"{BAD}:7: this file is not UTF-8 text", "save it as UTF-8"),
    Case("utf8-bom-accepted", {BAD: "\ufeff" + md(VALID_FRONT.replace("A title", "Bom title"))},
         shows=("articles/bad/index.html", "<h1>Bom title</h1>")),
    Case("windows-line-endings-accepted", {BAD: md(VALID_FRONT.replace("A title", "Crlf title"),
                                                   "Para one.\n\nPara two.").replace("\n", "\r\n")},
         shows=("articles/bad/index.html", "<p>Para one.</p>\n<p>Para two.</p>")),
    Case("old-mac-line-endings-accepted", {BAD: md(VALID_FRONT.replace("A title", "Cr title")).replace("\n", "\r")},
         shows=("articles/bad/index.html", "<h1>Cr title</h1>")),
    Case("windows-line-endings-error-line", {BAD: md(VALID_FRONT + "draft: maybe\n").replace("\n", "\r\n")},
         f"{BAD}:5: 'draft' should be true or false, not the text 'maybe'", "true to keep it out"),
    Case("empty-file", {BAD: ""}, f"{BAD}:1: the file is empty", "start it with front matter"),
    Case("blank-file", {BAD: "\n\n  \n"}, f"{BAD}:1: the file is empty", "start it with front matter"),
    Case("binary-md-file", {BAD: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"},
         f"{BAD}: this is not a text file", "only text files belong in content/; put pictures in static/"),
    Case("picture-in-content", {"content/articles/photo.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF"},
         "content/articles/photo.jpg: only Markdown (.md) files belong in content/articles/",
         "put pictures and other files in static/"),
    Case("stray-folder-in-content", {"content/blog/post.md": body("Text.")},
         "content/blog: content/ has no folder called 'blog'",
         "content/ holds articles/, charts/, facts/, images/, pages/, quotes/"),
    Case("subfolder-in-articles", {"content/articles/2024/post.md": body("Text.")},
         "content/articles/2024: content/articles/ cannot have folders inside it",
         "move the files in it up into content/articles/"),
    Case("hidden-files-ignored", {"content/articles/.DS_Store": b"\x00\x01", "content/articles/.bad.md.swp": b"\x00"}),
    Case("file-too-big", {BAD: body("word " * 110_000)},
         f"{BAD}: this file is 550,061 bytes; the limit is 500,000", "split it into several articles"),
    Case("name-with-spaces", {"content/articles/My first article.md": body("Text.")},
         "content/articles/My first article.md: the file name 'My first article.md' would make a poor web address",
         "rename it to my-first-article.md"),
    Case("name-with-capitals", {"content/pages/About.md": md("title: About\nsummary: S.\n")},
         "content/pages/About.md: the file name 'About.md' would make a poor web address", "rename it to about.md"),
    Case("name-non-ascii", {"content/articles/café-société.md": body("Text.")},
         "content/articles/café-société.md: the file name 'café-société.md' would make a poor web address",
         "rename it to cafe-societe.md"),
    Case("name-without-latin-letters", {"content/articles/警察.md": body("Text.")},
         "content/articles/警察.md: the file name '警察.md' would make a poor web address",
         "rename it to a-name-like-this.md"),
    Case("name-upper-case-extension", {"content/articles/note.MD": body("Text.")},
         "content/articles/note.MD: the file name 'note.MD' would make a poor web address", "rename it to note.md"),
    Case("page-takes-articles-url", {"content/pages/articles.md": md("title: A\nsummary: S.\n")},
         "content/pages/articles.md: this page would publish to /articles/, an address the site makes itself",
         "rename the file"),
    Case("page-takes-assets-url", {"content/pages/assets.md": md("title: A\nsummary: S.\n")},
         "content/pages/assets.md: this page would publish to /assets/, an address the site makes itself",
         "rename the file"),
    Case("two-charts-one-id", {"content/charts/c.yaml": CHART, "content/charts/c.yml": CHART},
         "content/charts/c.yml: another chart already has the id 'c' (content/charts/c.yaml)",
         "rename one of them"),
    Case("link-outside-project", {"../outside.md": body("Secret.")},
         f"{BAD}: this link points outside the site folder", "copy the file into content/",
         links={BAD: "../../../outside.md"}),
    Case("linked-folder-outside-project", {"../elsewhere/x.md": body("Secret.")},
         "content/quotes: this folder is a link that points outside the site folder, or nowhere",
         "replace the link with a real folder", links={"content/quotes": "../../elsewhere"}),
    Case("link-loop", {}, f"{BAD}: this link points to a file that does not exist, or to itself",
         "replace the link with the real file", links={BAD: "bad.md"}),
    Case("link-dangling", {}, f"{BAD}: this link points to a file that does not exist, or to itself",
         "replace the link with the real file", links={BAD: "gone.md"}),
    Case("link-inside-project-accepted", {"content/pages/kept.md": md("title: Kept\nsummary: S.\n", "Linked text.")},
         links={"content/pages/also.md": "kept.md"}, shows=("also/index.html", "Linked text.")),
    Case("folder-named-md", {"content/articles/folder.md/x.txt": "x"},
         "content/articles/folder.md: this is a folder, not a file", "rename it so it does not end in .md"),
    Case("chart-link-outside", {"../c.yaml": "title: T\n"},
         "content/charts/c.yaml: this link points outside the site folder",
         "copy the file into content/", links={"content/charts/c.yaml": "../../../c.yaml"}),
]

SITE_YAML = [
    Case("site-yaml-missing", remove=("site.yaml",), error="site.yaml: this file is missing",
         hint="create site.yaml in"),
    Case("site-yaml-empty", {"site.yaml": ""}, "site.yaml:1: the file is empty",
         "add at least title, description and base_url"),
    Case("site-yaml-only-comments", {"site.yaml": "# nothing yet\n"}, "site.yaml:1: the file is empty",
         "add at least title, description and base_url"),
    Case("site-yaml-a-folder", {"site.yaml/x": "x"}, "site.yaml: this is a folder, not a file",
         "replace it with the file", remove=("site.yaml",)),
    Case("site-yaml-invalid", {"site.yaml": CONFIG + "contacts: [a\n"},
         "site.yaml:4: this is not valid YAML: a list in [ ] or a group in { } has no closing bracket",
         "add the closing ] or } at the end of the list"),
    Case("site-yaml-list", {"site.yaml": "- title: T\n"},
         "site.yaml:1: site.yaml should be a set of `key: value` lines, not a list", "write one setting per line"),
    Case("site-yaml-not-utf8", {"site.yaml": (CONFIG + "publisher: Soci\xe9t\xe9\n").encode("latin-1")},
         "site.yaml:4: site.yaml is not UTF-8 text", "save the file as UTF-8"),
    Case("site-yaml-unknown-key", {"site.yaml": CONFIG + "colour: blue\n"},
         "site.yaml:4: unknown key 'colour' in site.yaml", "valid keys are: title, description, base_url"),
    Case("site-yaml-unknown-key-typo", {"site.yaml": CONFIG + "languge: en-GB\n"},
         "site.yaml:4: unknown key 'languge' in site.yaml", "did you mean 'language'?"),
    Case("site-yaml-unknown-nested-key", {"site.yaml": CONFIG + "readability:\n  max_grade: 7\n  grade: 8\n"},
         "site.yaml:6: unknown key 'grade' in the 'readability' settings", "did you mean 'max_grade'?"),
    Case("site-yaml-missing-title", {"site.yaml": CONFIG.replace("title: Test site\n", "")},
         "site.yaml:1: 'title' is missing from site.yaml", "add a line like `title: ...`"),
    Case("site-yaml-wrong-type", {"site.yaml": CONFIG + "articles_per_page: ten\n"},
         "site.yaml:4: 'articles_per_page' should be a whole number, not the text 'ten'", "how many articles"),
    Case("site-yaml-fraction", {"site.yaml": CONFIG + "articles_per_page: 2.5\n"},
         "site.yaml:4: 'articles_per_page' should be a whole number, not '2.5'", "how many articles"),
    Case("site-yaml-zero-per-page", {"site.yaml": CONFIG + "articles_per_page: 0\n"},
         "site.yaml:4: 'articles_per_page' should be at least 1, not '0'", "how many articles"),
    Case("site-yaml-negative-feed", {"site.yaml": CONFIG + "feed_size: -3\n"},
         "site.yaml:4: 'feed_size' should be at least 1, not '-3'", "how many of the newest articles"),
    Case("site-yaml-not-a-number", {"site.yaml": CONFIG + "readability:\n  max_grade: .nan\n"},
         "site.yaml:5: 'max_grade' should be a number, not 'nan'", "highest Flesch-Kincaid grade"),
    Case("site-yaml-group-is-number", {"site.yaml": CONFIG + "readability: 5\n"},
         "site.yaml:4: the 'readability' settings should be a set of `key: value` lines, not '5'",
         "write one setting per line"),
    Case("site-yaml-navigation-missing-url", {"site.yaml": CONFIG + "navigation:\n  - title: Home\n"},
         "site.yaml:5: 'url' is missing from the 'navigation' settings", "add a line like `url: ...`"),
    Case("site-yaml-contact-javascript", {"site.yaml": CONFIG + "contacts:\n  - id: x\n    label: X\n    number: '1'\n"
                                          "    href: javascript:alert(1)\n    when: Now.\n"},
         "site.yaml:8: 'href' should be tel: and digits, or an https:// address, not the text 'javascript:alert(1)'",
         "what the link opens"),
    Case("base-url-no-scheme", {"site.yaml": CONFIG.replace("https://example.org/", "example.org")},
         "site.yaml:3: base_url must be a full web address starting with https://, not 'example.org'",
         "write it like https://example.org/"),
    Case("base-url-path-only", {"site.yaml": CONFIG.replace("https://example.org/", "/campaign/")},
         "site.yaml:3: base_url must be a full web address starting with https://, not '/campaign/'",
         "write it like https://example.org/"),
    Case("base-url-ftp", {"site.yaml": CONFIG.replace("https://example.org/", "ftp://example.org/")},
         "site.yaml:3: base_url must be a full web address starting with https://, not 'ftp://example.org/'",
         "write it like https://example.org/"),
    Case("base-url-no-host", {"site.yaml": CONFIG.replace("https://example.org/", "https:///x")},
         "site.yaml:3: base_url must be a full web address starting with https://, not 'https:///x'",
         "write it like https://example.org/"),
    Case("base-url-option-bad", {}, status=2, args=("--base-url", "javascript:alert(1)//"),
         error="--base-url must be a full web address starting with https://, not 'javascript:alert(1)//'",
         hint="like https://example.org/"),
]

TEMPLATES = [
    Case("template-missing-named", {BAD.replace("articles/bad", "pages/x"):
                                    md("title: X\nsummary: S.\ntemplate: nope.html\n")},
         "content/pages/x.md:4: the template 'nope.html' does not exist", "templates in templates/ are: 404.html"),
    Case("template-missing-default", remove=("templates/article.html",),
         error="templates/article.html: this template is missing", hint="the site needs it"),
    Case("template-missing-base", remove=("templates/base.html",),
         error="templates/base.html: this template is missing", hint="the site needs it"),
    Case("template-syntax-error", template("page.html", '{% extends "base.html" %}\n{% block main %}\n'
                                                       "{% if page.title %}\n<h1>x</h1>\n{% endblock %}\n"),
         "templates/page.html:5: template syntax error: Encountered unknown tag 'endblock'. You probably made a "
         "nesting mistake. Jinja is expecting this tag, but currently looking for 'elif' or 'else' or 'endif'. The "
         "innermost block that needs to be closed is 'if'.",
         "each {% if %} or {% for %} needs its {% end... %}"),
    Case("template-undefined-variable", template("page.html", '{% extends "base.html" %}\n{% block main %}\n'
                                                             "<h1>{{ pgae.title }}</h1>\n{% endblock %}\n"),
         "templates/page.html:3: template error: 'pgae' is undefined", "check the spelling"),
    Case("template-undefined-attribute", template("page.html", '{% extends "base.html" %}\n{% block main %}\n\n'
                                                              "<h1>{{ page.titel }}</h1>\n{% endblock %}\n"),
         "templates/page.html:4: template error: 'ssg.build.rendering.PageView object' has no attribute 'titel'",
         "check the spelling"),
    Case("template-include-loop", {**template("partials/loop.html", "x\n{% include 'partials/loop.html' %}\n"),
                                   **template("page.html", '{% extends "base.html" %}\n{% block main %}\n'
                                                           "{% include 'partials/loop.html' %}\n{% endblock %}\n")},
         "templates/partials/loop.html:2: templates include or extend each other in an endless loop",
         "look for a template that includes itself"),
    Case("template-extends-loop", {**template("a.html", '{% extends "b.html" %}\n'),
                                   **template("b.html", '{% extends "a.html" %}\n'),
                                   "content/pages/x.md": md("title: X\nsummary: S.\ntemplate: a.html\n")},
         "templates/a.html:1: templates include or extend each other in an endless loop",
         "look for a template that includes itself"),
    Case("template-not-utf8", {"templates/page.html": "{# Soci\xe9t\xe9 #}\n".encode("latin-1")},
         "templates/page.html:1: this template is not UTF-8 text", "save it as UTF-8"),
    Case("template-missing-asset",
         template("page.html", '{% extends "base.html" %}\n{% block main %}\n'
                               "<img src=\"{{ asset('logo.png') }}\" alt=\"\">\n{% endblock %}\n"),
         "templates/page.html:3: template error: there is no file static/logo.png (asked for by asset('logo.png'))",
         "fix the expression on this line"),
    Case("templates-folder-missing", remove=("templates",),
         error="templates: the templates folder is missing", hint="the site needs it"),
]

DIRECTIVES = [
    Case("unknown-directive", {BAD: body("Intro.\n\n[[video: x]]")},
         f"{BAD}:8: unknown directive '[[video]]'", "the directives are [[quote: id]]"),
    Case("unknown-quote-id", {BAD: body("Intro.\n\n\n[[quote: nobody]]")},
         f"{BAD}:9: there is no quote with the id 'nobody'", "the id is a file name in content/quotes/"),
    Case("draft-quote", {BAD: body("Intro.\n\n[[quote: unsaid]]"),
                         "content/quotes/unsaid.md": md(QUOTE_FRONT + "draft: true\n", "Words.")},
         f"{BAD}:8: the quote 'unsaid' is a draft, so it cannot be shown yet",
         "delete the line `draft: true` in content/quotes/unsaid.md to publish it"),
    Case("directive-in-sentence", {BAD: body("Intro.\n\nAs she said, [[quote: said]] and more.")},
         f"{BAD}:8: '[[quote: said]]' is inside a sentence, so it would be shown as it is",
         "put [[quote: said]] on a line of its own, with an empty line before and after it"),
    Case("directive-single-brackets", {BAD: body("Intro.\n\n[quote: said]")},
         f"{BAD}:8: '[quote: said]' has single brackets, so it would be shown as it is",
         "write it with two brackets on each side, on a line of its own: [[quote: said]]"),
    Case("directive-shown-as-code", {BAD: body("Write `[[quote: said]]` or `[quote: x]` on a line.\n\n"
                                                "```\nSee [[chart: x]] here\n```")}),
    Case("unknown-chart-id", {BAD: body("[[chart: nothing]]")},
         f"{BAD}:6: there is no chart with the id 'nothing'", "the id is a file name in content/charts/"),
    Case("unknown-contact-id", {BAD: body("Intro.\n[[contacts: nobody]]")},
         f"{BAD}:7: there is no contact with the id 'nobody' in site.yaml", "contacts are: emergency"),
    Case("chart-negative", {"content/charts/c.yaml": "title: T\ndescription: D.\nunit: u\nsource:\n  title: S\n"
                            "  publisher: P\n  url: https://example.org/\nbars:\n  - {label: a, value: -1}\n"},
         "content/charts/c.yaml:9: a bar has a negative value", "bar charts here show counts"),
    Case("chart-infinite", {"content/charts/c.yaml": "title: T\ndescription: D.\nunit: u\nsource:\n  title: S\n"
                            "  publisher: P\n  url: https://example.org/\nbars:\n  - {label: a, value: .inf}\n"},
         "content/charts/c.yaml:9: 'value' should be a number, not 'inf'", "the number"),
    Case("chart-not-utf8", {"content/charts/c.yaml": "title: Caf\xe9\n".encode("latin-1")},
         "content/charts/c.yaml:1: this file is not UTF-8 text", "save it as UTF-8"),
]

# Inputs that are slow or deep for a Markdown parser: the build must finish in bounded
# time (test_bad_input checks a generous limit) or refuse the file with a clear message.
TOO_SLOW = "this text takes too long to convert: a paragraph has a great many [ ] * _ ` < or | characters"
TOO_SLOW_HINT = "look for stray brackets or symbols here, or split the paragraph"
PATHOLOGICAL = [
    Case("heading-with-empty-id", {BAD: body("Intro.\n\n## Help {: id }")},
         f"{BAD}:8: the text contains an empty id, which is not allowed", "give the id a name after a #"),
    Case("deeply-nested-quotes", {BAD: body(">" * 5_000 + " deep")}),
    Case("deeply-nested-lists", {BAD: body("\n".join("    " * n + "- item" for n in range(300)))},
         f"{BAD}:6: the text is nested too deeply to read (lists or quotes inside each other)",
         "use fewer levels of lists and '>' quotes"),
    Case("very-long-line", {BAD: body("word " * 90_000)}),
    Case("many-unclosed-brackets", {BAD: body("Intro.\n\n" + "[" * 8_000)}, f"{BAD}:8: {TOO_SLOW}", TOO_SLOW_HINT),
    Case("many-unclosed-image-brackets", {BAD: body("![" * 4_000)}, f"{BAD}:6: {TOO_SLOW}", TOO_SLOW_HINT),
    Case("many-unclosed-link-targets", {BAD: body("[a](" * 8_000)}, f"{BAD}:6: {TOO_SLOW}", TOO_SLOW_HINT),
    Case("many-emphasis-marks", {BAD: body("*a _" * 8_000)}),
    Case("many-backticks", {BAD: body("`a ``" * 12_000)}),
    Case("many-table-columns", {BAD: body("|a" * 3_000 + "|\n" + "|-" * 3_000 + "|")}),
    Case("many-angle-brackets", {BAD: body("<" * 100_000)}),
    Case("many-footnote-references", {BAD: body("[^x]" * 20_000)}),
    Case("many-entities", {BAD: body("&#" * 100_000)}),
]

SCRIPT_HINT = "the site allows no scripts, event handlers or javascript:/data: links"
ELEMENT_HINT = "Markdown may hold simple markup only"
COMMENT_HINT = "the site publishes no HTML comments"
STYLE_HINT = "the site's security policy blocks inline styles"
OFFSITE_HINT = "the site loads nothing from other websites"


@dataclass(frozen=True)
class Unsafe:
    """Markdown that tries to put script on the site, or would break under its security policy."""
    id: str
    markdown: str   # an article body starting on line 6 of content/articles/bad.md
    line: int       # the line the error must name
    what: str       # how the message names the problem
    hint: str = SCRIPT_HINT

    def case(self) -> Case:
        return Case(f"unsafe-{self.id}", {BAD: body(self.markdown)},
                    f"{BAD}:{self.line}: the text contains {self.what}, which is not allowed", self.hint)


UNSAFE_MARKUP = [
    Unsafe("script-element", "Intro.\n\n<script>alert(1)</script>", 8, "a <script> element"),
    Unsafe("script-upper-case", "<SCRIPT SRC=//evil.example/x.js></SCRIPT>", 6, "a <script> element"),
    Unsafe("iframe-other-host", "Intro.\n\n<iframe src=\"https://evil.example/\"></iframe>", 8, "an <iframe> element",
           ELEMENT_HINT),
    Unsafe("iframe-same-host", "<iframe src=\"/about/\"></iframe>", 6, "an <iframe> element", ELEMENT_HINT),
    Unsafe("object-element", "<object data=\"x.swf\"></object>", 6, "an <object> element", ELEMENT_HINT),
    Unsafe("embed-element", "<embed src=\"x.swf\">", 6, "an <embed> element", ELEMENT_HINT),
    Unsafe("svg-element", "<svg><animate attributeName=\"href\" values=\"javascript:alert(1)\"/></svg>", 6,
           "a <svg> element", ELEMENT_HINT),
    Unsafe("math-element", "<math><mi>x</mi></math>", 6, "a <math> element", ELEMENT_HINT),
    Unsafe("style-element", "<style>body{display:none}</style>", 6, "a <style> element", ELEMENT_HINT),
    Unsafe("base-element", "<base href=\"https://evil.example/\">", 6, "a <base> element", ELEMENT_HINT),
    Unsafe("meta-refresh", "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">", 6,
           "a <meta> element", ELEMENT_HINT),
    Unsafe("form-element", "<form action=\"https://evil.example/\"><input name=q></form>", 6, "a <form> element",
           ELEMENT_HINT),
    Unsafe("noscript-trick", "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>", 6,
           "a <noscript> element", ELEMENT_HINT),
    Unsafe("onclick", "Intro.\n\n<a href=\"#\" onclick=\"alert(1)\">x</a>", 8, "an event handler (onclick=)"),
    Unsafe("onerror", "<img src=\"x.png\" alt=\"x\" onerror=\"alert(1)\">", 6, "an event handler (onerror=)"),
    Unsafe("event-handler-upper-case", "<p ONMOUSEOVER=\"alert(1)\">x</p>", 6, "an event handler (onmouseover=)"),
    Unsafe("event-handler-after-slash", "<p>See <a/onclick=\"alert(1)\">x</a></p>", 6, "an event handler (onclick=)"),
    Unsafe("attr-list-event-handler", "A paragraph.\n{: onclick=\"alert(1)\" }", 7, "an event handler (onclick=)"),
    Unsafe("inline-style", "<p style=\"color: red\">x</p>", 6, "a style= attribute", STYLE_HINT),
    Unsafe("attr-list-style", "A paragraph.\n{: style=\"color: red\" }", 7, "a style= attribute", STYLE_HINT),
    Unsafe("javascript-link", "Intro.\n\n[click](javascript:alert(1))", 8, "a javascript: link"),
    Unsafe("javascript-link-upper-case", "[click](JavaScript:alert(1))", 6, "a javascript: link"),
    Unsafe("javascript-link-entity", "Intro.\n[click](java&#115;cript:alert(1))", 7, "a javascript: link"),
    Unsafe("javascript-link-named-entity", "<a href=\"javascript&colon;alert(1)\">x</a>", 6, "a javascript: link"),
    # A tab typed in the body becomes spaces (Markdown expands tabs); written as a reference it stays a tab.
    Unsafe("javascript-link-tab", "<a href=\"java&#9;script:alert(1)\">x</a>", 6, "a javascript: link"),
    Unsafe("javascript-link-newline", "<a href=\"java&#10;script:alert(1)\">x</a>", 6, "a javascript: link"),
    Unsafe("javascript-link-spaces", "<a href=\"  javascript:alert(1)\">x</a>", 6, "a javascript: link"),
    Unsafe("javascript-reference-link", "See [this][1].\n\nMore.\n\n[1]: javascript:alert(1)", 10,
           "a javascript: link"),
    Unsafe("vbscript-link", "<a href=\"vbscript:msgbox(1)\">x</a>", 6, "a vbscript: link"),
    Unsafe("data-image", "Intro.\n\n![x](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)", 8, "a data: link"),
    Unsafe("data-link", "[x](data:text/html,<script>alert(1)</script>)", 6, "a data: link"),
    Unsafe("comment-abrupt-close", "<!--><script>alert(1)</script>-->", 6, "an HTML comment", COMMENT_HINT),
    Unsafe("comment-bang-close", "<!-- x --!><img src=x onerror=alert(1)> -->", 6, "an HTML comment", COMMENT_HINT),
    Unsafe("cdata-trick", "<![CDATA[><img src=x onerror=alert(1)>]]>", 6, "a <![CDATA[ section",
           "HTML comments, CDATA sections and declarations are never published"),
    Unsafe("off-site-image", "Intro.\n\n![tracker](https://evil.example/pixel.png)", 8,
           "a picture or media file from another website", OFFSITE_HINT),
    Unsafe("off-site-image-protocol-relative", "<img src=\"//evil.example/p.png\" alt=\"\">", 6,
           "a picture or media file from another website", OFFSITE_HINT),
    Unsafe("off-site-video", "<video src=\"https://evil.example/v.mp4\"></video>", 6, "a <video> element",
           ELEMENT_HINT),
]
UNSAFE_QUOTE = Case("unsafe-quote-text", {"content/quotes/q.md": md(QUOTE_FRONT, "Words <script>alert(1)</script>")},
                    "content/quotes/q.md:10: the text contains a <script> element, which is not allowed", SCRIPT_HINT)

CATALOGUE = (FRONT_MATTER + FILES + SITE_YAML + TEMPLATES + DIRECTIVES + PATHOLOGICAL
             + [unsafe.case() for unsafe in UNSAFE_MARKUP] + [UNSAFE_QUOTE])

# Files and numbers that got through before issue 12 (classes 5 and 10); more in tests/test_security_files.py.
SVG_HINT = "an SVG in static/ may hold drawing only"
FILES_AND_NUMBERS = [
    Case("link-to-dotfile-in-site", {".env": body("Secret.")}, f"{BAD}: this link points outside content/",
         "copy the file into content/", links={BAD: "../../.env"}),
    Case("static-link-to-git-config", {".git/config": "[remote]\n"},
         "static/config.txt: this link points outside static/",
         "copy the file into static/", links={"static/config.txt": "../.git/config"}),
    Case("static-link-to-hidden-file", {"static/.secret": "x"},
         "static/s.txt: this link points to a hidden file or folder",
         "copy the file into static/", links={"static/s.txt": ".secret"}),
    Case("site-yaml-link-to-dotfile", {".env": CONFIG}, "site.yaml: this link points to a hidden file or folder",
         "copy the file into the site folder", links={"site.yaml": ".env"}),
    Case("static-hidden-files-ignored",
         {"static/.env": "SECRET=1", "static/.git/config": "x", "static/img/.DS_Store": b"\0"}),
    Case("svg-with-script", {"static/x.svg": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'},
         "static/x.svg:1: this SVG holds a <script> element, which is not allowed", SVG_HINT),
    Case("svg-with-event-handler", {"static/x.svg": '<svg xmlns="http://www.w3.org/2000/svg"\n onload="alert(1)"/>'},
         "static/x.svg:1: this SVG holds an event handler (onload=), which is not allowed", SVG_HINT),
    Case("svg-not-xml", {"static/x.svg": "<svg><g></svg>"},
         "static/x.svg:1: this SVG is not well-formed XML (mismatched tag)",
         "save it again as plain SVG"),
    Case("huge-integer", {BAD: md(VALID_FRONT + "tags: [" + "9" * 5_000 + "]\n")},
         f"{BAD}:5: this number is 5,000 characters long; the limit is 100", "put it in quotes"),
    Case("huge-hex-integer-unknown-key", {BAD: md(VALID_FRONT + "colour: 0x" + "f" * 20_000 + "\n")},
         f"{BAD}:5: this number is 20,002 characters long; the limit is 100", "put it in quotes"),
    Case("chart-huge-integer", {"content/charts/c.yaml": CHART.replace("value: 1", "value: " + "1" * 4_400)},
         "content/charts/c.yaml:9: this number is 4,400 characters long; the limit is 100", "put it in quotes"),
]
CATALOGUE += FILES_AND_NUMBERS
