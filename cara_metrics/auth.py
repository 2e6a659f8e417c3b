"""Local staff accounts for the commissioner view (no Streamlit here).

Accounts live in one JSON file **outside the repository**: ``$CARA_USERS_FILE``, default
``~/.config/cara-dashboard/users.json``. Passwords are hashed with Argon2id
(argon2-cffi ``PasswordHasher``) and rehashed on the next good sign-in when the hashing
parameters change. The file is written atomically (temporary file, fsync, rename) with
mode 0600, under a lock so that the app and the ``users`` command can share it.

Sign-in rules:

- after ``MAX_FAILURES`` (5) wrong passwords in a row an account is locked for
  ``LOCKOUT`` (15 minutes); the lock is kept in the file, so it survives a restart, and a
  locked account is refused even with the right password;
- an unknown email costs the same hash work as a known one and, after 5 tries, is
  reported as locked in the same way (kept in memory only), so sign-in never reveals
  whether an account exists, nor which of email and password was wrong;
- a session ends after ``SESSION_IDLE`` without activity or ``SESSION_ABSOLUTE`` after
  sign-in, whichever comes first (``session_expiry``).

There is no default user and no default password: an administrator adds accounts with
``python -m cara_metrics users add EMAIL`` (see ``cara_metrics.auth_cli``).

The demo-open rule (``demo_open``, decided in ``cara_metrics.access``) needs no Streamlit:
the commissioner view may be open without sign-in only on the demo data shipped in the
repository (checked against hashes committed in the code) or when the operator sets
``CARA_STAFF_OPEN=1``; never because an uploaded file says its data is synthetic.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import re
import secrets
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Literal, Mapping

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from . import access
from .dataroot import REPO_DIR

try:  # POSIX only; on other systems the in-process lock still serialises the app's threads
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

# --- policy -------------------------------------------------------------------------------

MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
SESSION_IDLE = dt.timedelta(hours=1)
SESSION_ABSOLUTE = dt.timedelta(hours=12)
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
USERS_FILE_ENV = "CARA_USERS_FILE"
DEFAULT_USERS_FILE = Path("~/.config/cara-dashboard/users.json")
FILE_FORMAT_VERSION = 1

# Whole passwords seen at the top of breach lists (12 characters or more) ...
COMMON_PASSWORDS = frozenset({
    "123456789012", "1234567890123", "12345678901234", "123456789000", "111111111111",
    "000000000000", "123123123123", "qwertyuiopas", "qwertyuiop123", "qwerty123456",
    "1q2w3e4r5t6y", "1qaz2wsx3edc", "zaq12wsxcde3", "abcdefghijkl", "abc123abc123",
    "password1234", "password12345", "password123!", "passwordpassword", "iloveyou1234",
    "letmein12345", "welcome12345", "changeme1234", "administrator", "trustno1trustno1",
    "correcthorsebatterystaple", "football1234", "baseball1234", "sunshine1234",
    "princess1234", "superman1234", "monkey123456", "dragon123456", "starwars1234",
})
# ... and words that, with only digits and symbols added, make a guessable password
# ("Password2024!", "Summer2025!!", "Dorset123456").
COMMON_WORDS = frozenset({
    "password", "passw", "pass", "qwerty", "qwertyuiop", "letmein", "welcome", "changeme",
    "admin", "administrator", "login", "iloveyou", "monkey", "dragon", "football", "abc",
    "spring", "summer", "autumn", "winter", "january", "february", "march", "april", "may",
    "june", "july", "august", "september", "october", "november", "december",
    "monday", "friday", "dorset", "cara", "police", "commissioner", "pcc", "hampton",
    "secret", "test", "user", "staff", "master",
})

_EMAIL_RE = re.compile(r"^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")


# --- errors -------------------------------------------------------------------------------


class AuthError(ValueError):
    """Input rejected (bad email, weak password, unknown or duplicate account)."""


class InvalidEmailError(AuthError):
    pass


class WeakPasswordError(AuthError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("The password is not allowed: " + "; ".join(problems) + ".")


class UnknownUserError(AuthError):
    pass


class DuplicateUserError(AuthError):
    pass


class UnsafeUsersFileError(AuthError):
    """The users file would be inside the repository checkout (where it could be committed)."""


class UserStoreError(RuntimeError):
    """The users file cannot be read or written; the message says which file and why."""


# --- small pure helpers ---------------------------------------------------------------------


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _aware(t: dt.datetime) -> dt.datetime:
    """Treat a naive datetime as UTC, so callers can pass either."""
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.timezone.utc)


def normalise_email(email: str) -> str:
    """Strip and lower-case an email address (no validation)."""
    return (email or "").strip().lower()


def validate_email(email: str) -> str:
    """The normalised email, or InvalidEmailError if it does not look like an address."""
    e = normalise_email(email)
    if not e or len(e) > 254 or not _EMAIL_RE.match(e) or len(e.split("@")[0]) > 64:
        raise InvalidEmailError(f"{email.strip()!r} is not a valid email address (like name@example.gov.uk).")
    return e


def password_problems(password: str, email: str | None = None) -> list[str]:
    """What is wrong with a new password (empty list: it is allowed)."""
    problems: list[str] = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"it must be at least {MIN_PASSWORD_LENGTH} characters long")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"it must be at most {MAX_PASSWORD_LENGTH} characters long")
    low = password.strip().lower()
    if email:
        e = normalise_email(email)
        local = e.split("@")[0]
        if low in (e, local) or low.replace(" ", "") in (e, local):
            problems.append("it must not be your email address")
    letters_only = re.sub(r"[^a-z]", "", low)
    if low in COMMON_PASSWORDS or letters_only in COMMON_WORDS or (low and len(set(low)) <= 2):
        problems.append("it is too common or too easy to guess")
    return problems


def check_password(password: str, email: str | None = None) -> None:
    """Raise WeakPasswordError if the password breaks a rule."""
    problems = password_problems(password, email)
    if problems:
        raise WeakPasswordError(problems)


ExpiryReason = Literal["idle", "absolute"]


def session_expiry(signed_in_at: dt.datetime, last_activity: dt.datetime, now: dt.datetime | None = None,
                   *, idle: dt.timedelta = SESSION_IDLE, absolute: dt.timedelta = SESSION_ABSOLUTE) -> ExpiryReason | None:
    """Why a session has expired ("absolute" or "idle"), or None if it is still valid."""
    now = _aware(now or utcnow())
    if now - _aware(signed_in_at) >= absolute:
        return "absolute"
    if now - _aware(last_activity) >= idle:
        return "idle"
    return None


def session_expired(signed_in_at: dt.datetime, last_activity: dt.datetime, now: dt.datetime | None = None) -> bool:
    return session_expiry(signed_in_at, last_activity, now) is not None


def demo_open(root: Path | None = None, environ: Mapping[str, str] | None = None) -> bool:
    """True only if the staff pages may open without sign-in: the shipped demo data, or the
    operator's ``CARA_STAFF_OPEN=1`` (see ``cara_metrics.access``; never a file's own label)."""
    return access.open_reason(root, environ) is not None


# --- the users file -------------------------------------------------------------------------


def default_users_file(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    value = env.get(USERS_FILE_ENV, "").strip()
    return Path(value or DEFAULT_USERS_FILE).expanduser()


def check_users_path(path: Path, repo: Path = REPO_DIR) -> Path:
    """The absolute users-file path, or UnsafeUsersFileError if it is inside the repository."""
    resolved = Path(os.path.abspath(Path(path).expanduser()))
    resolved = resolved.parent.resolve() / resolved.name  # follow symlinked folders
    if resolved.is_symlink():
        resolved = resolved.resolve()
    repo = repo.resolve()
    if resolved == repo or resolved.is_relative_to(repo):
        raise UnsafeUsersFileError(
            f"The users file {resolved} is inside the repository checkout {repo}, where it could be "
            f"committed. Keep it outside, e.g. {DEFAULT_USERS_FILE} (set {USERS_FILE_ENV})."
        )
    return resolved


@dataclass(frozen=True)
class AuthResult:
    """The outcome of one sign-in attempt.

    ``ok`` is True only for the right password on an unlocked account. On failure
    ``reason`` is "invalid" (email or password wrong: deliberately not saying which) or
    "locked" (with ``locked_minutes``, rounded up).
    """

    ok: bool
    reason: Literal["ok", "invalid", "locked"]
    email: str | None = None
    locked_until: dt.datetime | None = None
    locked_minutes: int = 0

    @property
    def locked(self) -> bool:
        return self.reason == "locked"


@dataclass(frozen=True)
class UserInfo:
    """What ``users list`` shows about an account (never the hash)."""

    email: str
    created_at: str | None
    last_sign_in_at: str | None
    failures: int
    locked_until: dt.datetime | None


def _iso(t: dt.datetime | None) -> str | None:
    return None if t is None else _aware(t).astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def _parse_time(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        return _aware(dt.datetime.fromisoformat(str(value)))
    except ValueError:
        return None


# In-process state shared by every UserStore on the same file: a thread lock, and failure
# counts for unknown emails (so they are "locked" like real ones, without writing them down).
_PROCESS_LOCKS: dict[Path, threading.RLock] = {}
_PROCESS_LOCKS_GUARD = threading.Lock()
_PHANTOM_LIMIT = 10_000
_PHANTOMS: "OrderedDict[tuple[Path, str], tuple[int, dt.datetime | None]]" = OrderedDict()
_DUMMY_HASHES: dict[tuple[int, int, int, int, int], str] = {}
# Argon2 uses 64 MiB per hash by default: at most two at once (the app runs on 2 cores).
_HASH_SLOTS = threading.BoundedSemaphore(2)


def _process_lock(path: Path) -> threading.RLock:
    with _PROCESS_LOCKS_GUARD:
        return _PROCESS_LOCKS.setdefault(path, threading.RLock())


class UserStore:
    """Local staff accounts kept in one JSON file outside the repository.

    ``UserStore()`` uses ``$CARA_USERS_FILE`` or ``~/.config/cara-dashboard/users.json``.
    Raises UnsafeUsersFileError for a path inside the repository checkout. The file and
    its folder are created on the first ``add`` (mode 0600 and 0700).
    """

    def __init__(self, path: Path | str | None = None, *, hasher: PasswordHasher | None = None):
        self.path = check_users_path(Path(path) if path is not None else default_users_file())
        self.hasher = hasher or PasswordHasher()
        self._lock = _process_lock(self.path)

    # -- file access --

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the in-process lock and, on POSIX, an exclusive lock on ``<file>.lock``."""
        with self._lock:
            if fcntl is None or not self.path.parent.is_dir():
                yield
                return
            lock_path = self.path.with_name(self.path.name + ".lock")
            try:
                fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError as exc:
                raise UserStoreError(f"Cannot lock the users file {self.path}: {exc.strerror}.") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)  # closing releases the lock

    def _read(self) -> dict[str, Any]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {"version": FILE_FORMAT_VERSION, "users": {}}
        except OSError as exc:
            raise UserStoreError(f"Cannot read the users file {self.path}: {exc.strerror}.") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UserStoreError(f"The users file {self.path} is damaged (not JSON: {exc}).") from None
        if not isinstance(data, dict) or not isinstance(data.get("users"), dict):
            raise UserStoreError(f"The users file {self.path} is damaged (no \"users\" object).")
        return data

    def _write(self, data: dict[str, Any]) -> None:
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}-", suffix=".tmp", dir=folder)  # mode 0600
        except OSError as exc:
            raise UserStoreError(f"Cannot write the users file {self.path}: {exc.strerror}.") from None
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                os.fchmod(fh.fileno(), 0o600)
                json.dump(data, fh, indent=2, sort_keys=True)
                fh.write("\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
            dfd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise UserStoreError(f"Cannot write the users file {self.path}: {exc.strerror}.") from None
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    # -- administration --

    def add(self, email: str, password: str) -> str:
        """Add an account; returns the normalised email. Raises AuthError on bad input."""
        e = validate_email(email)
        check_password(password, e)
        hashed = self.hasher.hash(password)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with self._locked():
            data = self._read()
            if e in data["users"]:
                raise DuplicateUserError(f"{e} already has an account. To reset its password, remove it and add it again.")
            data["users"][e] = {"hash": hashed, "created_at": _iso(utcnow()), "failures": 0,
                                "locked_until": None, "last_sign_in_at": None}
            self._write(data)
        return e

    def remove(self, email: str) -> str:
        e = normalise_email(email)
        with self._locked():
            data = self._read()
            if e not in data["users"]:
                raise UnknownUserError(f"There is no account for {e} in {self.path}.")
            del data["users"][e]
            self._write(data)
        return e

    def unlock(self, email: str) -> str:
        """Clear failed attempts and any lock on an account."""
        e = normalise_email(email)
        with self._locked():
            data = self._read()
            if e not in data["users"]:
                raise UnknownUserError(f"There is no account for {e} in {self.path}.")
            data["users"][e].update(failures=0, locked_until=None)
            self._write(data)
        return e

    def list(self) -> list[str]:
        """The account emails, sorted."""
        return sorted(self._read()["users"])

    def exists(self, email: str) -> bool:
        return normalise_email(email) in self._read()["users"]

    def info(self, now: dt.datetime | None = None) -> list[UserInfo]:
        """Every account with its status (a lock that has run out shows as none)."""
        now = _aware(now or utcnow())
        out = []
        for e, rec in sorted(self._read()["users"].items()):
            until = _parse_time(rec.get("locked_until"))
            out.append(UserInfo(email=e, created_at=rec.get("created_at"), last_sign_in_at=rec.get("last_sign_in_at"),
                                failures=int(rec.get("failures") or 0), locked_until=until if until and until > now else None))
        return out

    # -- sign-in --

    def _dummy_hash(self) -> str:
        h = self.hasher
        key = (h.time_cost, h.memory_cost, h.parallelism, h.hash_len, h.salt_len)
        if key not in _DUMMY_HASHES:
            _DUMMY_HASHES[key] = h.hash(secrets.token_urlsafe(24))
        return _DUMMY_HASHES[key]

    def _check(self, stored_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    @staticmethod
    def _locked_result(until: dt.datetime, now: dt.datetime) -> AuthResult:
        minutes = max(1, math.ceil((until - now).total_seconds() / 60))
        return AuthResult(ok=False, reason="locked", locked_until=until, locked_minutes=minutes)

    def verify(self, email: str, password: str, now: dt.datetime | None = None) -> AuthResult:
        """Check a sign-in attempt, counting failures and locking after ``MAX_FAILURES``.

        The hash is checked outside the file lock (at most ``_HASH_SLOTS`` at a time, to
        bound memory), then the record is read again under the lock and updated.
        """
        now = _aware(now or utcnow())
        e = normalise_email(email)
        password = password if isinstance(password, str) else ""
        if len(password) > MAX_PASSWORD_LENGTH:
            password = password[:MAX_PASSWORD_LENGTH + 1]  # still wrong; bounded hashing work
        with self._locked():
            rec = self._read()["users"].get(e)
        stored = str(rec.get("hash", "")) if rec is not None else self._dummy_hash()
        with _HASH_SLOTS:
            good = self._check(stored, password) and rec is not None
        with self._locked():
            data = self._read()
            rec = data["users"].get(e)
            if rec is None:
                return self._phantom_failure(e, now)
            if str(rec.get("hash", "")) != stored:  # password reset meanwhile: not counted
                return AuthResult(ok=False, reason="invalid")
            until = _parse_time(rec.get("locked_until"))
            if until is not None and now >= until:  # the lock has run out: start afresh
                rec.update(failures=0, locked_until=None)
                until = None
            if until is not None:  # locked: refused even with the right password
                return self._locked_result(until, now)
            if not good:
                rec["failures"] = int(rec.get("failures") or 0) + 1
                if rec["failures"] >= MAX_FAILURES:
                    rec["locked_until"] = _iso(now + LOCKOUT)
                self._write(data)
                if rec["locked_until"]:
                    return self._locked_result(now + LOCKOUT, now)
                return AuthResult(ok=False, reason="invalid")
            if self.hasher.check_needs_rehash(stored):
                rec["hash"] = self.hasher.hash(password)
            rec.update(failures=0, locked_until=None, last_sign_in_at=_iso(now))
            self._write(data)
            return AuthResult(ok=True, reason="ok", email=e)

    def _phantom_failure(self, e: str, now: dt.datetime) -> AuthResult:
        """Count a failure for an email with no account, exactly as for a real one."""
        key = (self.path, e)
        with _PROCESS_LOCKS_GUARD:
            failures, until = _PHANTOMS.pop(key, (0, None))
            if until is not None and now >= until:
                failures, until = 0, None
            if until is None:
                failures += 1
                if failures >= MAX_FAILURES:
                    until = now + LOCKOUT
            _PHANTOMS[key] = (failures, until)
            while len(_PHANTOMS) > _PHANTOM_LIMIT:
                _PHANTOMS.popitem(last=False)
        if until is not None:
            return self._locked_result(until, now)
        return AuthResult(ok=False, reason="invalid")
