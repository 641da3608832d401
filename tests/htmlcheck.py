"""Checks shared by the tests of HTML output (the handout, comparisons, demos)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

# The hosts of the sources in knowledge/source.yaml (ASCO guidelines, FDA approval notices and
# drug labels since round two).
SOURCE_URLS = re.compile(r"^https://(www\.(cancer\.gov|cancer\.org|nccn\.org|cancer\.net|asco\.org|"
                         r"fda\.gov|accessdata\.fda\.gov)|ascopubs\.org)/")


def tree_of(page: str) -> ET.Element:
    # Well-formed as XML: every element closed, every attribute quoted, only XML's entities.
    return ET.fromstring(page.split("\n", 1)[1])


def _words(element: ET.Element) -> list[str]:
    # The numbers that mark a term's first use are not part of the sentence.
    if element.tag == "sup" and element.get("class") == "mark":
        return [element.tail or ""]
    parts = [element.text or ""]
    for child in element:
        parts += _words(child)
    parts.append(element.tail or "")
    return parts


def text_of(element: ET.Element) -> str:
    """The text a reader sees in ``element``, without the term marks, spaces normalised."""
    words = _words(element)
    words[-1] = ""  # the element's own tail is outside it
    return " ".join("".join(words).split())


def check_self_contained(page: str) -> None:
    """No script, nothing fetched, only plain links to the sources."""
    lowered = page.lower()
    assert "<script" not in lowered
    assert "javascript:" not in lowered
    assert " src=" not in lowered and "srcset" not in lowered
    assert "<link" not in lowered and "<iframe" not in lowered and "<img" not in lowered
    assert "@import" not in lowered and "url(" not in lowered and "@font-face" not in lowered
    assert "default-src 'none'" in page
    root = tree_of(page)
    for element in root.iter():
        for name, value in element.attrib.items():
            if name == "href":
                # A link to a source, or to a term's meaning on the same page.
                assert SOURCE_URLS.match(value) or value.startswith("#term-"), value
            assert not name.startswith("on"), name
