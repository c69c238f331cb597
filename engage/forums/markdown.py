"""Post bodies: Markdown rendered to HTML, then cleaned with an allow-list (nh3).

Raw HTML in the source is shown as text, images are never loaded (no requests to
other sites from our pages), and links can only be http(s) or mailto and carry
``rel="nofollow ugc"`` so spam earns nothing. Bodies are rendered when shown, so a
change to these rules applies to every post at once.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "a", "ul", "ol", "li", "blockquote", "code", "pre", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
GOVUK_CLASSES = {
    "p": {"class": "govuk-body"},
    "a": {"class": "govuk-link"},
    "ul": {"class": "govuk-list govuk-list--bullet"},
    "ol": {"class": "govuk-list govuk-list--number"},
    "blockquote": {"class": "app-forum-quote govuk-inset-text"},
}

# CommonMark without raw HTML; headings would clash with the page's own, and images
# would fetch from anywhere, so both stay as plain text.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable(
    ["heading", "lheading", "image"]
)


def render(source: str) -> Markup:
    html = _markdown.render(source)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc",
        set_tag_attribute_values=GOVUK_CLASSES,
        strip_comments=True,
    )
    return Markup(cleaned)  # noqa: S704 (cleaned by nh3's allow-list just above)


def quote(author_name: str, source: str) -> str:
    """The Markdown a reply starts with when quoting a post."""
    lines = [f"**{author_name} wrote:**", "", *source.splitlines()]
    return "\n".join(f"> {line}".rstrip() for line in lines) + "\n\n"
