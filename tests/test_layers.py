"""The layering rules are import-linter contracts (.importlinter), run here on every test run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import REPO


def _lint(*args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("lint-imports")
    cmd = [str(exe) if exe.exists() else shutil.which("lint-imports") or "lint-imports", *args]
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)


def test_import_contracts_hold():
    out = _lint()
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout and "9 kept" in out.stdout, out.stdout[-2000:]


def test_a_broken_rule_is_reported(tmp_path):
    """The checker really checks: a config forbidding an import the code makes is reported broken."""
    cfg = tmp_path / "broken.ini"
    cfg.write_text("[importlinter]\nroot_packages =\n    cara_metrics\n\n[importlinter:contract:x]\nname = x\n"
                   "type = forbidden\nsource_modules =\n    cara_metrics.analysis\nforbidden_modules =\n    cara_metrics.metrics\n")
    out = _lint("--config", str(cfg))
    assert out.returncode != 0 and "BROKEN" in out.stdout
