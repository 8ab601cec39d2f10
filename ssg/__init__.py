"""A small static site generator for the Help Safely campaign.

Four layers, each a subpackage importing only the ones before it (README, "How it works"):

    model/      what a site is: site.yaml, the kinds of content declared once, documents, the Site
    markdown/   Markdown to safe HTML: the converter, the directives, the allow-list sanitiser
    build/      one build: the recipe (pipeline.py), rendering, site-wide files, assets, pictures, publishing
    editor/     the editor's other commands: serve, check, new (scaffold), deploy, translations

errors.py, safe_files.py and parallel.py, which every layer uses, stay here; cli.py is the command line.
"""

__version__ = "1.0.0"

# The oldest Python the package supports (pyproject.toml's requires-python says the same).
OLDEST_PYTHON = (3, 11)
