"""Checks shared by the tests of HTML output (the handout, comparisons, demos)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SOURCE_URLS = re.compile(r"^https://www\.(cancer\.gov|cancer\.org|nccn\.org|cancer\.net)/")


def tree_of(page: str) -> ET.Element:
    # Well-formed as XML: every element closed, every attribute quoted, only XML's entities.
    return ET.fromstring(page.split("\n", 1)[1])


def text_of(element: ET.Element) -> str:
    return " ".join(" ".join(element.itertext()).split())


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
                assert SOURCE_URLS.match(value), value
            assert not name.startswith("on"), name
