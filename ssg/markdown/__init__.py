"""Markdown to safe HTML: Python-Markdown with our speed-ups (checked against stock), the directives, and
the allow-list sanitiser. Imports only ssg.model and the modules at ssg/'s top."""
