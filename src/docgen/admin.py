"""`docgen keys` and `docgen db`: the key and audit database from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from docgen.config import DEFAULT_DATABASE, Database, load_database, parse_database
from docgen.errors import InputError, Problem
from docgen.store import Scope, Store
from docgen.store.copy import copy_store
from docgen.store.database import ADMIN_TIMEOUT, open_engine
from docgen.store.schema import upgrade

#: A command's exit status when it did what it was asked (docgen.cli's EXIT_OK).
DONE = 0

# A password on a command line is readable by every local user (/proc/PID/cmdline): the URL here
# carries none; libpq reads it from PGPASSFILE or PGPASSWORD, or DOCGEN_DB holds the whole URL.
DB_HELP = "SQLite file, or postgresql://USER@HOST:PORT/NAME (password: PGPASSFILE) [DOCGEN_DB, docgen.db]"


def _database(args: argparse.Namespace) -> Database:
    """--db when given, else DOCGEN_DB, else ./docgen.db: the database `docgen serve` would use."""
    given: str | None = getattr(args, "db", None)
    if given is not None:
        return parse_database("--db", given)
    return load_database() or Path(DEFAULT_DATABASE)


def _store(args: argparse.Namespace) -> Store:
    return Store(_database(args))


def _cmd_keys_create(args: argparse.Namespace) -> int:
    store = _store(args)
    key = store.create_key(args.name, frozenset(Scope(scope) for scope in args.scope))
    store.close()
    print(f"API key {args.name!r} ({', '.join(sorted(args.scope))}) in {store.where}; shown once, keep it now:")
    print(key)
    return DONE


def _cmd_keys_list(args: argparse.Namespace) -> int:
    store = _store(args)
    for key in store.list_keys():
        state = "active" if key.active else f"revoked {key.revoked_at}"
        print(f"{key.name:<24} {' '.join(sorted(s.value for s in key.scopes)):<34} created {key.created_at}  {state}")
    store.close()
    return DONE


def _cmd_keys_revoke(args: argparse.Namespace) -> int:
    store = _store(args)
    store.revoke_key(args.name)
    store.close()
    print(f"revoked {args.name!r}")
    return DONE


def _cmd_db_upgrade(args: argparse.Namespace) -> int:
    engine = open_engine(_database(args), ADMIN_TIMEOUT)
    try:
        engine.probe()  # a wrong password or database as the server words it
        before, after = upgrade(engine)
    finally:
        engine.close()
    if before == after:
        print(f"{engine.where}: schema version {after}, current; nothing to do")
    else:
        print(f"{engine.where}: schema version {before} -> {after}")
    return DONE


def _cmd_db_copy(args: argparse.Namespace) -> int:
    origin = parse_database("--from", args.source)
    if isinstance(origin, Path) and not origin.is_file():
        # Opening it would create an empty database, and copy nothing.
        raise InputError([Problem("--from", "copy-source-exists", f"no database file at {origin}")])
    destination = load_database() if args.target is None else parse_database("--to", args.target)
    if destination is None:
        raise InputError([Problem("--to", "copy-target-given", "name the target database, or set DOCGEN_DB")])
    source = Store(origin, ADMIN_TIMEOUT)
    try:
        target = Store(destination, ADMIN_TIMEOUT)
        try:
            counts = copy_store(source, target)
        finally:
            target.close()
    finally:
        source.close()
    print(
        f"copied {source.where} -> {target.where}: {counts['api_keys']} keys, {counts['secrets']} secrets,"
        f" {counts['audit_log']} audit rows (counts checked)"
    )
    return DONE


def fill_keys(keys: argparse.ArgumentParser) -> None:
    """`docgen keys create | list | revoke` on the parser of `keys`."""
    # --db is accepted before the action (`keys --db F list`) and after it; the action's wins.
    # SUPPRESS: an absent --db sets nothing, so the action's parser cannot reset the other to None.
    keys.add_argument("--db", default=argparse.SUPPRESS, help=DB_HELP)
    actions = keys.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="create a key; prints it alone on the last line, once")
    create.add_argument("name")
    create.add_argument("--scope", action="append", required=True, choices=[s.value for s in Scope])
    create.set_defaults(handler=_cmd_keys_create)
    listing = actions.add_parser("list", help="list keys (never the keys themselves)")
    listing.set_defaults(handler=_cmd_keys_list)
    revoke = actions.add_parser("revoke", help="revoke a key; it stops working at once")
    revoke.add_argument("name")
    revoke.set_defaults(handler=_cmd_keys_revoke)
    for action in (create, listing, revoke):
        action.add_argument("--db", default=argparse.SUPPRESS, help=DB_HELP)


def fill_db(db: argparse.ArgumentParser) -> None:
    """`docgen db upgrade | copy` on the parser of `db`."""
    actions = db.add_subparsers(dest="action", required=True)
    upgrading = actions.add_parser(
        "upgrade", help="bring the database's schema to this docgen's version (an empty one is created)"
    )
    upgrading.add_argument("--db", help=DB_HELP)
    upgrading.set_defaults(handler=_cmd_db_upgrade)
    copy = actions.add_parser(
        "copy", help="copy keys, the audit key and audit rows into an empty database (stop the servers first)"
    )
    copy.add_argument("--from", dest="source", required=True, metavar="DATABASE", help="a SQLite file (or a URL)")
    copy.add_argument(
        "--to",
        dest="target",
        metavar="DATABASE",
        help="a postgresql:// URL (or a file) [DOCGEN_DB, which keeps a password off the command line]",
    )
    copy.set_defaults(handler=_cmd_db_copy)
