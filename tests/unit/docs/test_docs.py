"""The documentation's references resolve inside the repository."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
CITED = re.compile(r"Requirements ((?:\d+\.\d+)(?:, \d+\.\d+)*)")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def test_every_cited_requirement_is_defined_in_docs() -> None:
    """Each `Requirements N.M` a test cites has its `**N.M**` entry in docs/requirements.md."""
    defined = set(
        re.findall(r"^- \*\*(\d+\.\d+)\*\*", (ROOT / "docs/requirements.md").read_text(), re.M)
    )
    cited = {
        number
        for path in (ROOT / "tests").rglob("*.py")
        for group in CITED.findall(path.read_text())
        for number in group.split(", ")
    }
    assert cited, "no test cites a requirement: the pattern no longer matches"
    assert cited <= defined, f"cited but not defined: {sorted(cited - defined)}"


def test_every_relative_link_in_the_docs_resolves() -> None:
    """Links from README.md and docs/*.md point at files (and headings) that exist."""
    broken = []
    for doc in DOCS:
        for target in LINK.findall(doc.read_text()):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            path, _, anchor = target.partition("#")
            file = (doc.parent / path).resolve() if path else doc
            if not file.exists():
                broken.append(f"{doc.relative_to(ROOT)}: {target}")
            elif anchor and file.suffix == ".md":
                headings = re.findall(r"^#+ (.+)$", file.read_text(), re.M)
                if anchor not in {_slug(h) for h in headings}:
                    broken.append(f"{doc.relative_to(ROOT)}: {target} (no such heading)")
    assert not broken, broken
