"""Jinja's exceptions as SiteErrors that name the template file and line, with a hint."""
from __future__ import annotations

import collections
import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from ssg.errors import SiteError
from ssg.model.site import TEMPLATES_DIR

if TYPE_CHECKING:
    import types

    from ssg.model.content import Document


@contextlib.contextmanager
def template_errors(root: Path, document: Document | None) -> Iterator[None]:
    """Turn Jinja's exceptions into SiteErrors that name the template file and line."""
    try:
        yield
    except SiteError:
        raise
    except jinja2.TemplateSyntaxError as error:
        raise SiteError(_template_path(root, error.filename or error.name), error.lineno,
                        f"template syntax error: {error.message}",
                        "check the {% %} and {{ }} tags on this line: "
                        "each {% if %} or {% for %} needs its {% end... %}") from None
    except jinja2.TemplateNotFound as error:
        names = sorted(p.name for p in (root / TEMPLATES_DIR).glob("*.html"))
        path, line = _failing_template_line(root, error.__traceback__)
        if path is None:
            if document is None:  # one the site itself needs, not one a template or page asked for
                raise SiteError(f"{TEMPLATES_DIR}/{error.name}", None, "this template is missing",
                                "the site needs it: restore it from a copy of the site") from None
            path = document.path
        raise SiteError(path, line, f"the template '{error.name}' does not exist",
                        f"templates in {TEMPLATES_DIR}/ are: {', '.join(names) or 'none'}") from None
    except RecursionError as error:
        path, line = _failing_template_line(root, error.__traceback__, loop=True)
        raise SiteError(path or TEMPLATES_DIR, line, "templates include or extend each other in an endless loop",
                        "look for a template that includes itself, directly or through another") from None
    except UnicodeDecodeError:
        raise _not_utf8_template(root) from None
    except Exception as error:  # UndefinedError, errors raised by template code
        path, line = _failing_template_line(root, error.__traceback__)
        message = getattr(error, "message", None) or str(error)
        hint = ("check the spelling; every variable a template uses must exist (or use `| default(...)`)"
                if isinstance(error, jinja2.UndefinedError) else "fix the expression on this line")
        if path is None:
            raise
        raise SiteError(path, line, f"template error: {message}", hint) from None


def _not_utf8_template(root: Path) -> SiteError:
    """The error for the first template that is not UTF-8 (Jinja's own error does not name it)."""
    for file in sorted((root / TEMPLATES_DIR).rglob("*")):
        if file.is_file():
            raw = file.read_bytes()
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as error:
                return SiteError(_template_path(root, str(file)), raw[:error.start].count(b"\n") + 1,
                                 "this template is not UTF-8 text", "save it as UTF-8 in your editor")
    return SiteError(TEMPLATES_DIR, None, "a template is not UTF-8 text", "save every template as UTF-8")


def _template_path(root: Path, filename: str | None) -> str:
    if not filename:
        return TEMPLATES_DIR
    path = Path(filename)
    with contextlib.suppress(ValueError):
        return path.resolve().relative_to(root.resolve()).as_posix()
    return f"{TEMPLATES_DIR}/{filename}"


def _failing_template_line(root: Path, traceback: types.TracebackType | None,
                           loop: bool = False) -> tuple[str | None, int | None]:
    """The innermost template frame of a traceback: Jinja maps its line numbers to the template.

    With `loop` (an endless include or extends loop): the outermost of the templates that
    repeat (a page template is entered twice, by extends and by its block, so a loop member is
    one seen three times or more), at its first frame. Stable, unlike the innermost frame,
    which depends on where Python's recursion limit happened to stop the loop.
    """
    frames: list[tuple[str, int]] = []
    templates = str((root / TEMPLATES_DIR).resolve())
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.startswith(templates) or re.search(r"\.(html|xml|svg|txt)$", filename):
            frames.append((_template_path(root, filename), traceback.tb_lineno))
        traceback = traceback.tb_next
    if loop:
        counts = collections.Counter(path for path, _ in frames)
        repeating = [frame for frame in frames if counts[frame[0]] >= 3]
        if repeating:
            return repeating[0]
    return frames[-1] if frames else (None, None)

