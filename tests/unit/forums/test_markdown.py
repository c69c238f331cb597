"""Post bodies are Markdown, and nothing a resident types can run script, load a
picture from elsewhere or hide a link's target."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from engage.forums.markdown import quote, render

XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)><circle r=5 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![pic](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![pic](https://tracker.example/pixel.gif)",
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p onmouseover="alert(1)">hover</p>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<form action="https://evil.example"><input type=submit></form>',
    "<object data=x></object><embed src=x>",
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    '[x](https://ok.example "title" onclick=alert(1))',
]


class Elements(HTMLParser):
    """The elements and attributes a browser would build from the HTML."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize("payload", XSS)
def test_no_payload_survives(payload: str) -> None:
    html = str(render(payload))
    for tag, attributes in Elements(html).found:
        assert tag in {"p", "a", "em", "strong", "code"}, html
        assert not any(name.startswith("on") for name in attributes), html
        assert set(attributes) <= {"href", "class", "rel"}, html
        if tag == "a":
            assert (attributes.get("href") or "").startswith(("https://", "http://")), html


def test_links_are_marked_as_user_content_that_earns_nothing() -> None:
    html = str(render("See [the consultation](https://www.riverside.example/consult)."))
    assert 'rel="nofollow ugc"' in html
    assert 'href="https://www.riverside.example/consult"' in html


def test_formatting_residents_use_is_kept() -> None:
    html = str(render("**Bold**, *italic*\n\n- one\n- two\n\n> quoted\n\n`code`"))
    for tag in ("<strong>", "<em>", "<li>", "<blockquote", "<code>"):
        assert tag in html


def test_headings_stay_plain_text_so_pages_keep_their_outline() -> None:
    assert "<h1" not in str(render("# Shouting"))


def test_a_quote_starts_the_reply_with_the_quoted_words() -> None:
    start = quote("Jamie", "First line\nSecond line")
    assert start.startswith("> **Jamie wrote:**\n>\n> First line\n> Second line")
    assert "<blockquote" in str(render(start + "I agree"))
