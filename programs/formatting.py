"""Staff write articles and plans in Markdown; pages show it as sanitised HTML."""

from xml.etree.ElementTree import Element

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "abbr",
    "sup",
    "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}


class _HeadingsBelowTitle(Treeprocessor):
    """The page title is the only h1: a `#` heading in the text becomes an h2."""

    def run(self, root: Element) -> None:
        for element in root.iter("h1"):
            element.tag = "h2"


class _HeadingsBelowTitleExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_HeadingsBelowTitle(md), "headings_below_title", 5)


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML that is safe to show: only a small set of tags survives."""
    html = markdown.markdown(
        text or "", extensions=["sane_lists", "tables", _HeadingsBelowTitleExtension()]
    )
    return mark_safe(  # noqa: S308 (nh3 has just sanitised it)
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto", "tel"},
            link_rel="noopener noreferrer",
        )
    )


def plain_lines(text: str) -> list[str]:
    """One item per non-empty line: how staff type steps, cues and mistakes."""
    return [line.strip().lstrip("-*").strip() for line in (text or "").splitlines() if line.strip()]
