"""A small static site generator for the Help Safely campaign.

One module per pipeline stage; data flows one way, as frozen dataclasses:

    config.py   site.yaml            -> Config
    content.py  content/**/*.md      -> Document (front matter checked, body kept as Markdown)
    site.py     Config + Documents   -> Site (URLs, tags, sorting, collisions refused)
    markup.py   Markdown body        -> HTML fragment (+ directives, links, headings)
    render.py   Site + templates     -> Output(path, bytes) stream
    outputs.py  Site                 -> feed, sitemap, robots, _headers
    assets.py   static/              -> fingerprinted files
    publish.py  Outputs              -> staging folder, swapped in atomically
    build.py    the recipe that calls the stages in order
"""
