"""The errors an editor can see. Anything else reaching the command line is a bug."""
from __future__ import annotations

from collections.abc import Iterable


class SiteError(Exception):
    """A mistake in the site's input, reported as `path:line: message` plus a hint."""

    def __init__(self, path: str, line: int | None, message: str, hint: str = "") -> None:
        super().__init__(path, line, message, hint)
        self.path = str(path)
        self.line = line
        self.message = message
        self.hint = hint

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        return f"{text}\nhint: {self.hint}" if self.hint else text


class UsageError(Exception):
    """The command was asked to do something it must refuse (exit status 2)."""


def close_matches(word: str, choices: Iterable[str], n: int = 1) -> list[str]:
    """The names in `choices` closest to a misspelt `word`, for a hint ("did you mean ...?").

    difflib is imported here, when there is a mistake to report: every build's start-up need not load it.
    """
    import difflib
    return difflib.get_close_matches(word, choices, n=n)
