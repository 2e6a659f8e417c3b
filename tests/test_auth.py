"""Sign-in for the commissioner view: local accounts, lockout, sessions, OIDC allow-list,
the demo-open rule, the ``users`` command, and the sign-in page (AppTest)."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import stat
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from cara_metrics import access, auth, auth_cli, ui_auth
from cara_metrics.auth import AuthResult, UserStore

from .conftest import REPO

# Cheap Argon2 parameters keep the tests fast; the app itself uses the library defaults.
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
EMAIL = "analyst@pcc.example.gov.uk"
PASSWORD = "plum tractor lantern 42"
T0 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.timezone.utc)
OIDC_SECRETS = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret-not-used",
    "client_id": "client-id",
    "client_secret": "client-secret",
    "server_metadata_url": "https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration",
}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch, tmp_path):
    """Every test has its own users file and no allow-list or demo switch from outside."""
    monkeypatch.setenv("CARA_USERS_FILE", str(tmp_path / "cfg" / "users.json"))
    for name in ("CARA_STAFF_EMAILS", "CARA_STAFF_SUBJECTS", "CARA_DEMO_OPEN", "CARA_STAFF_OPEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def users_file(tmp_path) -> Path:
    return tmp_path / "cfg" / "users.json"


@pytest.fixture
def store(users_file) -> UserStore:
    s = UserStore(users_file, hasher=FAST)
    s.add(EMAIL, PASSWORD)
    return s


@pytest.fixture
def real_root(demo_copy) -> Path:
    """A copy of the demo data root whose manifest says the data is real."""
    manifest = next((demo_copy / "warehouse").glob("v*/manifest.json"))
    m = json.loads(manifest.read_text())
    m["synthetic"] = False
    manifest.write_text(json.dumps(m))
    return demo_copy


# --- hashing and verify ---------------------------------------------------------------------


def test_password_is_stored_as_argon2id_hash_never_in_clear(store, users_file):
    text = users_file.read_text()
    assert PASSWORD not in text
    rec = json.loads(text)["users"][EMAIL]
    assert rec["hash"].startswith("$argon2id$")
    assert FAST.verify(rec["hash"], PASSWORD)


def test_verify_accepts_right_password_with_normalised_email(store):
    r = store.verify("  Analyst@PCC.Example.gov.UK ", PASSWORD, now=T0)
    assert r == AuthResult(ok=True, reason="ok", email=EMAIL)


def test_wrong_password_and_unknown_email_look_the_same(store):
    wrong_password = store.verify(EMAIL, "not the password at all", now=T0)
    unknown_email = store.verify("nobody@pcc.example.gov.uk", PASSWORD, now=T0)
    assert wrong_password == unknown_email == AuthResult(ok=False, reason="invalid")
    assert wrong_password.email is None
    # ... and an unknown email also "locks" after 5 tries, so the lock reveals nothing either.
    for _ in range(4):
        unknown = store.verify("nobody@pcc.example.gov.uk", "x", now=T0)
    assert unknown.locked and unknown.locked_minutes == 15


def test_unknown_email_costs_a_hash_check(store, monkeypatch):
    calls = []
    real = store._check
    monkeypatch.setattr(store, "_check", lambda h, p: calls.append(h) or real(h, p))
    store.verify("nobody@pcc.example.gov.uk", "whatever password", now=T0)
    assert len(calls) == 1 and calls[0].startswith("$argon2id$")


def test_lockout_after_five_failures_and_unlock_after_fifteen_minutes(store):
    for i in range(4):
        assert store.verify(EMAIL, f"wrong password {i}", now=T0).reason == "invalid"
    fifth = store.verify(EMAIL, "wrong password 5", now=T0)
    assert fifth.locked and fifth.locked_minutes == 15
    assert fifth.locked_until == T0 + dt.timedelta(minutes=15)
    # Locked: the right password is refused too, until 15 minutes have passed.
    almost = store.verify(EMAIL, PASSWORD, now=T0 + dt.timedelta(minutes=14, seconds=59))
    assert almost.locked and not almost.ok and almost.locked_minutes == 1
    assert store.verify(EMAIL, PASSWORD, now=T0 + dt.timedelta(minutes=15)).ok


def test_lockout_survives_a_restart(store, users_file):
    for i in range(5):
        store.verify(EMAIL, f"wrong {i}", now=T0)
    reopened = UserStore(users_file, hasher=FAST)  # a new process would read the same file
    assert reopened.verify(EMAIL, PASSWORD, now=T0 + dt.timedelta(minutes=5)).locked
    assert reopened.info(now=T0)[0].failures == 5


_RESTARTED = """
import datetime as dt, sys
from argon2 import PasswordHasher
from cara_metrics.auth import UserStore
s = UserStore(sys.argv[1], hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
now = dt.datetime.fromisoformat(sys.argv[2])
print(s.verify(sys.argv[3], sys.argv[4], now=now).reason)
"""


def test_unknown_email_locks_survive_a_restart_like_real_ones(store, users_file):
    """Issue 11 item 9: an unknown email's lock was kept in memory only (lost on restart,
    evicted after 10,000 others), a real account's in the file: a restart, or a flood,
    told them apart. Now both are in the file, keyed by a hash of the email."""
    import subprocess
    import sys

    unknown = "nobody@pcc.example.gov.uk"
    for e in (EMAIL, unknown):
        for i in range(5):
            store.verify(e, f"wrong password {i}", now=T0)
    later = (T0 + dt.timedelta(minutes=5)).isoformat()
    for e in (EMAIL, unknown):  # a fresh process: nothing in memory
        out = subprocess.run([sys.executable, "-c", _RESTARTED, str(users_file), later, e, PASSWORD],
                             cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
        assert out == "locked", (e, out)
    text = users_file.read_text()
    assert unknown not in text  # a keyed hash, never what was typed in the email box
    assert len(json.loads(text)["attempts"]) == 2


def test_failed_attempts_write_the_file_alike_for_real_and_unknown_emails(store, users_file):
    before = users_file.read_text()
    store.verify("nobody@pcc.example.gov.uk", "wrong password", now=T0)
    after_unknown = users_file.read_text()
    assert after_unknown != before  # an unknown email is written down, as a real one is
    store.verify(EMAIL, "wrong password", now=T0)
    rows = json.loads(users_file.read_text())["attempts"].values()
    assert sorted(r["failures"] for r in rows) == [1, 1]
    # A streak and a lock both run out: their records are dropped on the next write.
    store.verify("someone@pcc.example.gov.uk", "wrong password", now=T0 + auth.LOCKOUT)
    assert len(json.loads(users_file.read_text())["attempts"]) == 1


def test_a_good_sign_in_resets_the_failure_count(store):
    for i in range(4):
        store.verify(EMAIL, f"wrong {i}", now=T0)
    assert store.verify(EMAIL, PASSWORD, now=T0).ok
    for i in range(4):
        assert store.verify(EMAIL, f"wrong {i}", now=T0).reason == "invalid"


def test_unlock_clears_a_lock(store):
    for i in range(5):
        store.verify(EMAIL, f"wrong {i}", now=T0)
    store.unlock(EMAIL)
    assert store.verify(EMAIL, PASSWORD, now=T0).ok


def test_hash_is_upgraded_when_parameters_change(store, users_file):
    old = json.loads(users_file.read_text())["users"][EMAIL]["hash"]
    assert "m=1024" in old
    stronger = UserStore(users_file, hasher=PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1))
    assert stronger.verify(EMAIL, PASSWORD, now=T0).ok
    new = json.loads(users_file.read_text())["users"][EMAIL]["hash"]
    assert new != old and "m=2048,t=2" in new
    assert stronger.verify(EMAIL, PASSWORD, now=T0).ok
    # A wrong password never rewrites the hash.
    stronger.verify(EMAIL, "wrong password here", now=T0)
    assert json.loads(users_file.read_text())["users"][EMAIL]["hash"] == new


# --- the file -------------------------------------------------------------------------------


def test_file_is_mode_0600_in_a_0700_folder_and_leaves_no_temporary_files(store, users_file):
    assert stat.S_IMODE(users_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(users_file.parent.stat().st_mode) == 0o700
    os.chmod(users_file, 0o644)  # someone loosened it: the next write tightens it again
    store.verify(EMAIL, "wrong password here", now=T0)
    assert stat.S_IMODE(users_file.stat().st_mode) == 0o600
    assert sorted(p.name for p in users_file.parent.iterdir()) == ["users.json", "users.json.lock"]


def test_an_existing_users_folder_is_made_private(users_file, tmp_path):
    """Issue 11 item 9: an existing folder kept its loose mode (only new ones were 0700)."""
    users_file.parent.mkdir(mode=0o755)
    os.chmod(users_file.parent, 0o755)
    s = UserStore(users_file, hasher=FAST)
    s.add(EMAIL, PASSWORD)
    assert stat.S_IMODE(users_file.parent.stat().st_mode) == 0o700
    os.chmod(users_file.parent, 0o750)  # loosened later: the next sign-in attempt tightens it
    s.verify(EMAIL, PASSWORD, now=T0)
    assert stat.S_IMODE(users_file.parent.stat().st_mode) == 0o700
    # A shared folder (sticky bit, like /tmp) is refused, not changed under its other users.
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    with pytest.raises(auth.UserStoreError, match="cannot be made private"):
        UserStore(shared / "users.json", hasher=FAST).add(EMAIL, PASSWORD)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777 and not (shared / "users.json").exists()


def test_refuses_a_users_file_inside_the_repository(tmp_path):
    with pytest.raises(auth.UnsafeUsersFileError, match="inside the repository"):
        UserStore(REPO / "users.json")
    with pytest.raises(auth.UnsafeUsersFileError):
        UserStore(REPO / "config" / "nested" / "users.json")
    link = tmp_path / "sneaky"
    link.symlink_to(REPO)  # a path outside that leads inside is refused too
    with pytest.raises(auth.UnsafeUsersFileError):
        UserStore(link / "users.json")
    assert not (REPO / "users.json").exists()


def test_default_path_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CARA_USERS_FILE", str(tmp_path / "elsewhere.json"))
    assert UserStore().path == tmp_path / "elsewhere.json"
    monkeypatch.delenv("CARA_USERS_FILE")
    assert auth.default_users_file() == Path("~/.config/cara-dashboard/users.json").expanduser()


def test_a_damaged_file_is_an_error_not_an_empty_store(users_file):
    users_file.parent.mkdir(parents=True)
    users_file.write_text("{not json")
    s = UserStore(users_file, hasher=FAST)
    with pytest.raises(auth.UserStoreError, match="damaged"):
        s.verify(EMAIL, PASSWORD)
    with pytest.raises(auth.UserStoreError):
        s.add(EMAIL, PASSWORD)


def test_there_is_no_default_user(users_file):
    s = UserStore(users_file, hasher=FAST)
    assert s.list() == []
    for email, password in [("admin@example.com", "admin"), ("admin", "password"), (EMAIL, PASSWORD)]:
        assert not s.verify(email, password).ok
    # Failed attempts are recorded (as for real accounts), but create no account.
    assert s.list() == [] and json.loads(users_file.read_text())["users"] == {}


# --- rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize("password, problem", [
    ("short pass", "at least 12 characters"),
    ("analyst@pcc.example.gov.uk", "email"),
    ("ANALYST@PCC.EXAMPLE.GOV.UK", "email"),
    ("password1234", "common"),
    ("Password2024!", "common"),
    ("Summer2025!!", "common"),
    ("Dorset123456", "common"),
    ("aaaaaaaaaaaaaaaa", "common"),
    ("123456789012", "common"),
    # Issue 11 item 9: these three were accepted.
    (" " * 12, "not counting spaces"),
    ("P@ssw0rd2024!", "too easy to guess"),
    ("Dorset@PCC2025", "organisation's name"),
    ("DorsetPCC@2025!!", "organisation's name"),
    ("Analyst#2025!xy", "or your email address"),  # the user's own email, dressed up
])
def test_password_rules_refuse(password, problem, users_file):
    problems = auth.password_problems(password, EMAIL)
    assert any(problem in p for p in problems), problems
    with pytest.raises(auth.WeakPasswordError):
        UserStore(users_file, hasher=FAST).add(EMAIL, password)
    assert not users_file.exists()


def test_password_rules_accept_a_long_uncommon_password():
    assert auth.password_problems(PASSWORD, EMAIL) == []
    assert auth.password_problems("x7#Kq!v2Lr9@", EMAIL) == []
    assert auth.password_problems("caravan lemon tree 7", "jane.smith@dorset.pcc.police.uk") == []


def test_emails_are_normalised_validated_and_unique(users_file):
    s = UserStore(users_file, hasher=FAST)
    assert s.add("  Boss@PCC.Example.gov.uk\n", PASSWORD) == "boss@pcc.example.gov.uk"
    assert s.list() == ["boss@pcc.example.gov.uk"]
    with pytest.raises(auth.DuplicateUserError):
        s.add("BOSS@pcc.example.gov.uk", PASSWORD + "x")
    for bad in ["", "boss", "boss@", "@pcc.gov.uk", "boss@pcc", "bo ss@pcc.gov.uk", "a@b@c.uk"]:
        with pytest.raises(auth.InvalidEmailError):
            s.add(bad, PASSWORD)
    assert s.list() == ["boss@pcc.example.gov.uk"]


def test_remove_and_unknown_accounts(store):
    with pytest.raises(auth.UnknownUserError):
        store.remove("nobody@pcc.example.gov.uk")
    with pytest.raises(auth.UnknownUserError):
        store.unlock("nobody@pcc.example.gov.uk")
    store.remove(EMAIL.upper())
    assert store.list() == []
    assert not store.verify(EMAIL, PASSWORD, now=T0).ok


# --- sessions and the demo-open rule ----------------------------------------------------------


def test_session_expiry_idle_and_absolute():
    h = dt.timedelta(hours=1)
    assert auth.session_expiry(T0, T0, T0 + auth.SESSION_IDLE - dt.timedelta(seconds=1)) is None
    assert auth.session_expiry(T0, T0, T0 + auth.SESSION_IDLE) == "idle"
    # Active all along, but past the absolute limit.
    late = T0 + auth.SESSION_ABSOLUTE
    assert auth.session_expiry(T0, late - dt.timedelta(minutes=1), late) == "absolute"
    assert auth.session_expiry(T0, late - h, late - dt.timedelta(minutes=1)) is None
    assert auth.session_expired(T0.replace(tzinfo=None), T0.replace(tzinfo=None), T0 + 13 * h)
    assert auth.SESSION_IDLE < auth.SESSION_ABSOLUTE


def test_demo_open_only_on_the_shipped_demo(demo_root, real_root, tmp_path):
    assert auth.demo_open(demo_root, {}) is True
    assert auth.demo_open(demo_root, {"CARA_DEMO_OPEN": "0"}) is False
    assert auth.demo_open(real_root, {}) is False
    assert auth.demo_open(real_root, {"CARA_DEMO_OPEN": "1"}) is False  # the old switch opens nothing
    assert auth.demo_open(tmp_path / "no-such-root", {}) is False  # no warehouse: closed


def test_a_synthetic_label_elsewhere_opens_nothing(demo_copy):
    """A byte-for-byte copy of the demo, manifest saying synthetic, in another folder: closed.
    The label is the uploader's to write; only the shipped root and its hashes open the pages."""
    assert json.loads(next((demo_copy / "warehouse").glob("v*/manifest.json")).read_text())["synthetic"] is True
    assert auth.demo_open(demo_copy, {}) is False
    assert access.open_reason(demo_copy, {}) is None


def test_shipped_root_with_changed_files_is_closed(demo_copy, monkeypatch):
    """Pretend the copy is the shipped root: it opens while it matches the committed hashes,
    and closes once any file changes, a file is added, or CURRENT names another version."""
    monkeypatch.setattr(access, "DEFAULT_DATA_DIR", demo_copy)
    assert access.open_reason(demo_copy, {}) == "shipped-demo"
    live = demo_copy / "warehouse" / "v0001"
    (live / "extra.parquet").write_bytes(b"x")
    assert access.open_reason(demo_copy, {}) is None
    (live / "extra.parquet").unlink()
    assert access.open_reason(demo_copy, {}) == "shipped-demo"
    m = json.loads((live / "manifest.json").read_text())
    m["note"] = "real data"
    (live / "manifest.json").write_text(json.dumps(m))
    assert access.open_reason(demo_copy, {}) is None


def test_operator_switch_opens_and_is_named(real_root):
    assert access.open_reason(real_root, {"CARA_STAFF_OPEN": "1"}) == "operator-switch"
    assert access.open_reason(real_root, {"CARA_STAFF_OPEN": "yes"}) is None  # exactly 1
    assert access.open_reason(real_root, {"CARA_STAFF_OPEN": "1", "CARA_DEMO_OPEN": "0"}) is None
    assert "CARA_STAFF_OPEN=1" in ui_auth.OPERATOR_OPEN_TEXT


def test_committed_fingerprint_matches_the_shipped_demo(demo_root):
    live = demo_root / "warehouse" / (demo_root / "warehouse" / "CURRENT").read_text().strip()
    now = {"version": live.name, "files": access.fingerprint(live)}
    assert now == access.SHIPPED_DEMO, (
        "data/demo changed: paste this into cara_metrics/access.py SHIPPED_DEMO:\n" + json.dumps(now, indent=4))


# --- the users command ------------------------------------------------------------------------


def run_cli(argv: list[str], stdin: str | None = None, monkeypatch=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cara_metrics")
    sub = parser.add_subparsers(dest="command", required=True)
    auth_cli.register(sub)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return args.run(args)


def test_cli_add_list_unlock_remove(users_file, monkeypatch, capsys):
    f = ["--users-file", str(users_file)]
    assert run_cli(["users", "add", "Boss@PCC.example.gov.uk", "--password-stdin", *f], PASSWORD + "\n", monkeypatch) == 0
    assert "added boss@pcc.example.gov.uk" in capsys.readouterr().out
    assert UserStore(users_file).verify("boss@pcc.example.gov.uk", PASSWORD).ok
    assert run_cli(["users", "add", "boss@pcc.example.gov.uk", "--password-stdin", *f], PASSWORD + "\n", monkeypatch) == 1
    assert "already has an account" in capsys.readouterr().err

    s = UserStore(users_file, hasher=FAST)
    for i in range(5):
        s.verify("boss@pcc.example.gov.uk", f"wrong {i}")
    assert run_cli(["users", "list", *f]) == 0
    out = capsys.readouterr().out
    assert out.startswith("boss@pcc.example.gov.uk\t") and "locked until" in out and "$argon2" not in out

    assert run_cli(["users", "unlock", "boss@pcc.example.gov.uk", *f]) == 0
    assert s.verify("boss@pcc.example.gov.uk", PASSWORD).ok
    assert run_cli(["users", "unlock", "nobody@pcc.example.gov.uk", *f]) == 1
    assert run_cli(["users", "remove", "nobody@pcc.example.gov.uk", *f]) == 1
    assert run_cli(["users", "remove", "boss@pcc.example.gov.uk", *f]) == 0
    capsys.readouterr()
    assert run_cli(["users", "list", *f]) == 0
    assert capsys.readouterr().out == ""


def test_cli_refuses_weak_passwords_bad_emails_and_files_in_the_repo(users_file, monkeypatch, capsys):
    f = ["--users-file", str(users_file)]
    assert run_cli(["users", "add", "boss@pcc.example.gov.uk", "--password-stdin", *f], "Password2024!\n", monkeypatch) == 1
    assert "too common" in capsys.readouterr().err
    assert run_cli(["users", "add", "not-an-email", "--password-stdin", *f], PASSWORD + "\n", monkeypatch) == 1
    assert run_cli(["users", "add", "boss@pcc.example.gov.uk", "--password-stdin",
                    "--users-file", str(REPO / "users.json")], PASSWORD + "\n", monkeypatch) == 1
    assert "inside the repository" in capsys.readouterr().err
    assert not users_file.exists() and not (REPO / "users.json").exists()


def test_cli_add_asks_for_the_password_twice(users_file, monkeypatch, capsys):
    f = ["--users-file", str(users_file)]
    answers = iter([PASSWORD, PASSWORD + " typo"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert run_cli(["users", "add", "boss@pcc.example.gov.uk", *f]) == 1
    assert "different" in capsys.readouterr().err and not users_file.exists()
    answers = iter([PASSWORD, PASSWORD])
    assert run_cli(["users", "add", "boss@pcc.example.gov.uk", *f]) == 0
    assert UserStore(users_file).list() == ["boss@pcc.example.gov.uk"]


def test_cli_usage_and_help(capsys):
    assert run_cli(["users"]) == 2
    assert run_cli(["users", "add"]) == 2  # EMAIL missing
    for cmd in ("add", "remove", "list", "unlock"):
        assert run_cli(["users", cmd, "--help"]) == 0
        assert "--users-file" in capsys.readouterr().out


# --- the sign-in page (AppTest) ---------------------------------------------------------------

SIGN_IN = str(REPO / "views" / "sign_in.py")


def sign_in_page() -> AppTest:
    return AppTest.from_file(SIGN_IN, default_timeout=30)


def submit(at: AppTest, email: str, password: str) -> AppTest:
    at.text_input[0].input(email)
    at.text_input[1].input(password)
    at.button[0].click()
    return at.run()


def errors(at: AppTest) -> str:
    return " ".join(e.value for e in at.error)


def test_page_locks_after_five_wrong_passwords(store, monkeypatch):
    monkeypatch.setenv("CARA_DEMO_OPEN", "0")
    at = sign_in_page().run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["Email address", "Password"]
    for i in range(4):
        submit(at, EMAIL, f"wrong password {i}")
        assert "do not match" in errors(at)
        assert "locked" not in errors(at)
    submit(at, EMAIL, "wrong password 5")
    assert "locked for 15 minutes" in errors(at)
    submit(at, EMAIL, PASSWORD)  # the right password while locked: still refused
    assert "locked for" in errors(at)
    assert ui_auth.K_EMAIL not in at.session_state
    assert not at.exception


def test_page_message_never_says_which_part_was_wrong(store):
    at = sign_in_page().run()
    submit(at, EMAIL, "wrong password here")
    wrong_password = errors(at)
    submit(at, "someone.else@pcc.example.gov.uk", PASSWORD)
    assert errors(at) == wrong_password
    assert "email address and password" in wrong_password


def test_page_signs_in_with_the_right_password_and_out_again(store, monkeypatch):
    monkeypatch.setenv("CARA_DEMO_OPEN", "0")
    at = sign_in_page().run()
    submit(at, EMAIL.upper(), PASSWORD)
    assert not at.exception
    assert at.session_state[ui_auth.K_EMAIL] == EMAIL
    assert isinstance(at.session_state[ui_auth.K_SIGNED_IN_AT], dt.datetime)
    assert any("signed in as" in s.value and "analyst@pcc" in s.value for s in at.success)
    assert len(at.text_input) == 0  # the form is gone
    at.button(key="cara-sign-out-page").click().run()
    assert ui_auth.K_EMAIL not in at.session_state
    assert [t.label for t in at.text_input] == ["Email address", "Password"]
    assert any("signed out" in i.value for i in at.info)


def test_page_enforces_idle_expiry_on_the_next_run(store, monkeypatch):
    monkeypatch.setenv("CARA_DEMO_OPEN", "0")
    at = sign_in_page().run()
    submit(at, EMAIL, PASSWORD)
    assert at.session_state[ui_auth.K_EMAIL] == EMAIL
    at.session_state[ui_auth.K_LAST_ACTIVITY] = auth.utcnow() - auth.SESSION_IDLE - dt.timedelta(minutes=1)
    at.run()
    assert ui_auth.K_EMAIL not in at.session_state
    assert any("expired" in i.value for i in at.info)


def test_removed_account_is_signed_out_on_the_next_run(store, monkeypatch):
    monkeypatch.setenv("CARA_DEMO_OPEN", "0")
    at = sign_in_page().run()
    submit(at, EMAIL, PASSWORD)
    assert at.session_state[ui_auth.K_EMAIL] == EMAIL
    store.remove(EMAIL)
    at.run()
    assert ui_auth.K_EMAIL not in at.session_state
    assert any("no longer active" in i.value for i in at.info)


BOSS_OID = "0c2f9b1e-6d3a-4a8e-9f50-1a2b3c4d5e6f"  # an Entra object ID (immutable)
BOSS = {"is_logged_in": True, "sub": "pairwise-sub-of-boss", "oid": BOSS_OID, "email": "Boss@PCC.example.gov.uk"}


def oidc_page(user: dict, staff: list[str] | None = None, cara: dict | None = None) -> AppTest:
    at = sign_in_page()
    at.secrets["auth"] = dict(OIDC_SECRETS)
    if staff is not None or cara:
        at.secrets["cara"] = {**({"staff_subjects": staff} if staff is not None else {}), **(cara or {})}
    at.user = user
    return at.run()


def test_oidc_subject_on_the_allow_list_is_signed_in_and_shown_by_email():
    at = oidc_page(BOSS, staff=[BOSS_OID])
    assert not at.exception
    assert any("signed in as" in s.value and "boss@pcc" in s.value for s in at.success)
    assert len(at.text_input) == 0 and not at.error


def test_oidc_allow_list_is_keyed_on_the_subject_never_the_email():
    """Issue 11 item 9: the email claim can be renamed or reassigned; the subject cannot."""
    # Someone else now holds the listed person's old address: refused, and told their ID.
    at = oidc_page({**BOSS, "oid": "9a9a9a9a-0000-4000-8000-000000000001"}, staff=[BOSS_OID])
    assert not at.success and "not on this dashboard's staff list" in errors(at)
    assert "9a9a9a9a" in errors(at)
    # The listed person with a changed email: still let in.
    at = oidc_page({**BOSS, "email": "jane.renamed@pcc.example.gov.uk"}, staff=[BOSS_OID])
    assert any("renamed" in s.value for s in at.success)
    # Without an oid (not Entra ID), sub is the subject; an oid, when sent, wins over sub.
    at = oidc_page({"is_logged_in": True, "sub": "alice-sub", "email": "alice@example.org"}, staff=["alice-sub"])
    assert any("alice@example" in s.value for s in at.success)
    at = oidc_page(BOSS, staff=["pairwise-sub-of-boss"])
    assert not at.success and "not on this dashboard's staff list" in errors(at)


def test_oidc_email_allow_list_is_refused_with_a_clear_message(monkeypatch):
    """A config from before subjects (staff_emails) is not half-honoured: everyone is refused,
    and the sign-in page says why before anyone signs in."""
    at = oidc_page(BOSS, staff=[BOSS_OID], cara={"staff_emails": ["boss@pcc.example.gov.uk"]})
    assert not at.success and "no longer accepts" in errors(at) and "staff_subjects" in errors(at)
    at = oidc_page({"is_logged_in": False}, cara={"staff_emails": ["boss@pcc.example.gov.uk"]})
    assert "no longer accepts" in errors(at) and not at.button  # no sign-in button to a dead end
    monkeypatch.setenv("CARA_STAFF_EMAILS", "boss@pcc.example.gov.uk")
    at = oidc_page(BOSS, staff=[BOSS_OID])
    assert not at.success and "no longer accepts" in errors(at)


def test_oidc_user_not_on_the_allow_list_is_refused():
    at = oidc_page({"is_logged_in": True, "sub": "intruder", "email": "intruder@example.com"}, staff=[BOSS_OID])
    assert not at.success
    assert "not on this dashboard's staff list" in errors(at)
    assert at.button(key="cara-sign-out-page").label == "Sign out"


def test_oidc_with_an_empty_allow_list_lets_nobody_in():
    at = oidc_page(BOSS)
    assert not at.success and "not on this dashboard's staff list" in errors(at)


def test_oidc_allow_list_from_the_environment(monkeypatch):
    monkeypatch.setenv("CARA_STAFF_SUBJECTS", " other-oid , " + BOSS_OID)
    at = oidc_page(BOSS)
    assert any("signed in as" in s.value for s in at.success)


@pytest.mark.parametrize("claims, shown", [
    ({"email_verified": False}, "is not verified"),
    ({"tid": "another-tenant"}, "from another organisation"),
    ({"iat": (auth.utcnow() - auth.SESSION_ABSOLUTE - dt.timedelta(minutes=5)).timestamp()}, "Sign out and sign in again"),
    ({"oid": None, "sub": None}, "did not say who you are"),
])
def test_oidc_listed_subject_is_still_refused_for(claims, shown):
    at = oidc_page({**BOSS, "tid": "our-tenant", **claims}, staff=[BOSS_OID], cara={"allowed_tenant_id": "our-tenant"})
    assert not at.success and shown in errors(at)


def test_oidc_anonymous_sees_the_microsoft_button_not_the_password_form():
    at = oidc_page({"is_logged_in": False}, staff=[BOSS_OID])
    assert [b.label for b in at.button] == ["Sign in with Microsoft"]
    assert len(at.text_input) == 0 and not at.success


# --- commissioner_allowed and require_commissioner (no page) -----------------------------------


def _probe():
    import streamlit as st

    from cara_metrics import ui_auth

    v = ui_auth.viewer()
    st.text(f"allowed={ui_auth.commissioner_allowed()} signed_in={v.signed_in} method={v.method} email={v.email}")
    ui_auth.require_commissioner()
    st.text("COMMISSIONER CONTENT")


def probe(user: dict | None = None, secrets: dict | None = None, state: dict | None = None) -> tuple[str, AppTest]:
    at = AppTest.from_function(_probe, default_timeout=30)
    if user is not None:
        at.user = user
    for k, v in (secrets or {}).items():
        at.secrets[k] = v
    for k, v in (state or {}).items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, at.exception
    return at.text[0].value, at


def test_commissioner_allowed_on_synthetic_data_without_sign_in(monkeypatch, demo_root):
    monkeypatch.setenv("CARA_DATA_DIR", str(demo_root))
    line, at = probe()
    assert line == "allowed=True signed_in=False method=demo-open email=None"
    assert [t.value for t in at.text][-1] == "COMMISSIONER CONTENT"
    assert any("Open because this is the synthetic demonstration data shipped" in i.value for i in at.info)


def test_commissioner_open_on_real_data_only_by_the_operator_switch(monkeypatch, real_root):
    monkeypatch.setenv("CARA_DATA_DIR", str(real_root))
    monkeypatch.setenv("CARA_STAFF_OPEN", "1")
    line, at = probe()
    assert line == "allowed=True signed_in=False method=operator-open email=None"
    assert any("CARA_STAFF_OPEN=1" in w.value for w in at.warning)


def test_commissioner_closed_on_synthetic_data_when_demo_open_is_off(monkeypatch, demo_root):
    monkeypatch.setenv("CARA_DATA_DIR", str(demo_root))
    monkeypatch.setenv("CARA_DEMO_OPEN", "0")
    line, at = probe()
    assert line.startswith("allowed=False")
    assert "COMMISSIONER CONTENT" not in [t.value for t in at.text]


def test_commissioner_never_open_on_real_data(monkeypatch, real_root):
    monkeypatch.setenv("CARA_DATA_DIR", str(real_root))
    monkeypatch.setenv("CARA_DEMO_OPEN", "1")
    line, at = probe()
    assert line == "allowed=False signed_in=False method=None email=None"
    assert "COMMISSIONER CONTENT" not in [t.value for t in at.text]
    assert any("for PCC office staff" in w.value for w in at.warning)
    assert not at.info  # no demo banner


def test_commissioner_on_real_data_for_signed_in_staff(monkeypatch, real_root, store):
    monkeypatch.setenv("CARA_DATA_DIR", str(real_root))
    now = auth.utcnow()
    local = {ui_auth.K_EMAIL: EMAIL, ui_auth.K_SIGNED_IN_AT: now, ui_auth.K_LAST_ACTIVITY: now}
    line, at = probe(state=local)
    assert line == f"allowed=True signed_in=True method=local email={EMAIL}"
    assert "COMMISSIONER CONTENT" in [t.value for t in at.text] and not at.info
    # A session naming an email with no account (removed, or never added) lets nobody in.
    line, _ = probe(state={**local, ui_auth.K_EMAIL: "ghost@pcc.example.gov.uk"})
    assert line.startswith("allowed=False")
    # OIDC: allowed email in, other email out; local session state is ignored under OIDC.
    oidc = {"auth": dict(OIDC_SECRETS), "cara": {"staff_subjects": [BOSS_OID]}}
    line, _ = probe(user=BOSS, secrets=oidc)
    assert line == "allowed=True signed_in=True method=oidc email=boss@pcc.example.gov.uk"
    line, _ = probe(user={"is_logged_in": True, "sub": "x", "email": "intruder@example.com"}, secrets=oidc, state=local)
    assert line.startswith("allowed=False")
    # Without an [auth] section, an identity in st.user is not trusted.
    line, _ = probe(user=BOSS, secrets={"cara": {"staff_subjects": [BOSS_OID]}})
    assert line.startswith("allowed=False")


def test_auth_and_its_command_do_not_import_streamlit():
    import subprocess
    import sys

    code = "import sys, cara_metrics.auth, cara_metrics.auth_cli; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
