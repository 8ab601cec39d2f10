#!/usr/bin/env python3
"""Write a whole benchmark site of N made-up articles that `python build.py build --root SITE` builds.

    python bench/generate.py SITE --pages N [--seed S] [--welsh]

SITE gets site.yaml, content/pages/index.md, content/articles/NNNNN-slug.md and a copy of
this project's templates/ and static/. Each article has the front matter our build checks
(title, summary, date, tags) and a 500 to 900 word body with ## and ### headings, paragraphs
with *emphasis*, **strong** and `code spans`, links to other articles written as
`NNNNN-slug.md` (the build rewrites them), links to other websites, bullet and numbered
lists, a quote, and in about a third of the articles a fenced code block.

Same arguments, same bytes: every article comes from random.Random seeded with a string,
which Python keeps stable across versions and machines. Standard library only, so anyone
can run it without installing anything.

With --welsh the site is in two languages: every article also as NNNNN-slug.cy.md (the same made-up
words under a Welsh title mark), a Welsh home page, and site.yaml declaring cy (issue 15's corpus).

SITE must be a new or empty folder, or one this script wrote before (it holds the marker
file .bench-site); nothing else is ever overwritten.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime
import itertools
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
MARKER = ".bench-site"
ARTICLES = "content/articles"
GENERATED = ("site.yaml", "content", "templates", "static", MARKER)  # what a rerun replaces

SITE_YAML = """\
# Written by bench/generate.py: a site for benchmarks, not for publishing.
title: Benchmark site
description: Made-up articles for measuring how fast the site builds.
base_url: https://bench.example.org/
language: en-GB
contacts:
  - id: emergency
    label: "Emergency: call 999"
    number: "999"
    href: "tel:999"
    when: "A crime is happening now, someone is hurt or in danger."
"""

HOME_PAGE = """\
---
title: Benchmark site
summary: The home page of a made-up site for benchmarks.
---
This site holds made-up articles. Their words are chosen at random, so they do not
make sense; they only look like real articles to the build.
"""

# Short everyday words first, then words from the campaign's subject. Earlier words are
# drawn more often (Zipf's law), as in real text. No apostrophes: slugs come from titles.
COMMON_WORDS = """the of and to a in is that for it as with was on be by this are or from at
not have an they which you their has can will more but we all one been there about also
when would other what its into than only these some who may them our many such after over
so could any those each where between just how even should because while through during
both much under very own still before often without same every against among few since
around until""".split()

SUBJECT_WORDS = """police officer officers constable sergeant public people passer bystander
bystanders witness witnesses crowd street streets station town city village shop shops bus
train platform road roads night day evening weekend phone phones video videos camera footage
clip clips post posts share sharing online social media app apps message messages call calls
emergency number help helping safe safely safety danger risk harm injury injuries attack
attacks assault assaults kick punch fight struggle arrest arrests suspect suspects court
courts trial trials judge jury evidence statement statements report reports reporting law
laws sentence sentences crime crimes victim victims family families friend friends
neighbour neighbours community communities campaign campaigns leaflet leaflets poster posters
advice guide guidance training first aid ambulance paramedic hospital doctor nurse care
calm quiet loud clear simple quick slow careful brave kind wise fair honest local national
real serious minor sudden recent early late new old young older parent parents teacher
teachers student students worker workers driver drivers staff team teams council service
services officer helpline support survey figures rise fall change changes number numbers
watch film filming record recording stop stand step move wait shout ask tell explain
describe remember notice keep stay leave reach call send upload delete give hand protect
prevent reduce improve learn teach show share check follow choose decide include offer
together already almost always never sometimes usually quickly slowly clearly simply nearly
exactly especially finally carefully strongly widely""".split()

WORDS = COMMON_WORDS + SUBJECT_WORDS
CUMULATIVE_WEIGHTS = list(itertools.accumulate(1.0 / (rank + 10) for rank in range(len(WORDS))))

TAGS = """filming helping-safely the-law courts footage calling-999 first-aid witnesses
bystanders social-media victims officers training statistics young-people schools
community transport night-time events news guidance myths research campaign""".split()

CODE_SPANS = ["999", "101", "112", "18000", "Settings > Privacy", "delete", "report.pdf", "#help"]

OTHER_SITES = ["www.gov.uk", "www.police.uk", "www.example.org", "news.example.com",
               "www.nhs.uk", "data.example.net"]

CODE_BLOCKS = [
    ("text", ["Call 999", "Say where you are", "Say what you saw", "Stay on the line"]),
    ("yaml", ["event: street talk", "date: 2024-05-14", "places: 40"]),
    ("", ["1. Is it safe for you?", "2. Call 999", "3. Keep your video for the police"]),
    ("python", ["def safe_to_help(crowd, weapons):", "    return not weapons and crowd < 20"]),
]


@dataclass(frozen=True)
class Article:
    number: int          # 1..N, also the first part of the file name
    file: str            # 00042-some-words.md
    title: str
    date: datetime.date
    summary: str
    tags: tuple[str, ...]
    body: str

    @property
    def stem(self) -> str:
        return self.file[:-3]

    def source(self) -> str:
        """The article as our build reads it: YAML front matter, then the Markdown body."""
        tags = "".join(f"  - {tag}\n" for tag in self.tags)
        return (f"---\ntitle: {yaml_string(self.title)}\nsummary: {yaml_string(self.summary)}\n"
                f"date: {self.date.isoformat()}\ntags:\n{tags}---\n\n{self.body}")


def yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def make_articles(pages: int, seed: int = 1) -> list[Article]:
    """The N articles of a site; article i depends only on (seed, i, N)."""
    heads = [_front_matter(number, seed) for number in range(1, pages + 1)]
    files = [head["file"] for head in heads]
    return [Article(body=_body(head["number"], seed, files), **head) for head in heads]


def _front_matter(number: int, seed: int) -> dict:
    rng = random.Random(f"front matter {seed} {number}")
    title = _title(rng)
    first_day = datetime.date(2012, 1, 1).toordinal()
    last_day = datetime.date(2024, 12, 31).toordinal()
    slug = "-".join(title.lower().replace(":", "").split()[:6])
    return {"number": number, "file": f"{number:05d}-{slug}.md", "title": title,
            "date": datetime.date.fromordinal(rng.randint(first_day, last_day)),
            "summary": _sentence(rng, None, length=rng.randint(12, 24)),
            "tags": tuple(sorted(rng.sample(TAGS, rng.randint(1, 4))))}


def _title(rng: random.Random) -> str:
    words = [rng.choice(SUBJECT_WORDS) for _ in range(rng.randint(3, 7))]
    if len(words) > 3 and rng.random() < 0.5:
        words.insert(rng.randint(1, len(words) - 1), rng.choice(["and", "of", "for", "in", "on", "after"]))
    title = " ".join(words)
    if rng.random() < 0.2:
        title += ": " + " ".join(rng.choice(SUBJECT_WORDS) for _ in range(2))
    return title[0].upper() + title[1:]


def _sentence(rng: random.Random, link_to, length: int | None = None) -> str:
    """One sentence; with `link_to` (a function giving an article file) it may carry inline markup."""
    words = rng.choices(WORDS, cum_weights=CUMULATIVE_WEIGHTS, k=length or rng.randint(5, 28))
    if link_to is not None:
        _add_inline_markup(rng, words, link_to)
    if rng.random() < 0.15 and len(words) > 8:
        words[len(words) // 2] += ","
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice([".", ".", ".", ".", "?", "!"])


def _add_inline_markup(rng: random.Random, words: list[str], link_to) -> None:
    """At most one span (emphasis, strong or code) and one link, never overlapping."""
    where = rng.randrange(len(words))
    kind = rng.random()
    if kind < 0.12:
        words[where] = f"*{words[where]}*"
    elif kind < 0.2:
        words[where] = f"**{words[where]}**"
    elif kind < 0.26:
        words[where] = f"`{rng.choice(CODE_SPANS)}`"
    else:
        where = -1
    kind = rng.random()
    start = rng.randrange(len(words))
    end = min(len(words), start + rng.randint(1, 4))
    if kind < 0.22 and not start <= where < end:
        target = link_to(rng) if kind < 0.15 else f"https://{rng.choice(OTHER_SITES)}/{rng.choice(SUBJECT_WORDS)}"
        words[start] = "[" + words[start]
        words[end - 1] += f"]({target})"


def _body(number: int, seed: int, files: list[str]) -> str:
    rng = random.Random(f"body {seed} {number}")

    def link_to(r: random.Random) -> str:
        other = r.randrange(len(files))
        return files[(other + 1) % len(files) if other == number - 1 and len(files) > 1 else other]

    target_words = rng.randint(500, 830)  # a last paragraph may overshoot it
    sections = rng.randint(3, 6)
    quote_in, code_in = rng.randrange(sections), rng.randrange(sections) if rng.random() < 0.33 else -1
    blocks = [_paragraph(rng, link_to)]
    for section in range(sections):
        level = "###" if section and rng.random() < 0.3 else "##"
        blocks.append(level + " " + _title(rng).replace(":", ""))
        extras = []
        if rng.random() < 0.55:
            extras.append(_list(rng, link_to, ordered=rng.random() < 0.4))
        if section == quote_in:
            extras.append("\n".join("> " + _sentence(rng, link_to) for _ in range(rng.randint(1, 3))))
        if section == code_in:
            language, lines = rng.choice(CODE_BLOCKS)
            extras.append(f"```{language}\n" + "\n".join(lines) + "\n```")
        rng.shuffle(extras)
        blocks += [_paragraph(rng, link_to)] + extras  # every section opens with prose
        budget = target_words * (section + 1) // sections
        while _word_count(blocks) < budget:
            blocks.append(_paragraph(rng, link_to))
    return "\n\n".join(blocks) + "\n"


def _paragraph(rng: random.Random, link_to) -> str:
    return " ".join(_sentence(rng, link_to) for _ in range(rng.randint(2, 6)))


def _list(rng: random.Random, link_to, ordered: bool) -> str:
    items = [_sentence(rng, link_to, length=rng.randint(4, 14)) for _ in range(rng.randint(3, 6))]
    return "\n".join(f"{n}. {item}" if ordered else f"- {item}" for n, item in enumerate(items, start=1))


def _word_count(blocks: list[str]) -> int:
    return sum(len(block.split()) for block in blocks)


WELSH_LANGUAGES = "languages:\n  - code: cy\n    name: Cymraeg\n"


def in_welsh(article: Article) -> Article:
    """An article's Welsh version in the two-language corpus: NNNNN-slug.cy.md beside it, the same made-up
    words under a Welsh title mark (the peers in bench/peers/ write the same bytes)."""
    return dataclasses.replace(article, file=article.file.removesuffix(".md") + ".cy.md", title=article.title + " (cy)")


def write_site(site: Path, pages: int, seed: int = 1, project: Path = PROJECT, welsh: bool = False,
               pictures: bool = False) -> list[Article]:
    """Write the whole site folder, with the templates and static files of `project`; returns its articles.

    `welsh`: every article and the home page also in Welsh (name.cy.md). `pictures`: each article ends
    with a picture of its own (content/images/, 1600 x 1000 JPEG).
    """
    _make_room(site)
    articles = make_articles(pages, seed)
    folder = site / ARTICLES
    folder.mkdir(parents=True)
    for article in articles:
        if pictures:
            name = f"picture-{article.number}.jpg"
            write_picture(site / "content/images" / name, article.number, seed)
            picture = f"![Picture {article.number}](/images/{name})"
            article = dataclasses.replace(article, body=f"{article.body}\n{picture}\n")
        (folder / article.file).write_bytes(article.source().encode())
        if welsh:
            translated = in_welsh(article)
            (folder / translated.file).write_bytes(translated.source().encode())
    (site / "content/pages/index.md").parent.mkdir(parents=True)
    (site / "content/pages/index.md").write_text(HOME_PAGE, encoding="utf-8")
    if welsh:
        welsh_home = HOME_PAGE.replace("title: Benchmark site", "title: Safle meincnodi")
        (site / "content/pages/index.cy.md").write_text(welsh_home, encoding="utf-8")
    (site / "site.yaml").write_text(SITE_YAML + (WELSH_LANGUAGES if welsh else ""), encoding="utf-8")
    shutil.copytree(project / "templates", site / "templates")
    shutil.copytree(project / "static", site / "static")
    (site / MARKER).write_text(f"pages: {pages}\nseed: {seed}\n", encoding="utf-8")
    return articles


def write_picture(file: Path, number: int, seed: int) -> None:
    """A deterministic 1600 x 1000 photo-like JPEG: a gradient with shapes placed by (seed, number)."""
    from PIL import Image, ImageDraw
    rng = random.Random(f"picture {seed} {number}")
    image = Image.linear_gradient("L").resize((1600, 1000)).convert("RGB")
    pen = ImageDraw.Draw(image)
    for _ in range(40):
        x, y, size = rng.randrange(1600), rng.randrange(1000), rng.randrange(20, 300)
        pen.ellipse((x, y, x + size, y + size), fill=tuple(rng.randrange(256) for _ in range(3)))
    file.parent.mkdir(parents=True, exist_ok=True)
    image.save(file, "JPEG", quality=90)


def _make_room(site: Path) -> None:
    """Empty the parts of SITE this script wrote before; refuse a folder it did not write."""
    if site.exists() and any(site.iterdir()) and not (site / MARKER).is_file():
        raise SystemExit(f"error: {site} is not empty and was not written by bench/generate.py; "
                         "give a new folder so nothing of yours is overwritten")
    for name in GENERATED:
        path = site / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    site.mkdir(parents=True, exist_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="the folder to write the site into")
    parser.add_argument("--pages", type=int, required=True, help="how many articles")
    parser.add_argument("--seed", type=int, default=1, help="another seed gives other articles (default 1)")
    parser.add_argument("--welsh", action="store_true", help="every article also in Welsh (two languages)")
    parser.add_argument("--pictures", action="store_true",
                        help="give each article a picture of its own (1600 x 1000 JPEG)")
    args = parser.parse_args(argv)
    if args.pages < 1:
        parser.error("--pages must be at least 1")
    articles = write_site(args.site, args.pages, args.seed, welsh=args.welsh, pictures=args.pictures)
    words = sum(len(a.body.split()) for a in articles)
    print(f"Wrote {len(articles)} articles ({words / len(articles):.0f} words each on average) to {args.site}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
