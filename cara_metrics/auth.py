"""Local staff accounts for the commissioner view (no Streamlit here).

Accounts live in one JSON file **outside the repository**: ``$CARA_USERS_FILE``, default
``~/.config/cara-dashboard/users.json``. Passwords are hashed with Argon2id
(argon2-cffi ``PasswordHasher``) and rehashed on the next good sign-in when the hashing
parameters change. The file is written atomically (temporary file, fsync, rename) with
mode 0600, under a lock so that the app and the ``users`` command can share it.

Sign-in rules:

- after ``MAX_FAILURES`` (5) wrong passwords in a row (each within ``LOCKOUT`` of the
  last) an email is locked for ``LOCKOUT`` (15 minutes), and refused even with the right
  password;
- failed attempts and locks are kept per email in the file's ``attempts`` section, keyed
  by a keyed hash of the email (never the typed text: people type passwords into the email
  box), **for every email alike, with or without an account**: the same hash work, the
  same write, the same persistence across a restart, the same expiry. So neither timing,
  nor a lock, nor a restart, nor a flood of other emails tells a real account from an
  unknown one, and sign-in never says which of email and password was wrong. Records
  whose lock and streak have run out are dropped on the next write, which bounds the
  section by the attempts of the last 15 minutes (each costs an Argon2 hash);
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
import hashlib
import hmac
import json
import math
import os
import re
import secrets
import stat
import tempfile
import threading
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


#: zxcvbn's top score: an estimated 10^10 guesses or more. Three or four unrelated words
#: reach it; a name, a year and a symbol ("Dorset@PCC2025", "P@ssw0rd2024!") do not.
MIN_STRENGTH_SCORE = 4
#: zxcvbn refuses longer input; the first 72 characters are enough to judge strength.
_STRENGTH_PREFIX = 72
#: Words that name the organisation, its partners and its work. Passwords built from them
#: ("DorsetPCC@2025!!") are the first an attacker who knows the office would try.
ORGANISATION_WORDS = frozenset({
    "dorset", "pcc", "opcc", "police", "crime", "commissioner", "cara", "hampton", "trust",
    "dashboard", "bournemouth", "christchurch", "poole", "bcp", "gov", "office",
})
#: Letters that must remain once organisation words are taken out of a password.
_MIN_OTHER_LETTERS = 8


def _organisation_words(email: str | None) -> set[str]:
    """The built-in organisation words plus the parts of the user's own email address
    (its domain names the organisation of whoever uses it: dorset, pcc, police...)."""
    words = set(ORGANISATION_WORDS)
    if email:
        words.update(w for w in re.split(r"[^a-z0-9]+", normalise_email(email)) if len(w) >= 3)
    return words


def _built_from(letters: str, words: set[str]) -> bool:
    """True if an organisation word appears in ``letters`` and, with every such word taken
    out, fewer than ``_MIN_OTHER_LETTERS`` letters are left."""
    found = False
    for w in sorted(words, key=len, reverse=True):
        if w and w in letters:
            found = True
            letters = letters.replace(w, "")
    return found and len(letters) < _MIN_OTHER_LETTERS


def password_problems(password: str, email: str | None = None) -> list[str]:
    """What is wrong with a new password (empty list: it is allowed).

    The policy (NCSC-style: length and unguessability, no composition rules): at least
    ``MIN_PASSWORD_LENGTH`` characters other than spaces; not the email address; not a
    common password or a common word dressed up with digits and symbols; not built from
    the organisation's name; and zxcvbn's top strength score (``MIN_STRENGTH_SCORE``),
    judged with the email's parts and the organisation's words as known to the attacker.
    """
    problems: list[str] = []
    visible = re.sub(r"\s", "", password)
    if len(visible) < MIN_PASSWORD_LENGTH:
        problems.append(f"it must be at least {MIN_PASSWORD_LENGTH} characters long, not counting spaces")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"it must be at most {MAX_PASSWORD_LENGTH} characters long")
    if problems:
        return problems
    low = password.strip().lower()
    if email:
        e = normalise_email(email)
        local = e.split("@")[0]
        if low in (e, local) or low.replace(" ", "") in (e, local):
            problems.append("it must not be your email address")
    letters_only = re.sub(r"[^a-z]", "", low)
    org = _organisation_words(email)
    if low in COMMON_PASSWORDS or letters_only in COMMON_WORDS or len(set(low)) <= 2:
        problems.append("it is too common or too easy to guess")
    elif _built_from(letters_only, org):
        problems.append("it must not be built from the organisation's name or your email address")
    elif _strength(password, [*org, *COMMON_WORDS]) < MIN_STRENGTH_SCORE:
        problems.append("it is too easy to guess: a passphrase of three or four unrelated words is the "
                        "easiest strong choice")
    return problems


def _strength(password: str, known_words: list[str]) -> int:
    """zxcvbn's score (0-4). Imported here so the app, which never sets passwords, does not
    load its word lists."""
    from zxcvbn import zxcvbn

    return int(zxcvbn(password[:_STRENGTH_PREFIX], user_inputs=known_words)["score"])


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


# In-process state shared by every UserStore on the same file: a thread lock.
_PROCESS_LOCKS: dict[Path, threading.RLock] = {}
_PROCESS_LOCKS_GUARD = threading.Lock()
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
    its folder are created on the first write (mode 0600 and 0700); an existing folder
    that others can read is tightened to 0700 on every write or sign-in attempt, or
    refused (UserStoreError) when it is not ours to tighten (a shared folder like /tmp).
    """

    def __init__(self, path: Path | str | None = None, *, hasher: PasswordHasher | None = None):
        self.path = check_users_path(Path(path) if path is not None else default_users_file())
        self.hasher = hasher or PasswordHasher()
        self._lock = _process_lock(self.path)

    # -- file access --

    def _secure_folder(self) -> None:
        """Create the users folder (0700), or tighten an existing one to 0700.

        Assumes the folder holds only the users file and its lock (the default
        ``~/.config/cara-dashboard/``). A folder owned by another user, or a shared one
        with the sticky bit (``/tmp``), is refused rather than changed: making it private
        would break whoever else uses it.
        """
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            info = folder.stat()
        except OSError as exc:
            raise UserStoreError(f"Cannot create the folder of the users file {self.path}: {exc.strerror}.") from None
        if stat.S_IMODE(info.st_mode) & 0o077 == 0:
            return
        ours = not hasattr(os, "getuid") or info.st_uid == os.getuid()
        if not ours or info.st_mode & stat.S_ISVTX:
            raise UserStoreError(
                f"The folder {folder} of the users file is open to other users of this server and is not "
                f"this user's own folder, so it cannot be made private. Keep the users file in a folder "
                f"of its own, e.g. {DEFAULT_USERS_FILE} (set {USERS_FILE_ENV}).")
        try:
            os.chmod(folder, 0o700)
        except OSError as exc:
            raise UserStoreError(f"Cannot make the folder {folder} private (mode 0700): {exc.strerror}.") from None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the in-process lock and, on POSIX, an exclusive lock on ``<file>.lock``
        (creating or tightening the folder first)."""
        with self._lock:
            self._secure_folder()
            if fcntl is None:
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
        self._secure_folder()
        try:
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
        with self._locked():
            data = self._read()
            if e in data["users"]:
                raise DuplicateUserError(f"{e} already has an account. To reset its password, remove it and add it again.")
            data["users"][e] = {"hash": hashed, "created_at": _iso(utcnow()), "last_sign_in_at": None}
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
            self._forget_attempts(data, e)
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
        data = self._read()
        out = []
        for e, rec in sorted(data["users"].items()):
            failures, until = self._streak(data, e, now)
            out.append(UserInfo(email=e, created_at=rec.get("created_at"), last_sign_in_at=rec.get("last_sign_in_at"),
                                failures=failures, locked_until=until))
        return out

    # -- failed attempts: one record per email, with or without an account --

    @staticmethod
    def _attempt_key(data: dict[str, Any], e: str) -> str:
        """A keyed hash of the email: the file never holds what people typed in the email box."""
        key = data.get("attempts_key")
        try:
            raw = bytes.fromhex(key) if isinstance(key, str) else b""
        except ValueError:
            raw = b""
        if len(raw) < 32:
            raw = secrets.token_bytes(32)
            data["attempts_key"] = raw.hex()
        return hmac.new(raw, e.encode("utf-8"), hashlib.sha256).hexdigest()

    @staticmethod
    def _attempts(data: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(data.get("attempts"), dict):
            data["attempts"] = {}
        return data["attempts"]

    def _streak(self, data: dict[str, Any], e: str, now: dt.datetime) -> tuple[int, dt.datetime | None]:
        """(failures in a row, lock end) for an email now; a run-out lock or a streak
        whose last failure is more than ``LOCKOUT`` old counts as none. Reads the
        per-account fields older files kept when the email has no attempts record."""
        rec = self._attempts(data).get(self._attempt_key(data, e))
        if not isinstance(rec, dict):
            rec = data["users"].get(e) or {}
        until = _parse_time(rec.get("locked_until"))
        last = _parse_time(rec.get("last_failure_at"))
        failures = int(rec.get("failures") or 0)
        if until is not None:
            return (failures, until) if now < until else (0, None)
        if failures and last is not None and now - last >= LOCKOUT:
            return 0, None
        return failures, None

    def _forget_attempts(self, data: dict[str, Any], e: str) -> None:
        self._attempts(data).pop(self._attempt_key(data, e), None)
        rec = data["users"].get(e)
        if rec is not None:
            rec.pop("failures", None)
            rec.pop("locked_until", None)

    @staticmethod
    def _prune(attempts: dict[str, Any], now: dt.datetime) -> None:
        """Drop records whose lock and streak have both run out (bounds the section)."""
        for k in [k for k, r in attempts.items() if not isinstance(r, dict)
                  or ((_parse_time(r.get("locked_until")) or now) <= now
                      and now - (_parse_time(r.get("last_failure_at")) or now - LOCKOUT) >= LOCKOUT)]:
            del attempts[k]

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
        bound memory), then the file is read again under the lock and updated. An email
        with no account goes through exactly the same steps (a dummy hash, the same
        attempts record, the same write), so nothing tells it from a real account.
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
            failures, until = self._streak(data, e, now)
            if until is not None:  # locked: refused even with the right password
                return self._locked_result(until, now)
            attempts = self._attempts(data)
            self._prune(attempts, now)
            if good and rec is not None and str(rec.get("hash", "")) == stored:
                self._forget_attempts(data, e)
                if self.hasher.check_needs_rehash(stored):
                    rec["hash"] = self.hasher.hash(password)
                rec["last_sign_in_at"] = _iso(now)
                self._write(data)
                return AuthResult(ok=True, reason="ok", email=e)
            # A wrong password, an unknown email, or a password reset meanwhile: counted alike.
            failures += 1
            until = now + LOCKOUT if failures >= MAX_FAILURES else None
            attempts[self._attempt_key(data, e)] = {"failures": failures, "last_failure_at": _iso(now),
                                                    "locked_until": _iso(until)}
            if rec is not None:
                rec.pop("failures", None)
                rec.pop("locked_until", None)
            self._write(data)
            if until is not None:
                return self._locked_result(until, now)
            return AuthResult(ok=False, reason="invalid")
