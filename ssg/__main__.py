"""`python3 -m ssg`: the same command line as `helpsafely`."""
import sys

from ssg.cli import main

sys.exit(main(prog="python3 -m ssg"))
