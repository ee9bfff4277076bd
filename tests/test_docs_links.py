"""The README and docs/ link to each other: every relative link leads to a file, and
every `#anchor` to a heading of the page it names, spelt as GitHub spells it."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

FENCE = re.compile(r"^ {0,3}(```|~~~)")
HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
LINK = re.compile(r"\]\(\s*<?([^()\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
INLINE_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks."""
    lines, fenced = [], None
    for line in text.splitlines():
        if match := FENCE.match(line):
            if fenced is None:
                fenced = match[1]
            elif match[1] == fenced:
                fenced = None
            continue
        if fenced is None:
            lines.append(line)
    return lines


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: the text as shown, lower case, without
    punctuation, spaces as hyphens."""
    text = INLINE_LINK.sub(r"\1", heading)
    text = CODE_SPAN.sub(r"\2", text).replace("*", "")
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    found, seen = set(), {}
    for line in prose_lines(page.read_text()):
        if match := HEADING.match(line):
            base = slug(match[1])
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(page: Path) -> list[str]:
    """The link targets of a page's prose, code spans left out."""
    targets = []
    for line in prose_lines(page.read_text()):
        targets += LINK.findall(CODE_SPAN.sub("", line))
    return targets


def broken_links(page: Path, root: Path = ROOT) -> list[str]:
    """Each link of the page that leads nowhere, named by the page's path in root."""
    broken, name = [], page.relative_to(root)
    for target in links(page):
        if SCHEME.match(target):
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists():
            broken.append(f"{name}: {target} (no such file)")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            broken.append(f"{name}: {target} (no such heading)")
    return broken


def test_headings_are_given_githubs_anchors():
    assert slug("The client's address: `DJANGO_TRUSTED_PROXY_COUNT`") == (
        "the-clients-address-django_trusted_proxy_count"
    )
    assert slug("Drafts, review and revisions") == "drafts-review-and-revisions"
    assert slug("Site identity, and another city") == "site-identity-and-another-city"
    assert slug("Zażółć *gęślą* jaźń") == "zażółć-gęślą-jaźń"


def test_every_relative_link_and_anchor_in_the_readme_and_docs_resolves():
    assert len(PAGES) > 1
    assert [problem for page in PAGES for problem in broken_links(page)] == []


def test_a_broken_link_or_anchor_is_found(tmp_path):
    (tmp_path / "other.md").write_text("# Other page\n\n## A section\n")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\n[fine](other.md#a-section) [fine](#page)\n"
        "[gone](missing.md) [no heading](other.md#nowhere) [none here](#nowhere)\n"
        "```\n[in code](ignored.md)\n```\n`[span](ignored.md)`\n"
    )
    assert broken_links(page, root=tmp_path) == [
        "page.md: missing.md (no such file)",
        "page.md: other.md#nowhere (no such heading)",
        "page.md: #nowhere (no such heading)",
    ]


def test_the_readme_links_every_docs_page():
    linked = {
        (ROOT / target.partition("#")[0]).resolve()
        for target in links(ROOT / "README.md")
        if not SCHEME.match(target)
    }
    assert [page.name for page in PAGES[1:] if page not in linked] == []
