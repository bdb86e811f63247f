"""Every relative link in the documentation points at a file that exists and,
where it names a section (#anchor), at a heading of that file."""
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "deploy" / "README.md", ROOT / "README.md"]


def anchors(path):
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to '-'."""
    text = re.sub(r"^```.*?^```", "", path.read_text(), flags=re.S | re.M)
    out = set()
    for heading in re.findall(r"^#{1,6}\s+(.*?)\s*$", text, re.M):
        plain = re.sub(r"[`*_]", "", heading).lower()
        out.add(re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", plain)))
    return out


def links(path):
    text = re.sub(r"^```.*?^```", "", path.read_text(), flags=re.S | re.M)
    return [m for m in re.findall(r"\]\(([^)\s]+)\)", text) if not re.match(r"\w+:", m)]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(page):
    for link in links(page):
        target, _, anchor = link.partition("#")
        path = (page.parent / target).resolve() if target else page
        assert path.exists(), f"{page.relative_to(ROOT)}: link {link} points at nothing"
        if anchor:
            assert anchor in anchors(path), f"{page.relative_to(ROOT)}: no section #{anchor} in {target or page.name}"
