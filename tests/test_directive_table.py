"""Each directive is declared once for rendering (ssg/build/directives.py): a template and how to find what it shows."""
from ssg.build.directives import SHOWN
from ssg.markdown.directives import DIRECTIVES

from conftest import PROJECT


def test_every_directive_editors_may_write_has_an_entry_and_a_template():
    assert sorted(SHOWN) == sorted(DIRECTIVES)
    for name, directive in SHOWN.items():
        assert (PROJECT / "templates" / directive.template).is_file(), name
