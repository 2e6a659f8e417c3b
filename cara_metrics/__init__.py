"""CARA metrics: the library behind the PCC dashboard.

Everything the app shows is computed here (contract, synthetic data, warehouse access,
metric registry, statistics, disclosure control, publishing, exports). Only
``cara_metrics.ui`` imports Streamlit, so the CLI, the board pack and the tests reuse
the same code.
"""

__version__ = "0.1.0"
