import pytest

from tests.e2e.accessibility import axe_violations, describe

pytestmark = pytest.mark.e2e


def test_home_page_has_no_wcag_violations(page):
    page.goto("/")
    violations = axe_violations(page)
    assert not violations, describe(violations)
