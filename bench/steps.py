"""What each of issue 9's render-path changes buys, measured side by side in one process.

    .venv/bin/python bench/steps.py [--members 10] [--rounds 8] [--kind confirmation]

Renders the same N generated members (bench/compare.py's) four ways, taking turns round by
round and keeping each way's least and median CPU ms per document:

  A  stock WeasyPrint on the template output with its indentation kept (no compact_html),
     reading the stylesheet links itself, with its own html5_ua.css;
  B  A on the compacted HTML (templating.compact_html);
  C  B with the stylesheets and @font-face parsed once per process (render._stylesheet);
  D  C with docgen's user-agent stylesheet;
  E  D with the HTML parsed by expat instead of tinyhtml5 (docgen.render.speedups): docgen's own
     render path (render.html_to_pdf).

Changes that are in the templates and CSS themselves (separate borders, fixed table layout,
the PDF417 image) are in all four; bench/compare.py --baseline measures them against an older
commit. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import weasyprint

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare import members  # noqa: E402  (bench/ is not a package)
from docgen.config import get_settings  # noqa: E402
from docgen.documents.pipeline import document_html, prepare, start_rendering  # noqa: E402
from docgen.render import engine as render  # noqa: E402
from docgen.render import speedups, templating  # noqa: E402

BASE_URL = get_settings().home.as_uri() + "/"


def stock(html: str) -> object:
    return weasyprint.HTML(string=html, base_url=BASE_URL).write_pdf()


def css_once(html: str) -> object:
    sheets = [render._stylesheet(href, get_settings().home) for href in render._STYLESHEET_LINK.findall(html)]
    document = weasyprint.HTML(string=render._STYLESHEET_LINK.sub("", html), base_url=BASE_URL).render(
        stylesheets=sheets, font_config=render._font_config()
    )
    return document.write_pdf()


def tinyhtml5_parse(html: str) -> object:
    """docgen's render path with expat turned off (every document parsed by tinyhtml5)."""
    keep = speedups.xml_tree
    speedups.xml_tree = lambda _html: None
    try:
        return render.html_to_pdf(html)
    finally:
        speedups.xml_tree = keep


def main() -> None:
    start_rendering()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--kind", default="confirmation")
    args = parser.parse_args()
    inputs = members(args.members)
    compacted = [document_html(prepare(args.kind, data)) for data in inputs]
    keep = templating.compact_html
    templating.compact_html = lambda html: html  # the template output as it was before compact_html
    try:
        loose = [document_html(prepare(args.kind, data)) for data in inputs]
    finally:
        templating.compact_html = keep
    ways: dict[str, tuple[Callable[[str], object], list[str]]] = {
        "A stock WeasyPrint, indented HTML": (stock, loose),
        "B + compact_html": (stock, compacted),
        "C + stylesheets parsed once": (css_once, compacted),
        "D + docgen user-agent sheet": (tinyhtml5_parse, compacted),
        "E + expat parse (docgen)": (render.html_to_pdf, compacted),
    }
    for way, pages in ways.values():
        for html in pages[:2]:  # warm
            way(html)
    spent: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(args.rounds):
        for name, (way, pages) in ways.items():
            started = time.process_time()
            for html in pages:
                way(html)
            spent[name].append((time.process_time() - started) / len(pages) * 1000)
    print(f"{args.kind}, {args.members} members, {args.rounds} rounds taken in turn; CPU ms per document")
    print(f"{'':40}{'least':>8}{'median':>8}{'vs previous (least)':>22}")
    previous = None
    for name, values in spent.items():
        least = min(values)
        step = f"{previous / least:.2f}x" if previous else ""
        print(f"{name:40}{least:>8.1f}{statistics.median(values):>8.1f}{step:>22}")
        previous = least


if __name__ == "__main__":
    main()
