"""Instructions per document, counted by Valgrind: a measure that repeats to ~0.01%.

    .venv/bin/python bench/instructions.py [--kind confirmation|summary|health-fsa-claim|...] [--baseline REV]

CPU time on this VM varies ~10% between runs, more than most single changes buy. This runs
docgen under `valgrind --tool=cachegrind --cache-sim=no` twice, rendering 1 and then 4 of
bench/compare.py's members (the first render warms stylesheets and fonts), and prints the
difference divided by 3: the instructions one more document costs. `--baseline REV` measures
an earlier commit the same way (checked out into a temporary git worktree, as compare.py
does). `--tagging` measures the same documents written untagged, for what tagged PDF/UA-1 costs
(issue 21 holds it to 1.10x). `--spanish` measures the same members reading Spanish (issue 22
holds a Spanish statement to 1.05x the English one). `--notice` measures the same documents with
the notice of language assistance cut from their HTML, and prints the PDF bytes of each (issue 23
holds a statement with the notice to 1.15x one without). Needs Debian's `valgrind`; each count
takes about half a minute.
Not part of `make test`.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare import (  # noqa: E402  (bench/ is not a package)
    KINDS,
    checkout_collector,
    checkout_pipeline,
    members,
    prepare_baseline,
    remove_baseline,
    use_checkout_fonts,
)

ROOT = Path(__file__).resolve().parents[1]


def html_to_pdf(html: str, *, tagged: bool) -> bytes:
    from docgen.render.engine import html_to_pdf as write  # noqa: PLC0415  (the checkout's, after its fonts are set)

    return bytes(write(html, tagged=tagged))


EXTRA = 3
#: Each kind this measures, with its options: compare.py's for the kinds it compares, none for the rest.
OPTIONS: dict[str, dict[str, str] | None] = {
    "summary": None,
    "health-fsa-claim": None,
    "dependent-care-claim": None,
    **{kind: options or None for kind, options in KINDS.items()},
}


#: The notice of language assistance in a document's HTML (templates/partials/language_assistance.html).
NOTICE = re.compile(r'<section class="language-assistance[^"]*">.*?</section>', re.S)


def without_notice(html: str) -> str:
    return NOTICE.sub("", html)


def render(kind: str, count: int, untagged: bool = False, language: str | None = None, notice: bool = True) -> None:
    use_checkout_fonts()
    pipeline = checkout_pipeline()
    held = checkout_collector()
    for data in members(count, language):
        with held():  # as the CLI, API and batch workers render (render.collector since issue 19)
            if untagged:  # the same HTML through the same engine, written without the structure tree
                html = pipeline.document_html(pipeline.prepare(kind, data, OPTIONS.get(kind)))
                html_to_pdf(html, tagged=False)
            elif not notice:  # the same HTML less the notice, tagged as the pipeline writes it
                html = pipeline.document_html(pipeline.prepare(kind, data, OPTIONS.get(kind)))
                html_to_pdf(without_notice(html), tagged=True)
            else:
                pipeline.render_document(kind, data, OPTIONS.get(kind))


def pdf_bytes(kind: str) -> tuple[int, int]:
    """Bytes of the first member's document with the notice and without it (fonts subset per document)."""
    from docgen.documents import pipeline  # noqa: PLC0415

    use_checkout_fonts()
    data = members(1)[0]
    html = pipeline.document_html(pipeline.prepare(kind, data, OPTIONS.get(kind)))
    return len(pipeline.render_document(kind, data, OPTIONS.get(kind))), len(
        html_to_pdf(without_notice(html), tagged=True)
    )


def instructions(
    kind: str, count: int, env: dict[str, str], untagged: bool = False, language: str | None = None, notice: bool = True
) -> int:
    done = subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            sys.executable,
            str(Path(__file__).resolve()),
            "--kind",
            kind,
            "--child",
            str(count),
            *(["--untagged"] if untagged else []),
            *(["--language", language] if language else []),
            *([] if notice else ["--no-notice"]),
        ],
        env={**env, "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def per_document(
    kind: str, env: dict[str, str], untagged: bool = False, language: str | None = None, notice: bool = True
) -> float:
    return (
        instructions(kind, 1 + EXTRA, env, untagged, language, notice)
        - instructions(kind, 1, env, untagged, language, notice)
    ) / EXTRA


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kind", default="confirmation", choices=sorted(OPTIONS))
    parser.add_argument("--baseline", metavar="REV")
    parser.add_argument("--tagging", action="store_true", help="compare with the same documents written untagged")
    parser.add_argument("--spanish", action="store_true", help="compare with the same members reading Spanish")
    parser.add_argument("--notice", action="store_true", help="compare with the same documents without the notice")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--no-notice", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--language", help=argparse.SUPPRESS)
    parser.add_argument("--untagged", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        render(args.kind, args.child, args.untagged, args.language, notice=not args.no_notice)
        return
    docgen = per_document(args.kind, dict(os.environ))
    print(f"docgen    {args.kind}: {docgen / 1e6:8.0f} M instructions per document")
    if args.tagging:
        untagged = per_document(args.kind, dict(os.environ), untagged=True)
        print(f"untagged  {args.kind}: {untagged / 1e6:8.0f} M instructions per document")
        print(f"tagged / untagged: {docgen / untagged:.3f}x the instructions")
    if args.spanish:
        spanish = per_document(args.kind, dict(os.environ), language="es-US")
        print(f"spanish   {args.kind}: {spanish / 1e6:8.0f} M instructions per document")
        print(f"spanish / english: {spanish / docgen:.3f}x the instructions")
    if args.notice:
        without = per_document(args.kind, dict(os.environ), notice=False)
        print(f"no notice {args.kind}: {without / 1e6:8.0f} M instructions per document")
        print(f"with / without the notice: {docgen / without:.3f}x the instructions")
        with_bytes, without_bytes = pdf_bytes(args.kind)
        print(
            f"PDF bytes: {with_bytes:,} with the notice, {without_bytes:,} without ({with_bytes / without_bytes:.2f}x)"
        )
    if args.baseline:
        folder = prepare_baseline(args.baseline)
        try:
            env = {**os.environ, "PYTHONPATH": str(folder / "src"), "DOCGEN_HOME": str(folder)}
            baseline = per_document(args.kind, env)
        finally:
            remove_baseline(folder)
        print(f"baseline  {args.kind}: {baseline / 1e6:8.0f} M instructions per document")
        print(f"docgen / baseline: {baseline / docgen:.2f}x fewer instructions")


if __name__ == "__main__":
    main()
