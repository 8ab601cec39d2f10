"""One module per command of build.py: each has add_arguments(parser, default_root) and run(args) -> exit status."""
