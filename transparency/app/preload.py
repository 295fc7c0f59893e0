"""Heavy libraries, loaded whole before any page runs.

Each browser session runs its page script in a thread of its own. When two first visits
to a fresh server both reach a library that is imported lazily (Streamlit imports pandas
and pyarrow inside `st.dataframe`; plotly loads its figure classes and default template
on first use), one thread can see the module half-initialised ("partially initialized
module 'pandas'"). `transparency.app` imports this module first, under Python's import
lock for the package, so a second session waits until everything below is loaded.

`HEAVY` names the top-level packages that a page run must find already imported
(tests/test_pages.py checks that running every page imports none of them anew).
"""

from __future__ import annotations

import duckdb  # noqa: F401
import numpy  # noqa: F401
import pandas  # noqa: F401

# the Contracts and Suppliers tables colour risk cells with a pandas Styler (and its jinja2)
import pandas.io.formats.style  # noqa: F401
import plotly.colors  # noqa: F401
import plotly.graph_objects as go
import plotly.io as pio
import plotly.tools
import polars  # noqa: F401

# map_elements (the screening's name normalising) imports this on its first call
import polars._utils.udfs  # noqa: F401
import pyarrow  # noqa: F401
import pyarrow.compute  # noqa: F401
import pyarrow.pandas_compat  # noqa: F401
import pyarrow.parquet  # noqa: F401
import pyarrow.vendored.version  # noqa: F401
import streamlit.material_icon_names  # noqa: F401
import xlsxwriter  # noqa: F401
import xlsxwriter.workbook  # noqa: F401

HEAVY = ("duckdb", "numpy", "pandas", "plotly", "_plotly_utils", "polars", "pyarrow", "xlsxwriter")


def _warm_plotly() -> None:
    """Load plotly's lazily imported classes: the traces, markers and layout parts the
    charts use, and every template's (the report's charts use `plotly_white`)."""
    traces = [
        go.Bar(x=[1], y=[1], marker={"color": "#000", "line": {"width": 0}}),
        go.Choropleth(
            locations=["FRA"],
            z=[1],
            marker={"line": {"width": 0}},
            colorbar={"title": {"text": "x"}},
        ),
        go.Treemap(
            labels=["a"],
            parents=[""],
            values=[1],
            marker={"colors": ["#000"], "colorbar": {"title": {"text": "x"}}},
        ),
        go.Scatter(x=[1], y=[1]),
    ]
    for name in list(pio.templates):
        figure = go.Figure(traces, layout={"template": name, "font": {"size": 12}})
        figure.update_layout(
            legend={"title": {"text": "x"}}, hoverlabel={"font": {"size": 9}}, margin={"l": 0}
        )
        figure.update_geos(projection_type="natural earth")
        figure.update_xaxes(title_text="x")
        figure.update_yaxes(title_text="y")
        # What st.plotly_chart does with a figure.
        figure = plotly.tools.return_figure_from_figure_or_data(figure, True)
        pio.to_json(figure, validate=False)


_warm_plotly()
