"""The reverse proxy we document is the one we test: deploy/nginx/cara-dashboard.conf.template,
rendered by deploy/render.py exactly as docs/deploy-public.md says, run in nginx (foreground,
temporary folder, loopback ports) in front of a public instance started with the documented
``STREAMLIT_SERVER_ALLOWED_HOSTS`` value. One Streamlit and one nginx for the module.

Checked: unknown Host names get nothing, /_stcore/metrics is not public, security headers on
every answer (HSTS over HTTPS only), gzip/brotli for JavaScript, CSS and JSON, a year's cache
for Streamlit's hashed files, every page path served, the WebSocket, the live release's static
headlines page at /headlines, and (Chromium) the
public page drawn through the proxy with no "Page not found" dialog.
"""

from __future__ import annotations

import http.client
import re
import ssl
import subprocess
import sys

import pytest

from .browser import CHROMIUM_ARGS, REPO, app_server, chromium_path, wait_for_page
from .proxy_helpers import RENDER, fetch, nginx_path, nginx_proxy, websocket_handshake

DOC = (REPO / "docs" / "deploy-public.md").read_text(encoding="utf-8")
# What an operator copies from the guide; the test runs with exactly these values.
ALLOWED_HOSTS = re.search(r"export STREAMLIT_SERVER_ALLOWED_HOSTS=(\S+)", DOC).group(1)
SERVER_NAME = re.search(r"CARA_SERVER_NAME=(\S+) \\", DOC).group(1)
OTHER = "evil.example"
APP_PATHS = re.findall(r'url_path="([^"]+)"', (REPO / "app.py").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def stack(release_only, tmp_path_factory):
    nginx_path()  # a missing nginx fails (CI) or skips before Streamlit is started
    env = {"CARA_DATA_DIR": str(release_only), "CARA_AUDIENCE": "public", "STREAMLIT_SERVER_ALLOWED_HOSTS": ALLOWED_HOSTS}
    with app_server(env) as base:
        upstream = int(base.rsplit(":", 1)[1])
        with nginx_proxy(tmp_path_factory.mktemp("nginx"), SERVER_NAME, upstream, release_only) as proxy:
            yield proxy, upstream


def _static_paths(proxy, suffix: str) -> list[str]:
    html = fetch(proxy.http_port, "/", SERVER_NAME).body.decode()
    return [p.lstrip(".") for p in re.findall(r'(?:src|href)="(\./static/[^"]+' + re.escape(suffix) + ')"', html)]


def test_the_guide_uses_the_repository_config_and_plain_host_names():
    assert "deploy/nginx/cara-dashboard.conf.template" in DOC and "python3 deploy/render.py" in DOC
    assert SERVER_NAME == ALLOWED_HOSTS == "cara.example.gov.uk"
    # The bracketed form is read as one name, brackets and all: the site's WebSocket is refused.
    for path in ("docs/deploy-public.md", "docs/deploy-commissioner.md", "README.md", ".streamlit/config.toml"):
        text = (REPO / path).read_text(encoding="utf-8")
        assert not re.search(r"STREAMLIT_SERVER_ALLOWED_HOSTS='?\[", text), path


def test_render_refuses_missing_or_unsafe_values():
    run = subprocess.run([sys.executable, str(RENDER)], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert run.returncode == 2 and "CARA_SERVER_NAME is not set" in run.stderr
    run = subprocess.run([sys.executable, str(RENDER), "--set=CARA_SERVER_NAME=a.example; return 200",
                          "--set=CARA_TLS_CERTIFICATE=/c.pem", "--set=CARA_TLS_CERTIFICATE_KEY=/k.pem"],
                         capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert run.returncode == 2 and "CARA_SERVER_NAME=" in run.stderr and run.stdout == ""


def test_other_host_names_get_no_answer(stack):
    proxy, _ = stack
    assert fetch(proxy.http_port, "/", SERVER_NAME).status == 200
    with pytest.raises(http.client.RemoteDisconnected):  # 444: connection closed, nothing sent
        fetch(proxy.http_port, "/", OTHER)
    with pytest.raises(http.client.RemoteDisconnected):  # right certificate name, wrong Host
        fetch(proxy.https_port, "/", OTHER, tls=proxy.cert, sni=SERVER_NAME)
    with pytest.raises(ssl.SSLError):  # another name in the TLS handshake: refused outright
        fetch(proxy.https_port, "/", SERVER_NAME, tls=proxy.cert, sni=OTHER)
    assert websocket_handshake(proxy.http_port, OTHER) == ""


def test_metrics_are_not_public_but_health_is(stack):
    proxy, upstream = stack
    assert fetch(upstream, "/_stcore/metrics", "127.0.0.1").status == 200  # there, on loopback
    for port, tls in ((proxy.http_port, None), (proxy.https_port, proxy.cert)):
        answer = fetch(port, "/_stcore/metrics", SERVER_NAME, tls=tls)
        assert answer.status == 404 and b"session_events" not in answer.body
    assert fetch(proxy.http_port, "/_stcore/health", SERVER_NAME).body == b"ok"


@pytest.mark.parametrize("path", ["/", "/public-tables", "/static/js/", "/_stcore/metrics"])
def test_security_headers_on_every_answer(stack, path):
    proxy, _ = stack
    if path == "/static/js/":  # nginx drops inherited add_header in a location with its own
        path = _static_paths(proxy, ".js")[0]
    for port, tls in ((proxy.http_port, None), (proxy.https_port, proxy.cert)):
        h = fetch(port, path, SERVER_NAME, tls=tls).headers
        assert h.get("x-frame-options") == "DENY", (path, tls)
        assert h.get("content-security-policy") == "frame-ancestors 'none'"
        assert h.get("x-content-type-options") == "nosniff"
        assert h.get("referrer-policy") == "strict-origin-when-cross-origin"
        # HSTS is configured for HTTPS and means nothing (so is not sent) over plain HTTP.
        assert h.get("strict-transport-security") == ("max-age=31536000" if tls else None)
        assert "server" not in h or "nginx/" not in h["server"]


def test_javascript_css_and_json_are_compressed(stack):
    proxy, _ = stack
    html = fetch(proxy.http_port, "/", SERVER_NAME).body.decode()
    # The JSON the page links to (Streamlit's openapi.json, 7.7 kB); /_stcore/host-config is
    # JSON too but under gzip_min_length, where compressing saves nothing worth the work.
    json_path = re.search(r'href="\.(/[^"]+\.json)"', html).group(1)
    targets = [_static_paths(proxy, ".js")[0], _static_paths(proxy, ".css")[0], json_path]
    encodings = ["gzip"] + (["br"] if proxy.brotli else [])
    for path in targets:
        plain = fetch(proxy.http_port, path, SERVER_NAME)
        assert plain.status == 200 and "content-encoding" not in plain.headers, path
        for enc in encodings:
            packed = fetch(proxy.https_port, path, SERVER_NAME, tls=proxy.cert, headers={"Accept-Encoding": enc})
            assert packed.headers.get("content-encoding") == enc, (path, enc)
            assert len(packed.body) < len(plain.body) / 2, (path, enc)
            assert "Accept-Encoding" in packed.headers.get("vary", "")


def test_hashed_static_files_are_cached_for_a_year_and_pages_are_not(stack):
    proxy, _ = stack
    for path in _static_paths(proxy, ".js")[:2] + _static_paths(proxy, ".css")[:1]:
        assert re.search(r"\.[A-Za-z0-9_-]{8}\.(js|css)$", path), path  # the content hash in the name
        h = fetch(proxy.https_port, path, SERVER_NAME, tls=proxy.cert).headers
        assert h["cache-control"] == "public, max-age=31536000, immutable", path
    assert fetch(proxy.http_port, "/", SERVER_NAME).headers["cache-control"] == "no-cache"


def test_the_live_releases_headlines_page_is_served_compressed_and_revalidated(stack, release_only):
    """/headlines is the live release's static page (publish wrote it), compressed, revalidated
    on every visit, with the security headers and a CSP allowing no script or font."""
    proxy, _ = stack
    page = (release_only / "release" / "headlines.html").read_bytes()
    plain = fetch(proxy.https_port, "/headlines", SERVER_NAME, tls=proxy.cert)
    assert plain.status == 200 and plain.body == page
    assert plain.headers["content-type"] == "text/html; charset=utf-8"
    h = plain.headers
    assert h["cache-control"] == "no-cache" and "etag" in h
    assert h["x-frame-options"] == "DENY" and h["x-content-type-options"] == "nosniff"
    assert h["strict-transport-security"] == "max-age=31536000"
    assert "default-src 'none'" in h["content-security-policy"] and "frame-ancestors 'none'" in h["content-security-policy"]
    again = fetch(proxy.https_port, "/headlines", SERVER_NAME, tls=proxy.cert, headers={"If-None-Match": h["etag"]})
    assert again.status == 304
    for enc in ["gzip"] + (["br"] if proxy.brotli else []):
        packed = fetch(proxy.https_port, "/headlines", SERVER_NAME, tls=proxy.cert, headers={"Accept-Encoding": enc})
        assert packed.headers.get("content-encoding") == enc and len(packed.body) < len(page) / 2, enc
    # The interactive app is still at / beside it.
    assert b"<title>Streamlit</title>" in fetch(proxy.http_port, "/", SERVER_NAME).body


def test_every_page_path_is_served_and_the_home_page_goes_to_the_root(stack):
    proxy, _ = stack
    assert {"public", "public-tables", "methodology", "accessibility", "overview", "sign-in"} <= set(APP_PATHS)
    for path in APP_PATHS:
        answer = fetch(proxy.http_port, f"/{path}?area=E23000039", SERVER_NAME)
        if path == "public":  # the public instance's default page: Streamlit serves it at / only
            assert answer.status == 302 and answer.headers["location"] == "/?area=E23000039"
        else:
            assert answer.status == 200 and answer.headers["content-type"].startswith("text/html"), path


def test_the_websocket_opens_for_the_documented_host_only(stack):
    proxy, upstream = stack
    assert websocket_handshake(proxy.http_port, SERVER_NAME).startswith("HTTP/1.1 101")
    # Streamlit itself read the documented value as the host name: it refuses any other.
    assert websocket_handshake(upstream, SERVER_NAME).startswith("HTTP/1.1 101")
    assert websocket_handshake(upstream, OTHER).startswith("HTTP/1.1 403")


def test_the_bracketed_form_the_guides_once_gave_refuses_the_sites_own_websocket():
    """Streamlit reads the environment value as space-separated names, so '["name"]' is one
    name with brackets and quotes: the real host's WebSocket is refused and no page draws."""
    with app_server({"STREAMLIT_SERVER_ALLOWED_HOSTS": f'["{SERVER_NAME}"]'}) as base:
        assert websocket_handshake(int(base.rsplit(":", 1)[1]), SERVER_NAME).startswith("HTTP/1.1 403")


def test_plain_http_is_redirected_to_https_by_default(stack, release_only, tmp_path):
    proxy, upstream = stack
    with nginx_proxy(tmp_path, SERVER_NAME, upstream, release_only, redirect_http="1") as strict:
        answer = fetch(strict.http_port, "/public-tables?year=2024", SERVER_NAME)
        assert answer.status == 301
        assert answer.headers["location"] == f"https://{SERVER_NAME}/public-tables?year=2024"
        assert fetch(strict.https_port, "/public-tables", SERVER_NAME, tls=strict.cert).status == 200


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_public_page_renders_through_the_proxy(stack, scheme):
    """Chromium on the documented host name (resolved to loopback): the WebSocket carries the
    app, the script finishes, and a direct /public shows its heading with no dialog."""
    from playwright.sync_api import sync_playwright

    proxy, _ = stack
    port = proxy.https_port if scheme == "https" else proxy.http_port
    args = CHROMIUM_ARGS + [f"--host-resolver-rules=MAP {SERVER_NAME} 127.0.0.1"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=args, headless=True)
        try:
            page = browser.new_context(ignore_https_errors=True).new_page()
            page.goto(f"{scheme}://{SERVER_NAME}:{port}/public")
            wait_for_page(page)
            assert page.locator("h1").first.inner_text() == "CARA: public figures"
            body = page.inner_text("body")
            assert "Page not found" not in body
            assert page.locator("[data-testid='stException']").count() == 0
        finally:
            browser.close()
