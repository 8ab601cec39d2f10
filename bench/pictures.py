#!/usr/bin/env python3
"""Benchmark pictures: a picture-heavy site built cold and warm by our build, by Eleventy with Eleventy Image,
and by Hugo's image processing, each making the same widths and formats.

    .venv/bin/python bench/pictures.py --pages 100 [--runs 3] [--peers eleventy hugo] [--work DIR] [--save FILE]
                                       [--working-tree]

The site is bench/generate.py's with `--pictures`: N articles, each ending with a picture of its own
(a 1600 x 1000 JPEG, `![Picture 7](/images/picture-7.jpg)`). Each generator turns every picture into the
widths 480, 800, 1200 and 1600 (none wider than the picture) in AVIF, WebP and JPEG, at the qualities of
ssg/build/pictures.py (AVIF 55, WebP 78, JPEG 82), with a <picture> and `srcset` in the article's page:
  ours      `build.py build` (its picture cache: .cache/ssg/pictures/);
  Eleventy  Eleventy 3 with Eleventy Image's HTML transform (sharp, libvips); its cache is the output folder
            (a file already there is not made again) and an in-memory cache within one build;
  Hugo      a Markdown image render hook calling `.Resize`; its cache is resources/_gen/. Hugo cannot write
            AVIF, so it makes WebP and JPEG only: two formats of three, which flatters its times.
AVIF effort: ours is libavif speed 8 (ssg/build/pictures.py); Eleventy Image is given sharp's effort 1, the same
speed (libvips, under sharp, sets the encoder's speed to 9 - effort).

  cold   the output folder and every cache moved aside first (bench/measure.py: set_aside);
  warm   built again at once, with no picture changed (each generator's own cache at work).

Times are medians of the runs, whole processes, start-up included (bench/measure.py). Each generator's
output is checked: every article's page must show its picture, in AVIF (except Hugo), WebP and JPEG.
Peers are installed in their own folders under the work folder, never in the project's (bench/peers/).
"""
from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import generate
from measure import CommandFailed, Measured, delete_set_aside, measure, set_aside
from peers import eleventy, hugo, install_npm_packages, install_python_packages, write_files
from run import (
    ENVIRONMENT,
    add_work_options,
    copy_project,
    machine_description,
    megabytes,
    our_command,
    progress,
    table,
)

ELEVENTY_IMAGE_VERSION = "7.0.0"
WIDTHS = (480, 800, 1200, 1600)
SIZES = "(min-width: 50rem) 46rem, 100vw"

ELEVENTY_CONFIG = """\
import { eleventyImageTransformPlugin } from "@11ty/eleventy-img";

export default function (eleventyConfig) {
  eleventyConfig.addCollection("articles", (api) => api.getFilteredByGlob("src/articles/*.md").reverse());
  eleventyConfig.addPlugin(eleventyImageTransformPlugin, {
    formats: ["avif", "webp", "jpeg"],
    widths: %(widths)s,
    urlPath: "/images/",
    outputDir: "_site/images/",
    sharpAvifOptions: { quality: 55, effort: 1 },
    sharpWebpOptions: { quality: 78 },
    sharpJpegOptions: { quality: 82, progressive: true },
    htmlOptions: { imgAttributes: { loading: "lazy", decoding: "async", sizes: "%(sizes)s" } },
  });
  return { dir: { input: "src", output: "_site" }, markdownTemplateEngine: false, htmlTemplateEngine: "liquid" };
}
"""

# Hugo: each picture is a global resource (assets/images/); the hook makes its versions and the <picture>.
HUGO_RENDER_IMAGE = """\
{{- $image := resources.Get (strings.TrimPrefix "/" .Destination) -}}
{{- $sets := dict -}}
{{- $largest := $image -}}
{{- range $format := slice "webp" "jpg" -}}
  {{- $set := slice -}}
  {{- range $width := slice %(widths)s -}}
    {{- if le $width $image.Width -}}
      {{- $made := $image.Resize (printf "%%dx %%s q%%d" $width $format (cond (eq $format "webp") 78 82)) -}}
      {{- $set = $set | append (printf "%%s %%dw" $made.RelPermalink $made.Width) -}}
      {{- $largest = $made -}}
    {{- end -}}
  {{- end -}}
  {{- $sets = merge $sets (dict $format (delimit $set ", ")) -}}
{{- end -}}
<picture><source type="image/webp" srcset="{{ index $sets "webp" }}" sizes="%(sizes)s">
<img src="{{ $largest.RelPermalink }}" srcset="{{ index $sets "jpg" }}" sizes="%(sizes)s" width="{{ $largest.Width }}" \
height="{{ $largest.Height }}" alt="{{ .Text }}" loading="lazy" decoding="async"></picture>
"""


@dataclass(frozen=True)
class Builder:
    """One generator's copy of the picture site: how to build it, what a cold build deletes, where pages land."""
    name: str
    folder: Path
    command: list[str]
    throwaway: tuple[Path, ...]
    output: Path
    formats: tuple[str, ...]      # the picture formats its pages must offer

    def page_of(self, article: generate.Article) -> Path:
        return self.output / "articles" / article.stem / "index.html"


def set_up_ours(work: Path, pages: int, seed: int) -> tuple[Builder, list[generate.Article]]:
    site = work / f"pictures-{pages}" / "ours"
    set_aside(site, work)
    articles = generate.write_site(site, pages, seed, project=work / "code", pictures=True)
    throwaway = (site / "_site", site / "_site.spare", site / ".cache")
    return Builder("ours", site, our_command(work / "code", site), throwaway, site / "_site",
                   ("avif", "webp", "jpg")), articles


def set_up_eleventy(work: Path, ours: Path, articles: list[generate.Article]) -> Builder:
    env = work / "envs" / "eleventy-img"
    progress(f"installing Eleventy {eleventy.VERSION} and Eleventy Image {ELEVENTY_IMAGE_VERSION} in {env}")
    install_npm_packages(env, [f"@11ty/eleventy@{eleventy.VERSION}", f"@11ty/eleventy-img@{ELEVENTY_IMAGE_VERSION}"])
    folder = _fresh(work / f"pictures-{len(articles)}" / "eleventy", work)
    (folder / "node_modules").symlink_to(env / "node_modules")  # so that the config's import finds the plugin
    write_files(folder, {"eleventy.config.mjs": ELEVENTY_CONFIG % {"widths": list(WIDTHS), "sizes": SIZES},
                         "src/_includes/article.liquid": eleventy.LAYOUT, "src/index.liquid": eleventy.INDEX,
                         "src/articles/articles.json": '{"layout": "article.liquid"}\n'})
    _copy_sources(ours, folder / "src/articles", folder / "src/images")
    command = ["node", str(env / "node_modules/@11ty/eleventy/cmd.cjs"), "--quiet", "--config=eleventy.config.mjs"]
    return Builder(f"Eleventy {eleventy.VERSION} + Eleventy Image {ELEVENTY_IMAGE_VERSION}", folder, command,
                   (folder / "_site", folder / ".cache"), folder / "_site", ("avif", "webp", "jpeg"))


def set_up_hugo(work: Path, ours: Path, articles: list[generate.Article]) -> Builder:
    env = work / "envs" / "hugo"
    progress(f"installing Hugo {hugo.VERSION} in {env}")
    install_python_packages(env, [f"hugo=={hugo.VERSION}"])
    folder = _fresh(work / f"pictures-{len(articles)}" / "hugo", work)
    write_files(folder, {"hugo.toml": hugo.CONFIG, "layouts/page.html": hugo.PAGE, "layouts/home.html": hugo.HOME,
                         "layouts/_markup/render-image.html": HUGO_RENDER_IMAGE % {
                             "widths": " ".join(map(str, WIDTHS)), "sizes": SIZES}})
    _copy_sources(ours, folder / "content/articles", folder / "assets/images")
    binary = str(next(env.glob("lib/python*/site-packages/hugo/binaries/hugo")))
    command = [binary, "build", "--quiet", "--noBuildLock", "--source", str(folder),
               "--destination", str(folder / "public"), "--cacheDir", str(folder / "cache")]
    return Builder(f"Hugo {hugo.VERSION}", folder, command,
                   (folder / "public", folder / "resources", folder / "cache"), folder / "public", ("webp", "jpg"))


def _fresh(folder: Path, work: Path) -> Path:
    set_aside(folder, work)
    folder.mkdir(parents=True)
    return folder


def _copy_sources(ours: Path, articles: Path, images: Path) -> None:
    """Our site's articles (YAML front matter, which both peers read) and pictures, byte for byte."""
    shutil.copytree(ours / generate.ARTICLES, articles, dirs_exist_ok=True)
    shutil.copytree(ours / "content/images", images)


# --- measuring --------------------------------------------------------------------------------
def build(builder: Builder, cold: bool, work: Path) -> Measured:
    if cold:
        for stale in builder.throwaway:
            set_aside(stale, work)
    return measure(builder.command, cwd=builder.folder, env=ENVIRONMENT)


def check_output(builder: Builder, articles: list[generate.Article]) -> int:
    """Stop unless every article's page offers its picture in each format; returns the files in images/
    (ours also publishes each picture at its own name, /images/picture-7.jpg, for links and share cards)."""
    for article in articles:
        page = builder.page_of(article).read_text(encoding="utf-8")
        for wanted in builder.formats:
            if not re.search(rf'srcset="[^"]*\.{wanted}[ ,"]', page):
                raise SystemExit(f"error: {builder.name} offers no {wanted} picture in {builder.page_of(article)}")
    return sum(1 for path in (builder.output / "images").rglob("*") if path.is_file())


def benchmark(args: argparse.Namespace) -> list[tuple[Builder, dict[str, list[Measured]], int]]:
    progress(f"writing {args.pages} articles with a picture each")
    ours, articles = set_up_ours(args.work, args.pages, args.seed)
    builders = [ours]
    if "eleventy" in args.peers:
        builders.append(set_up_eleventy(args.work, ours.folder, articles))
    if "hugo" in args.peers:
        builders.append(set_up_hugo(args.work, ours.folder, articles))
    runs: dict[str, dict[str, list[Measured]]] = {b.name: {"cold": [], "warm": []} for b in builders}
    files: dict[str, int] = {}
    for round_number in range(1, args.runs + 1):
        progress(f"round {round_number} of {args.runs}")
        for builder in builders:
            for kind in ("cold", "warm"):
                runs[builder.name][kind].append(build(builder, kind == "cold", args.work))
                files[builder.name] = check_output(builder, articles)
            progress(f"  {builder.name}: " + ", ".join(f"{kind} {series[-1].seconds:.2f} s"
                                                       for kind, series in runs[builder.name].items()))
    return [(b, runs[b.name], files[b.name]) for b in builders]


# --- report -----------------------------------------------------------------------------------
def median_seconds(series: list[Measured]) -> float:
    return statistics.median(run.seconds for run in series)


def report(results: list[tuple[Builder, dict[str, list[Measured]], int]], args: argparse.Namespace) -> str:
    ours = results[0][1]
    rows = []
    for builder, runs, files in results:
        cold, warm = median_seconds(runs["cold"]), median_seconds(runs["warm"])
        rows.append([f"{args.pages:,}", builder.name, ", ".join(builder.formats), f"{files:,}",
                     f"{cold:.2f}", f"{cold / median_seconds(ours['cold']):.2f}",
                     f"{warm:.2f}", f"{warm / median_seconds(ours['warm']):.2f}",
                     megabytes(max(run.peak_memory for run in runs["cold"]))])
    header = ["pictures", "generator", "formats", "picture files written", "cold s", "cold: ÷ ours", "warm s",
              "warm: ÷ ours", "cold peak MB (sum of process peaks)"]
    return (f"Machine: {machine_description(args.measured)}.\n\nMedian of {args.runs} runs; widths "
            f"{', '.join(map(str, WIDTHS))}; one 1600 x 1000 JPEG per article.\n\n" + table(header, rows) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100, help="articles, each with a picture (default 100)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each build; the median is shown (default 3)")
    parser.add_argument("--peers", nargs="*", default=["eleventy", "hugo"], choices=["eleventy", "hugo"],
                        type=str.lower, help="the peers to compare with (default both; --peers alone: none)")
    add_work_options(parser)
    args = parser.parse_args(argv)
    if args.runs < 1 or args.pages < 1:
        parser.error("--runs and --pages must be at least 1")
    temporary = args.work is None
    args.work = Path(tempfile.mkdtemp(prefix="ssg-bench-pictures-")) if temporary else args.work.resolve()
    try:
        args.measured = copy_project(args.work / "code", args.working_tree)
        text = report(benchmark(args), args)
    except CommandFailed as failure:
        print(f"error: {failure}", file=sys.stderr)
        return 1
    finally:
        delete_set_aside(args.work)
        if temporary:
            shutil.rmtree(args.work, ignore_errors=True)
    if args.save:
        args.save.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
