"""Helpers for the reverse-proxy tests: render deploy/'s nginx template, run nginx in the
foreground from a temporary folder (never /etc), and speak HTTP, HTTPS and the WebSocket
handshake to it with any Host header.

nginx comes from Debian (scripts/test.sh installs it with Chromium). When CI is set, a
missing nginx is a failure, never a skip.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator


from .browser import REPO, free_port, system_tool

RENDER = REPO / "deploy" / "render.py"
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")


def nginx_path() -> str:
    return system_tool((shutil.which("nginx") or "", "/usr/sbin/nginx"),
                       "nginx is not installed (apt-get install nginx); the reverse-proxy tests need it")


def self_signed(folder: Path, name: str) -> tuple[Path, Path]:
    """A throwaway certificate for ``name`` (also its own trust anchor in the test)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-days", "2", "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def render(settings: dict[str, str], out: Path) -> str:
    """Render the template exactly as docs/deploy-public.md tells an operator to."""
    cmd = [sys.executable, str(RENDER), "-o", str(out)] + [f"--set={k}={v}" for k, v in settings.items()]
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    return out.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Proxy:
    http_port: int
    https_port: int
    cert: Path
    site_conf: str
    brotli: bool


@contextlib.contextmanager
def nginx_proxy(folder: Path, server_name: str, upstream_port: int, data_dir: Path, home_page: str = "public",
                redirect_http: str = "0") -> Iterator[Proxy]:
    """nginx on two free loopback ports (HTTP and HTTPS) with the rendered repository config;
    ``data_dir`` is the app's data root (``/headlines`` is served from its release)."""
    nginx = nginx_path()
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = self_signed(folder, server_name.split()[0])
    http_port, https_port = free_port(), free_port()
    site = render({"CARA_SERVER_NAME": server_name, "CARA_UPSTREAM_PORT": str(upstream_port),
                   "CARA_HTTP_LISTEN": f"127.0.0.1:{http_port}", "CARA_HTTPS_LISTEN": f"127.0.0.1:{https_port}",
                   "CARA_TLS_CERTIFICATE": str(cert), "CARA_TLS_CERTIFICATE_KEY": str(key),
                   "CARA_HOME_PAGE": home_page, "CARA_REDIRECT_HTTP": redirect_http,
                   "CARA_DATA_DIR": str(Path(data_dir).resolve())}, folder / "cara-dashboard.conf")
    brotli = "\n    brotli            on;" in site
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / "tmp" / sub).mkdir(parents=True, exist_ok=True)
    # Only this wrapper is the test's own: what Debian's /etc/nginx/nginx.conf does, pointed
    # at the temporary folder. As root the workers would otherwise run as nobody and could
    # not write the temporary folder (large responses spill there).
    main = [
        "user root;" if os.geteuid() == 0 else "",
        f"load_module {BROTLI_MODULE};" if brotli else "",
        "worker_processes 1;", "daemon off;", f"pid {folder}/nginx.pid;", f"error_log {folder}/error.log warn;",
        "events { worker_connections 512; }",
        "http {",
        "  include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else "",
        "  default_type application/octet-stream;",
        f"  access_log {folder}/access.log;",
        *(f"  {sub}_temp_path {folder}/tmp/{'body' if sub == 'client_body' else sub};"
          for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")),
        f"  include {folder}/cara-dashboard.conf;",
        "}",
    ]
    conf = folder / "nginx.conf"
    conf.write_text("\n".join(line for line in main if line) + "\n", encoding="utf-8")
    base = [nginx, "-p", f"{folder}/", "-c", str(conf), "-e", str(folder / "error.log")]
    check = subprocess.run(base + ["-t"], capture_output=True, text=True)
    assert check.returncode == 0, f"nginx refuses the rendered configuration:\n{check.stderr}"
    proc = subprocess.Popen(base, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 15
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"nginx exited with {proc.returncode}: {(folder / 'error.log').read_text()}")
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                socket.create_connection(("127.0.0.1", http_port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        yield Proxy(http_port, https_port, cert, site, brotli)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "
    body: bytes


def tls_context(cert: Path) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=str(cert))
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


def fetch(port: int, path: str, host: str, *, tls: Path | None = None, sni: str | None = None,
          headers: dict[str, str] | None = None) -> Answer:
    """GET ``path`` from 127.0.0.1:port with this Host header (and, with ``tls`` = the
    certificate to trust, over HTTPS with SNI ``sni`` or the host name)."""
    if tls:
        raw = socket.create_connection(("127.0.0.1", port), timeout=30)
        conn = http.client.HTTPSConnection(host, port, timeout=30)
        conn.sock = tls_context(tls).wrap_socket(raw, server_hostname=sni or host)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": f"{host}:{port}", **(headers or {})})
        resp = conn.getresponse()
        merged: dict[str, str] = {}
        for name, value in resp.getheaders():
            merged[name.lower()] = f"{merged[name.lower()]}, {value}" if name.lower() in merged else value
        return Answer(resp.status, merged, resp.read())
    finally:
        conn.close()


def websocket_handshake(port: int, host: str) -> str:
    """Open Streamlit's WebSocket as a browser on ``host`` would; return the status line."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        key = base64.b64encode(os.urandom(16)).decode()
        s.sendall((f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                   f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                   f"Origin: http://{host}:{port}\r\nSec-WebSocket-Protocol: streamlit\r\n\r\n").encode())
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                return ""
            data += chunk
        return data.split(b"\r\n")[0].decode("latin-1")
