"""The documentation site: it builds with ``mkdocs build --strict`` (a broken link, anchor or
reference fails), every public name is in the API reference with its docstring shown, and the
pictures the pages show are what the code draws. The pages' examples run as doctests (pytest
collects docs/*.md, see pyproject.toml)."""

from __future__ import annotations

import html
import importlib
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import autograd

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
REFERENCE = DOCS / "reference"


def reference_modules() -> dict[str, str]:
    """Each API reference page's module (its first ``::: module`` line) -> the page's path."""
    pages = {}
    for md in sorted(REFERENCE.glob("*.md")):
        if md.stem == "internals":
            continue
        found = re.search(r"^::: (\S+)", md.read_text(), re.M)
        assert found, f"{md} has no ::: line"
        pages[found.group(1)] = "reference/" if md.stem == "index" else f"reference/{md.stem}/"
    return pages


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("mkdocs", reason="the docs extra (mkdocs) is not installed")
    out = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


@pytest.mark.slow
def test_the_site_builds_strictly_with_every_page(site: Path) -> None:
    nav = (ROOT / "mkdocs.yml").read_text()
    pages = re.findall(r":\s*(\S+\.(?:md|ipynb))\s*$", nav, re.M)
    pages += re.findall(r"^\s*- (\S+\.md)\s*$", nav, re.M)
    assert len(pages) > 30
    for page in pages:
        stem = page.rsplit(".", 1)[0]
        built = site / ("index.html" if stem == "index" else f"{stem.removesuffix('/index')}/index.html")
        assert built.is_file(), f"{page} was not built ({built})"
    # every guide page is in the nav, and the notebooks are rendered with their outputs
    for md in (DOCS / "guide").glob("*.md"):
        assert f"guide/{md.name}" in nav, f"{md} is not in mkdocs.yml's nav"
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        assert f"notebooks/{nb.name}" in nav, f"{nb.name} is not in mkdocs.yml's nav"
        text = (site / "notebooks" / nb.stem / "index.html").read_text()
        assert "<svg" in text or "data:image/png" in text, f"{nb.name} rendered without its outputs"


def _section(page: str, ident: str) -> str | None:
    """The HTML of the reference entry ``ident`` up to the next entry, or None."""
    start = page.find(f'id="{ident}"')
    if start < 0:
        return None
    end = page.find('class="doc doc-heading"', start + len(ident) + 10)
    return page[start : end if end > 0 else len(page)]


@pytest.mark.slow
def test_every_public_name_is_in_the_reference_with_its_docstring(site: Path) -> None:
    problems = []
    for module, url in reference_modules().items():
        page = (site / url / "index.html").read_text()
        for name in importlib.import_module(module).__all__:
            section = _section(page, f"{module}.{name}")
            if section is None:
                problems.append(f"{module}.{name}: not in {url}")
                continue
            contents = section.split('class="doc doc-contents', 1)
            text = re.sub(r"<[^>]+>", "", contents[1]) if len(contents) == 2 else ""
            # nested entries (a class's methods) start their own section, so this is the
            # object's own docstring
            if len(html.unescape(text).split()) < 3:
                problems.append(f"{module}.{name}: no docstring shown in {url}")
    assert not problems, "\n".join(problems)


def test_every_public_module_name_is_documented_somewhere() -> None:
    """A name in any public module's ``__all__`` is in a reference page's module or in the
    internals page, so nothing public is left out of the reference."""
    documented = set()
    for module in reference_modules():
        documented.update(importlib.import_module(module).__all__)
    internals = (REFERENCE / "internals.md").read_text()
    for info in pkgutil.walk_packages(autograd.__path__, "autograd."):
        parts = info.name.split(".")
        if any(p.startswith("_") for p in parts) or parts[1] == "cli":
            continue
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", ()):
            if name in documented:
                continue
            block = re.search(rf"^::: {re.escape(info.name)}\n((?:    .*\n)*)", internals, re.M)
            assert block, f"{info.name}.{name} is public but in no reference page"
            listed = re.search(r"members: \[(.*)\]", block.group(1))
            assert listed is None or name in listed.group(1).split(", "), (
                f"{info.name}.{name} is public but left out of its internals entry"
            )


def test_the_reference_shows_doctests_as_code() -> None:
    pytest.importorskip("griffe", reason="the docs extra (mkdocstrings) is not installed")
    sys.path.insert(0, str(DOCS))
    try:
        extension = importlib.import_module("_griffe_autograd")
    finally:
        sys.path.remove(str(DOCS))
    text = "Adds ``x``:\n\n>>> f(1)\n2\n\nThen more."
    assert extension.to_markdown(text) == "Adds `x`:\n\n```pycon\n>>> f(1)\n2\n```\n\nThen more."


def test_the_quick_start_picture_is_what_the_quick_start_draws() -> None:
    """README and the site's home page show docs/images/quickstart.svg: the quick start's z
    with its numbers (re-draw it with the code in README if this fails)."""
    from autograd import Value

    x, y = Value(2.0, label="x"), Value(-3.0, label="y")
    z = x * y + x.exp()
    z.backward()
    svg = (DOCS / "images" / "quickstart.svg").read_text()
    for label, number in [("x", x.data), ("y", y.data), ("z", z.data)]:
        assert f">{label}</text>" in svg
        assert f"data {number:.6g}".replace("-", "&#45;") in svg
    for grad in (x.grad, y.grad):
        assert f"grad {grad:.6g}".replace("-", "&#45;") in svg
    assert "images/quickstart.svg" in (ROOT / "README.md").read_text()
    assert "images/quickstart.svg" in (DOCS / "index.md").read_text()


def test_readme_is_short_and_links_into_the_site() -> None:
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) < 250
    for target in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (ROOT / target).is_file(), f"README links to {target}, which does not exist"
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert len([line for line in quick.splitlines() if line.strip()]) <= 25


def test_pages_link_only_to_files_that_exist() -> None:
    """Relative links between the pages (mkdocs checks them too, when it is installed)."""
    for md in DOCS.rglob("*.md"):
        for target in re.findall(r"\]\(([^)#:\s]+\.(?:md|ipynb|svg|png))", md.read_text()):
            assert (md.parent / target).exists(), f"{md.relative_to(ROOT)} links to missing {target}"
