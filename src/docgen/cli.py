"""Command line: `render`, `validate`, `batch`, `examples`, `golden`, `kinds`, `schema`, `serve`, `keys`, `db`."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import NoReturn

from docgen import __version__
from docgen.admin import DB_HELP, fill_db, fill_keys
from docgen.config import get_settings, load_body_limit, load_server_settings
from docgen.documents import KINDS
from docgen.documents.pipeline import (
    SHAPES,
    Options,
    document_html,
    documents_of,
    example_files,
    input_schema,
    prepare,
    render,
    start_rendering,
)
from docgen.errors import ConfigError, DocgenError, GoldenMismatch, InputError, Problem, SchemaMismatch
from docgen.files import write_atomic
from docgen.log import LOGGER, ShownFilter, shown
from docgen.notice_states import STATE_CODES, combined_languages
from docgen.parsing import ROOT_PATH
from docgen.render.collector import collector_held

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_INPUT = 2
#: Signals that end `docgen batch` early but cleanly; its exit status is then 128 + the signal
#: number, as a shell reports a process the signal ended (POSIX sh, "Exit Status").
BATCH_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
BATCH_EXIT_CODES = """\
exit status:
  0        done: every record printed, or listed in errors.jsonl
  1        stopped short (a worker or the Dask cluster lost): re-run the same command to resume
  2        bad input or options, including an input changed during the run
           [batch-input-changed], an output folder that cannot be written, full or
           read-only [batch-out-writable], and one in use by another job or another run
           [batch-out-in-use]: fix it, then re-run the same command to resume
  130/143  stopped by SIGINT/SIGTERM: the pieces in flight were finished and kept;
           re-run the same command to resume (a second signal ends it at once, still resumable)
"""


def _warn(*lines: str) -> None:
    """Each line on stderr with its control characters escaped: a key, a value or a file name from
    the input may hold an escape sequence, and it must not drive the terminal."""
    for line in lines:
        print(shown(line), file=sys.stderr)


def _read_input(path: Path) -> bytes:
    """The file's bytes, up to the API's body limit: past it (or endless, as /dev/zero) is a problem."""
    limit = load_body_limit()
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputError([Problem(ROOT_PATH, "readable-file", f"cannot read {path}: {exc.strerror}")]) from exc
    if len(data) > limit:
        message = f"{path} is larger than the {limit}-byte input limit (DOCGEN_BODY_LIMIT)"
        raise InputError([Problem(ROOT_PATH, "input-size", message)])
    return data


def _write_output(option: str, path: Path, data: bytes) -> None:
    """write_atomic, with a target that cannot be written (no such folder, a file in a folder's
    place, /proc, no space) as a problem of the option naming the path; nothing is left behind."""
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise InputError([Problem(option, "output-writable", f"cannot write {path}: {exc.strerror}")]) from exc
    LOGGER.info("wrote %s", path)


def _render_options(args: argparse.Namespace) -> Options:
    """Kind options from CLI flags; the output's extension chooses the format."""
    options: dict[str, str | bool] = {}
    if args.member is not None:
        options["member"] = args.member
    if args.side is not None:
        options["side"] = args.side
    if args.sheet:
        options["sheet"] = True
    if args.output is not None and args.output.suffix.lower() == ".png":
        options["format"] = "png"
    return options


def _cmd_render(args: argparse.Namespace) -> int:
    if args.output is not None and args.output.suffix.lower() not in (".pdf", ".png"):
        raise InputError([Problem("output", "output-extension", "must end in .pdf or .png")])
    prepared = prepare(args.kind, _read_input(args.input), _render_options(args))
    if args.html:
        _write_output("html", args.html, document_html(prepared).encode("utf-8"))
        return EXIT_OK
    with collector_held():
        document = render(prepared)
    _write_output("output", args.output, document.content)
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    prepare(args.kind, _read_input(args.input))
    print(shown(f"{args.input}: valid for {args.kind}"))  # a file name may hold control characters
    return EXIT_OK


def _cmd_batch(args: argparse.Namespace) -> int:
    """Print every record of INPUT as mail pieces in OUT, or resume the same job there."""
    from docgen.batch.run import BatchOptions, run_batch  # noqa: PLC0415  (pypdf, SQLite, workers load only here)

    given = {
        name: value
        for name in ("workers", "piece_limit", "mailer_id", "service_type", "envelope", "fold_panel", "scheduler")
        if (value := getattr(args, name)) is not None
    }
    stop = threading.Event()
    received: list[signal.Signals] = []

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        if received:  # asked twice: end now; every step's state is committed or not
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
        received.append(signal.Signals(signum))
        stop.set()

    previous = {number: signal.signal(number, request_stop) for number in BATCH_STOP_SIGNALS}
    try:
        result = run_batch(BatchOptions(input=args.input, kind=args.kind, out=args.out, stop=stop, **given))
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    totals = result.totals
    if result.stopped:
        print(
            f"docgen: job {result.job_id} stopped by {received[0].name} ({totals.printed} pieces rendered so far);"
            " re-run the same command to resume",
            file=sys.stderr,
        )
        return 128 + received[0]
    print(
        f"job {result.job_id}: {totals.read} read, {totals.printed} printed, {totals.rejected} rejected"
        f" (errors.jsonl); {totals.files} print files, {totals.pages} pages, {totals.sheets} sheets in {result.out}"
    )
    return EXIT_OK


def _cmd_examples(args: argparse.Namespace) -> int:
    """Render every kind that applies to each example into OUT/<stem>/<kind>.pdf.

    A kind that does not apply to an example (a claim form for a declined account) is skipped
    with a note on stderr; it is not a failure, since the example is valid.
    """
    failures = 0
    examples = example_files(args.folder)
    if not examples:
        raise InputError([Problem(ROOT_PATH, "examples-present", f"no *.json files in {args.folder}")])
    for example in examples:
        try:
            data = _read_input(example)
            documents = list(documents_of(data))
        except InputError as exc:
            failures += 1
            _warn(*(f"{example}: {problem}" for problem in exc.problems))
            continue
        for kind, variant, outcome in documents:
            if isinstance(outcome, Problem):
                _warn(f"{example} ({kind.name}): skipped: {outcome}")
                continue
            if isinstance(outcome, InputError):
                failures += 1
                _warn(*(f"{example} ({variant.name}): {problem}" for problem in outcome.problems))
                continue
            with collector_held():
                output = render(outcome)
            target = args.out / example.stem / output.file_name
            _write_output("out", target, output.content)
            print(shown(str(target)))
    return EXIT_INPUT if failures else EXIT_OK


def _cmd_golden(args: argparse.Namespace) -> int:
    try:
        from docgen import golden  # noqa: PLC0415  (pdfplumber only loads for this command)
    except ModuleNotFoundError as exc:
        if exc.name != "pdfplumber":
            raise
        raise ConfigError(
            "docgen golden needs pdfplumber: pip install 'docgen[test]' (make test installs it)"
        ) from None

    selected = [case for case in golden.cases() if not args.only or case.kind in args.only]
    if args.update:
        try:
            if args.clean:
                for stale in get_settings().golden_dir.glob("*/*"):
                    stale.unlink()
            for case in selected:
                for path in golden.update(case):
                    print(path.relative_to(get_settings().home))
        except OSError as exc:
            # A read-only checkout or a full disk: say which file, never a traceback.
            target = shown(str(exc.filename or get_settings().golden_dir))
            raise InputError(
                [Problem("--update", "output-writable", f"cannot write {target}: {exc.strerror}")]
            ) from exc
        _warn("Review every page above as a picture before committing golden/.")
        return EXIT_OK
    mismatches = [m for case in selected for m in golden.compare(case, args.diff_dir)]
    if mismatches:
        raise GoldenMismatch("\n".join(mismatches))
    print(f"{len(selected)} golden documents match")
    return EXIT_OK


def _cmd_kinds(args: argparse.Namespace) -> int:
    for kind in KINDS.values():
        print(f"{kind.name:<22} {kind.shape.name:<12} {kind.description}")
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(input_schema(args.shape), indent=2))
    return EXIT_OK


def _cmd_notice_languages(args: argparse.Namespace) -> int:
    chosen = combined_languages(args.states)
    if args.ranking:
        for ranked in chosen.ranking:
            line = f"{ranked.category.lep:>12,}  {ranked.tag or '-':<8} {ranked.category.name}  {ranked.skipped or ''}"
            print(line.rstrip())
    print(json.dumps({"language_assistance": list(chosen.languages)}))
    return EXIT_OK


# `docgen serve` flags and the DOCGEN_* variable each one overrides.
_SERVE_FLAGS = {
    "host": "DOCGEN_HOST",
    "port": "DOCGEN_PORT",
    "db": "DOCGEN_DB",
    "instance": "DOCGEN_INSTANCE",
    "workers": "DOCGEN_WORKERS",
    "queue": "DOCGEN_QUEUE",
    "body_limit": "DOCGEN_BODY_LIMIT",
    "render_timeout": "DOCGEN_RENDER_TIMEOUT",
    "client_timeout": "DOCGEN_CLIENT_TIMEOUT",
}


def _server_settings(args: argparse.Namespace) -> dict[str, str]:
    """The environment with each given flag in place of its DOCGEN_* variable."""
    env = dict(os.environ)
    for flag, key in _SERVE_FLAGS.items():
        value = getattr(args, flag, None)
        if value is not None:
            env[key] = str(value)
    return env


def _cmd_serve(args: argparse.Namespace) -> int:
    from docgen.api.server import serve  # noqa: PLC0415  (Starlette and uvicorn load for this command only)

    serve(load_server_settings(_server_settings(args)))
    return EXIT_OK


def _fill_serve(serve: argparse.ArgumentParser) -> None:
    serve.add_argument("--host", help="address to listen on [DOCGEN_HOST, 127.0.0.1]")
    serve.add_argument("--port", type=int, help="port [DOCGEN_PORT, 8000]")
    serve.add_argument("--db", help="keys and audit log: " + DB_HELP)
    serve.add_argument("--instance", help="this instance's name in audit rows [DOCGEN_INSTANCE, HOST:PORT]")
    serve.add_argument("--workers", type=int, help="render worker processes [DOCGEN_WORKERS, one per core]")
    serve.add_argument("--queue", type=int, help="requests waiting beyond the workers [DOCGEN_QUEUE, 2 x workers]")
    serve.add_argument("--body-limit", type=int, help="largest body in bytes [DOCGEN_BODY_LIMIT, 1048576]")
    serve.add_argument("--render-timeout", type=float, help="seconds per render [DOCGEN_RENDER_TIMEOUT, 30]")
    serve.add_argument(
        "--client-timeout",
        type=float,
        help="seconds a client has to send a request's headers, then as long for its body [DOCGEN_CLIENT_TIMEOUT, 30]",
    )
    serve.set_defaults(handler=_cmd_serve)


class _Parser(argparse.ArgumentParser):
    """argparse's parser; its usage errors quote arguments as typed (`unrecognized arguments: ...`)."""

    def error(self, message: str) -> NoReturn:
        super().error(shown(message))


def build_parser() -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = _Parser(prog="docgen", description=__doc__)
    parser.add_argument("--version", action="version", version=f"docgen {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log files written and render timings (never personal data)"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    render = commands.add_parser("render", help="render one document")
    render.add_argument("kind", choices=sorted(KINDS))
    render.add_argument("input", type=Path, help="input JSON file")
    target = render.add_mutually_exclusive_group(required=True)
    target.add_argument("-o", "--output", type=Path, help="PDF to write")
    target.add_argument("--html", type=Path, help="write the final HTML instead of the PDF")
    card = render.add_argument_group("id-card options")
    card.add_argument(
        "--member",
        help="person code: 00 for the subscriber (default), 01, 02, ... for dependents; with --sheet, that card only",
    )
    card.add_argument("--side", choices=["front", "back"], help="card side for a PNG (default front)")
    card.add_argument(
        "--sheet",
        action="store_true",
        help="Letter print sheets of the family's cards, 8 a sheet: fronts, then backs for duplex"
        " (long-edge flip), crop marks",
    )
    render.set_defaults(handler=_cmd_render)

    validate = commands.add_parser("validate", help="check an input against the schema and every rule")
    validate.add_argument("kind", choices=sorted(KINDS))
    validate.add_argument("input", type=Path)
    validate.set_defaults(handler=_cmd_validate)

    batch = commands.add_parser(
        "batch",
        help="mailroom run: print-ready files for every record, resumable",
        epilog=BATCH_EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    batch.add_argument(
        "input", type=Path, metavar="INPUT", help="JSON Lines file (one enrollment per line) or a folder of .json files"
    )
    batch.add_argument("--kind", required=True, help="document kind with a mailing layout (summary, confirmation)")
    batch.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="output folder; re-running the same command resumes"
    )
    batch.add_argument("--workers", type=int, metavar="N", help="local worker processes (default: the machine's cores)")
    batch.add_argument("--piece-limit", type=int, metavar="N", help="mail pieces per print file (default 500)")
    batch.add_argument(
        "--mailer-id", metavar="ID", help="USPS Mailer ID: print an Intelligent Mail barcode on each piece"
    )
    batch.add_argument(
        "--service-type", metavar="STID", help="IMb Service Type ID from the USPS STID table (default 300)"
    )
    batch.add_argument(
        "--envelope",
        metavar="STOCK",
        help="window envelope stock (default 10-double-window: #10, 4-1/2 x 1-1/8 in address window);"
        " see docs/batch.md",
    )
    batch.add_argument(
        "--fold-panel",
        type=float,
        metavar="INCHES",
        help="address panel the folder sets, top edge to first fold (default 3.875 = 3-7/8 in; see docs/batch.md)",
    )
    batch.add_argument(
        "--scheduler", metavar="ADDRESS", help="Dask scheduler address (tcp://HOST:PORT): render on that cluster"
    )
    batch.set_defaults(handler=_cmd_batch)

    examples = commands.add_parser("examples", help="render every applicable kind for each example")
    examples.add_argument("folder", type=Path, nargs="?", default=get_settings().examples_dir)
    examples.add_argument("--out", type=Path, default=Path("out"))
    examples.set_defaults(handler=_cmd_examples)

    golden = commands.add_parser("golden", help="check renders against golden/, or regenerate it")
    golden.add_argument("--update", action="store_true", help="rewrite golden/ (then review every page)")
    golden.add_argument("--only", action="append", choices=sorted(KINDS), help="limit to a kind")
    golden.add_argument("--clean", action="store_true", help="with --update: first delete every golden file")
    golden.add_argument("--diff-dir", type=Path, default=Path("out/golden-diff"))
    golden.set_defaults(handler=_cmd_golden)

    kinds = commands.add_parser("kinds", help="list the document kinds")
    kinds.set_defaults(handler=_cmd_kinds)

    schema = commands.add_parser("schema", help="print an input shape's JSON schema")
    schema.add_argument("shape", nargs="?", choices=[shape.name for shape in SHAPES], default="enrollment")
    schema.set_defaults(handler=_cmd_schema)

    notice = commands.add_parser(
        "notice-languages",
        help="the notice's 15 languages for a plan serving several states, their LEP speakers added together",
        description="Rank the languages of people with limited English proficiency in the given states, added"
        " together (HHS OCR's FAQ for plans in more than one state), from the Census table in"
        " locales/notice/census/; prints the value for the input's group.language_assistance. The territories"
        " GU, VI, AS and MP have no figures.",
    )
    notice.add_argument("states", nargs="+", metavar="STATE", choices=sorted(STATE_CODES.values()))
    notice.add_argument("--ranking", action="store_true", help="also print each category, its speakers and tagline")
    notice.set_defaults(handler=_cmd_notice_languages)

    _fill_serve(commands.add_parser("serve", help="serve the HTTP API (each flag overrides its DOCGEN_* variable)"))
    fill_keys(commands.add_parser("keys", help="create, list or revoke API keys"))
    fill_db(commands.add_parser("db", help="upgrade the key and audit database's schema, or copy it to another"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0 done, 1 failure, 2 bad input or usage)."""
    args = build_parser().parse_args(argv)
    stderr = logging.StreamHandler()
    stderr.addFilter(ShownFilter())
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s", handlers=[stderr])
    LOGGER.setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    try:
        status: int = EXIT_OK
        start_rendering()
        status = args.handler(args)
    except InputError as exc:
        _warn(*map(str, exc.problems))
        return EXIT_INPUT
    except SchemaMismatch as exc:
        # The wrong database or one to upgrade: the operator's to fix, like a usage error.
        _warn(f"docgen: {exc}")
        return EXIT_INPUT
    except DocgenError as exc:
        _warn(*f"docgen: {exc}".split("\n"))  # one golden mismatch a line
        return EXIT_FAILURE
    except BrokenPipeError:
        # The reader closed the pipe (`docgen schema | head`): not a failure of ours. Point
        # stdout at /dev/null so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return status
