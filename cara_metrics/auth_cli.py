"""``python -m cara_metrics users ...``: manage local staff accounts.

    users add EMAIL [--password-stdin]   add an account (password asked twice, never echoed)
    users remove EMAIL                   delete an account
    users list                           the accounts, with any lock
    users unlock EMAIL                   clear failed attempts and a lock

Every subcommand takes ``--users-file PATH`` (default ``$CARA_USERS_FILE`` or
``~/.config/cara-dashboard/users.json``). Exit codes: 0 done, 1 input rejected, 2 usage.
Wire it into the main parser with ``auth_cli.register(subparsers)``.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from . import auth

_FILE_HELP = (f"the users file (default: ${auth.USERS_FILE_ENV} or {auth.DEFAULT_USERS_FILE}); "
              "must be outside the repository")


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``users`` command (and its subcommands) to an argparse subparsers object."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--users-file", type=Path, default=None, metavar="PATH", help=_FILE_HELP)

    p = subparsers.add_parser(
        "users", help="manage local staff accounts for the commissioner view",
        description="Manage local staff accounts (used when OpenID Connect sign-in is not configured). "
                    "Passwords are stored as Argon2 hashes in a file outside the repository.",
    )
    sub = p.add_subparsers(dest="users_command", metavar="SUBCOMMAND", required=True)

    a = sub.add_parser("add", parents=[common], help="add an account",
                       description=f"Add a staff account. The password is asked twice and never echoed. Rules: at "
                                   f"least {auth.MIN_PASSWORD_LENGTH} characters not counting spaces, not the email "
                                   f"address, not a common password, not built from the organisation's name, and hard "
                                   f"to guess (zxcvbn's top score). Three or four unrelated words are the easiest "
                                   f"strong choice.")
    a.add_argument("email", metavar="EMAIL")
    a.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of standard input (for scripts)")
    a.set_defaults(run=_run_add)

    r = sub.add_parser("remove", parents=[common], help="remove an account",
                       description="Remove a staff account. Sessions already signed in end at their next page run.")
    r.add_argument("email", metavar="EMAIL")
    r.set_defaults(run=_run_remove)

    ls = sub.add_parser("list", parents=[common], help="list the accounts",
                        description="List the staff accounts, one per line, with any lock (never the password hashes).")
    ls.set_defaults(run=_run_list)

    u = sub.add_parser("unlock", parents=[common], help="unlock an account after too many failed sign-ins",
                       description=f"Clear the failed sign-in count and the lock on an account (an account locks for "
                                   f"{int(auth.LOCKOUT.total_seconds() // 60)} minutes after {auth.MAX_FAILURES} "
                                   f"wrong passwords in a row).")
    u.add_argument("email", metavar="EMAIL")
    u.set_defaults(run=_run_unlock)
    return p


def _err(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def _store(args) -> auth.UserStore:
    return auth.UserStore(args.users_file)


def _read_password(args) -> str | None:
    if args.password_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    first = getpass.getpass("New password: ")
    second = getpass.getpass("Same password again: ")
    if first != second:
        return None
    return first


def _run_add(args) -> int:
    try:
        store = _store(args)
        email = auth.validate_email(args.email)
        password = _read_password(args)
        if password is None:
            return _err("the two passwords are different; nothing was changed.")
        store.add(email, password)
    except (auth.AuthError, auth.UserStoreError) as exc:
        return _err(f"{exc} Nothing was changed.")
    except EOFError:
        return _err("no password given; nothing was changed.")
    print(f"added {email} to {store.path}")
    return 0


def _run_remove(args) -> int:
    try:
        store = _store(args)
        email = store.remove(args.email)
    except (auth.AuthError, auth.UserStoreError) as exc:
        return _err(str(exc))
    print(f"removed {email} from {store.path}")
    return 0


def _run_unlock(args) -> int:
    try:
        store = _store(args)
        email = store.unlock(args.email)
    except (auth.AuthError, auth.UserStoreError) as exc:
        return _err(str(exc))
    print(f"unlocked {email} in {store.path}")
    return 0


def _run_list(args) -> int:
    try:
        store = _store(args)
        users = store.info()
    except (auth.AuthError, auth.UserStoreError) as exc:
        return _err(str(exc))
    if not users:
        print(f"no accounts in {store.path}", file=sys.stderr)
        return 0
    for u in users:
        status = []
        if u.locked_until is not None:
            status.append(f"locked until {u.locked_until:%Y-%m-%d %H:%M} UTC")
        elif u.failures:
            status.append(f"{u.failures} failed sign-in(s)")
        status.append(f"last sign-in {u.last_sign_in_at or 'never'}")
        print(f"{u.email}\t{'; '.join(status)}")
    return 0
