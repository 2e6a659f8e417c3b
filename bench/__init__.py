"""The benchmark harness: how fast the CARA dashboard is, kept apart from the product.

``python -m bench --help`` lists the commands:

* ``python -m bench pages``: every page's data work (cold, warm, uncached) against a
  plain-pandas baseline and DuckDB's bare scan, then ingest and publish against a bare
  DuckDB ``COPY`` (docs/performance.md).
* ``python -m bench browser``: the public pages in Chromium, N concurrent sessions (also
  during an ingest and publish) and injected faults (docs/performance-browser.md).

``bench`` imports ``cara_metrics``; nothing in ``cara_metrics`` imports ``bench``. This
package's ``__init__`` imports nothing, so a cold child process (``bench.timing``) times all
of its own imports.
"""
