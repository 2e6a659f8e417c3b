"""Render deploy/nginx/cara-dashboard.conf.template into a working nginx configuration.

    CARA_SERVER_NAME=cara.example.gov.uk \
    CARA_TLS_CERTIFICATE=/etc/ssl/cara/fullchain.pem \
    CARA_TLS_CERTIFICATE_KEY=/etc/ssl/cara/privkey.pem \
    CARA_DATA_DIR=/srv/cara-public/data \
    python deploy/render.py -o /etc/nginx/conf.d/cara-dashboard.conf

Values come from the environment or ``--set NAME=VALUE`` (which wins). Only ``${CARA_...}``
placeholders are replaced, so nginx's own ``$host`` and the like are left alone (plain
``envsubst`` would blank them). A value left unset, or one that could break out of its
directive, is refused with exit code 2. tests/test_proxy.py renders with this script too.
Standard library only: it runs on a bare server.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "nginx" / "cara-dashboard.conf.template"
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")

# name -> (default or None when the operator must set it, what it is)
SETTINGS: dict[str, tuple[str | None, str]] = {
    "CARA_SERVER_NAME": (None, "host name(s) the site answers to, space-separated"),
    "CARA_TLS_CERTIFICATE": (None, "path of the certificate chain (PEM)"),
    "CARA_TLS_CERTIFICATE_KEY": (None, "path of the certificate's private key (PEM)"),
    "CARA_DATA_DIR": (None, "the app's data root (its CARA_DATA_DIR): /headlines is its release/headlines.html"),
    "CARA_UPSTREAM_PORT": ("8501", "the loopback port Streamlit listens on"),
    "CARA_HTTP_LISTEN": ("80", "plain-HTTP listen port, or address:port"),
    "CARA_HTTPS_LISTEN": ("443", "HTTPS listen port, or address:port"),
    "CARA_HOME_PAGE": ("public", "url_path of the page Streamlit serves at / (overview on a staff instance)"),
    "CARA_REDIRECT_HTTP": ("1", "1: redirect plain HTTP to HTTPS; 0: serve it (TLS ended by a load balancer)"),
}
# Each value is checked against a narrow pattern: no ';', '{', quotes or newlines can get
# into the configuration through a setting.
PATTERNS = {
    "CARA_SERVER_NAME": r"[A-Za-z0-9.*-]+( [A-Za-z0-9.*-]+)*",
    "CARA_TLS_CERTIFICATE": r"/[A-Za-z0-9._/-]+",
    "CARA_TLS_CERTIFICATE_KEY": r"/[A-Za-z0-9._/-]+",
    "CARA_DATA_DIR": r"/[A-Za-z0-9._/-]+",
    "CARA_UPSTREAM_PORT": r"[0-9]{1,5}",
    "CARA_HTTP_LISTEN": r"([0-9.]+:|\[[0-9a-fA-F:]+\]:)?[0-9]{1,5}",
    "CARA_HTTPS_LISTEN": r"([0-9.]+:|\[[0-9a-fA-F:]+\]:)?[0-9]{1,5}",
    "CARA_HOME_PAGE": r"[a-z0-9-]+",
    "CARA_REDIRECT_HTTP": r"[01]",
}
PLACEHOLDER = re.compile(r"\$\{(CARA_[A-Z_]+)\}")


def render(values: dict[str, str], brotli: bool, template: Path = TEMPLATE) -> str:
    """The template with every placeholder filled; raises ValueError naming what is wrong."""
    problems = []
    for name, (default, meaning) in SETTINGS.items():
        value = values.get(name, default)
        if value is None:
            problems.append(f"{name} is not set ({meaning})")
        elif not re.fullmatch(PATTERNS[name], value):
            problems.append(f"{name}={value!r} is not a valid value ({meaning})")
    if problems:
        raise ValueError("; ".join(problems))
    full = {name: values.get(name, default) for name, (default, _) in SETTINGS.items()}
    text = template.read_text(encoding="utf-8")
    unknown = sorted(set(PLACEHOLDER.findall(text)) - set(full))
    if unknown:
        raise ValueError(f"the template uses unknown settings: {', '.join(unknown)}")
    text = PLACEHOLDER.sub(lambda m: full[m.group(1)], text)
    if brotli:
        text = re.sub(r"^(\s*)#brotli ", r"\1", text, flags=re.MULTILINE)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="Settings: " + "; ".join(f"{k} ({d or 'required'}): {m}"
                                                                     for k, (d, m) in SETTINGS.items()))
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a setting (overrides the environment)")
    parser.add_argument("--brotli", choices=("auto", "on", "off"), default="auto",
                        help=f"brotli compression; auto: on when {BROTLI_MODULE} exists")
    parser.add_argument("-o", "--output", type=Path, help="write here instead of standard output")
    args = parser.parse_args(argv)
    values = {k: v for k, v in os.environ.items() if k in SETTINGS}
    for item in args.set:
        name, sep, value = item.partition("=")
        if not sep or name not in SETTINGS:
            parser.error(f"--set {item!r}: expected NAME=VALUE with NAME one of {', '.join(SETTINGS)}")
        values[name] = value
    brotli = args.brotli == "on" or (args.brotli == "auto" and BROTLI_MODULE.exists())
    try:
        text = render(values, brotli)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
