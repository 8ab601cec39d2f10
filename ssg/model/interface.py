"""Interface text: the words the generator itself shows readers (list titles, month names, pagination),
one file per language in templates/i18n/<language code>.yaml, kept with the templates that use them.

Python holds no English meant for readers: rendering.py and the templates ask `t('key')`, and dates
are written with the language's own month names. A key a language's file lacks is a build error
naming the key and the file.
"""
from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ssg.errors import SiteError
from ssg.model.schema import load_yaml

I18N_DIR = "templates/i18n"


@dataclass(frozen=True)
class Interface:
    """The interface text of one language."""
    language: str           # its code, like en-GB
    path: str               # templates/i18n/en-GB.yaml, for messages
    texts: dict[str, Any]
    digest: str             # hash of the file: a page that shows its words depends on it

    def text(self, key: str, **values: object) -> str:
        """The text called `key`, with its {fields} filled in from `values`."""
        text = self._get(key)
        try:
            return str(text).format(**values) if values else str(text)
        except (KeyError, IndexError, ValueError) as error:
            raise SiteError(self.path, self._line(key),
                            f"the interface text '{key}' has a field it cannot fill: {error}",
                            "write fields as {name}, only those the text has always had") from None

    def date(self, value: datetime.date | str | None) -> str:
        """A date as readers of this language write it, like 4 December 2018; text dates stay as they are."""
        if not isinstance(value, datetime.date):
            return value or ""
        months = self._get("months")
        if not isinstance(months, list) or len(months) != 12:
            raise SiteError(self.path, self._line("months"), "'months' should be a list of the twelve month names",
                            "write them in order, like [January, February, ...]")
        return self.text("date", day=value.day, month=months[value.month - 1], year=value.year)

    def text_of(self, key: str) -> Any:
        """The value called `key` as the file has it (a list or a mapping for some keys)."""
        return self._get(key)

    def _get(self, key: str) -> Any:
        if key not in self.texts:
            raise SiteError(self.path, None, f"the interface text '{key}' is missing from this language's file",
                            f"add a line `{key}: ...` (see {I18N_DIR}/ for the other languages' words)")
        return self.texts[key]

    def require_keys_of(self, main: Interface) -> None:
        """Every key the main language's file has must be in this one too, used by a page or not yet."""
        for key in main.texts:
            self._get(key)

    def _line(self, key: str) -> int | None:
        return getattr(self.texts, "line_of", lambda _: None)(key)


def load_interface(root: Path, language: str) -> Interface:
    """Read templates/i18n/<language>.yaml."""
    path = f"{I18N_DIR}/{language}.yaml"
    if not (root / I18N_DIR).parent.is_dir():
        raise SiteError(str(Path(I18N_DIR).parent), None, "the templates folder is missing",
                        "the site needs it: restore it from a copy of the site")
    try:
        raw = (root / path).read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        raise SiteError(path, None, f"there is no interface text for the language '{language}'",
                        f"copy another language's file in {I18N_DIR}/ and translate its words") from None
    try:
        texts = load_yaml(raw.decode("utf-8-sig"), path)
    except UnicodeDecodeError:
        raise SiteError(path, None, "this file is not UTF-8 text", "save it as UTF-8 in your editor") from None
    if not isinstance(texts, dict):
        raise SiteError(path, 1, "this file should be `key: text` lines", "see templates/i18n/en-GB.yaml")
    return Interface(language, path, texts, hashlib.blake2b(raw, digest_size=16).hexdigest())
