"""Settings as an output reads them: each one read is noted, to become one of the output's deps."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ssg.model.config import Config


class RecordingConfig:
    """The site's Config as templates see it: every setting read is noted in `used`.

    That is how the build knows exactly which pages a change to site.yaml affects.
    """
    # For the type checker only, with no value: reading a setting still goes through __getattr__.
    _config: Config
    _used: set[str]
    base_path: str  # the settings this module's own code reads (templates may read any)
    base_url: str

    def __init__(self, config: Config, used: set[str]) -> None:
        object.__setattr__(self, "_config", config)
        object.__setattr__(self, "_used", used)

    def __getattr__(self, name: str) -> Any:
        if name == "base_path":
            self._used.add("site:base_url")
        elif not name.startswith("_"):
            self._used.add(f"site:{name}")
        return getattr(self._config, name)

