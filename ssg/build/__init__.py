"""The stages of one build: the recipe (pipeline), what the last build left (incremental, cache), rendering,
site-wide files, static assets, and publishing the output folder atomically."""
