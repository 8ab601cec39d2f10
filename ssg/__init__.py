"""A small static site generator for the Help Safely campaign.

One module per pipeline stage; data flows one way, as frozen dataclasses:

    config.py    site.yaml            -> Config (the dataclasses are the schema; schema.py checks YAML against them)
    content.py   content/**/*.md      -> Document (front matter checked, body kept as Markdown)
    charts.py    content/charts/*.yaml -> Chart
    site.py      Config + Documents   -> Site (what is published today, sorted, tags, collisions refused)
    markup.py    Markdown body        -> HTML fragment (directives, link rewriting, unsafe HTML refused)
                 (directives.py: the [[...]] directives and their placeholders, shared with render.py)
    render.py    Site + templates     -> keyed jobs -> Output(path, bytes) stream
    outputs.py   Site                 -> feed, sitemap, robots.txt, _headers
    assets.py    static/              -> fingerprinted files
    cache.py     what the last build read and wrote (.cache/ssg), for incremental builds
    publish.py   Outputs              -> staging folder, swapped in (or a journaled change set) atomically
    pipeline.py  the recipe that calls the stages in order
    parallel.py  forked worker processes, shared by reading and rendering

The editor's other commands: serve.py, check.py (with readability.py), scaffold.py (new), deploy.py.
"""

__version__ = "1.0.0"

# The oldest Python the package supports (pyproject.toml's requires-python says the same).
OLDEST_PYTHON = (3, 11)
