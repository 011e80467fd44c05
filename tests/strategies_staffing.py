"""Hypothesis strategies shared by the staffing tests (built once)."""

from __future__ import annotations

from hypothesis import strategies as st

traffic_values = st.floats(min_value=0.0, max_value=20_000.0, allow_nan=False)
small_traffic = st.floats(min_value=0.01, max_value=300.0, allow_nan=False)
aht_values = st.floats(min_value=30.0, max_value=900.0, allow_nan=False)
calls_values = st.floats(min_value=0.0, max_value=3_000.0, allow_nan=False)
sl_targets = st.floats(min_value=0.05, max_value=0.99, allow_nan=False)
threshold_values = st.floats(min_value=0.0, max_value=120.0, allow_nan=False)
patience_values = st.floats(min_value=10.0, max_value=1_200.0, allow_nan=False)
