"""Sidebar filters shared by every page, kept in session state and mirrored in the URL.

The selection lives in `st.session_state["filters"]` (a `Filters`), so it survives page
switches; widgets are re-seeded from it on every run and write back through callbacks.
On a session's first run it is parsed from the URL query parameters; invalid values are
dropped with a notice.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

import polars as pl
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from transparency import quarters
from transparency.app.fmt import md
from transparency.filters import PARAM_KEYS, Filters, clamp_period, parse
from transparency.risk.categories import CATEGORIES
from transparency.schema import PROCUREMENT_METHODS

STATE = "filters"
NOTICES = "filter_notices"
SHOWN = "filters_shown"  # the filters the last page was drawn with
DRILL = "filters_drill_down"  # (source page, filters before, filters after) of a page switch
_ALL = "All quarters"


def _options(frame: pl.DataFrame, kind: str) -> dict[str, str]:
    rows = frame.filter(pl.col("kind") == kind)
    return dict(
        zip(rows.get_column("value").to_list(), rows.get_column("label").to_list(), strict=True)
    )


def current() -> Filters:
    """Return the session's filters (defaults before the sidebar first ran)."""
    return st.session_state.get(STATE, Filters())


def set_filters(filters: Filters) -> None:
    """Replace the session's filters (the widgets pick them up on the next run)."""
    st.session_state[STATE] = filters


def _url_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params.keys()}


def _history_navigation() -> bool:
    """Return True when this run is the browser's Back or Forward (the URL is then the truth)."""
    ctx = get_script_run_ctx()
    return bool(getattr(ctx, "is_history_navigation", False))


def remember_drill_down() -> None:
    """Note a click that narrowed the filters and is about to switch page (see `_init`).

    Switching page writes the new filters into the old page's URL first (one history
    entry), then opens the new page (another); Back from the new page lands on that first
    entry, which must show the old page as it was before the click.
    """
    ctx = get_script_run_ctx()
    before = st.session_state.get(SHOWN)
    if ctx is not None and before is not None:
        st.session_state[DRILL] = (ctx.page_script_hash, before, current())


def _init(options: dict[str, dict[str, str]]) -> None:
    # On Back or Forward the URL holds the filters of that moment (each run mirrors them
    # there), so a drill-down is undone by going back: re-read them.
    history = _history_navigation()
    if STATE in st.session_state and not history:
        return
    allowed = {
        "buyers": list(options["buyer"]),
        "countries": list(options["country"]),
        "regions": list(options["region"]),
        "segments": list(options["segment"]),
    }
    filters, notices = parse(_url_params(), allowed)
    drill = st.session_state.get(DRILL)
    ctx = get_script_run_ctx()
    if history and drill and ctx is not None and drill[0] == ctx.page_script_hash:
        source_page, before, after = drill
        if filters == after:
            filters = before
    st.session_state[STATE] = filters
    st.session_state[NOTICES] = notices


def _widget_to_filters(key: str, options: dict[str, dict[str, str]]) -> None:
    """Copy one changed widget's value into the filters (only that field).

    Per-widget updates matter: Streamlit may report a change for an untouched widget in
    the same rerun as a click that narrowed the filters, and a whole-form copy would undo
    that narrowing.
    """
    s = st.session_state
    value = s.get(key)
    f = current()
    if key == "f_period":
        periods = list(options["quarter"])
        q_from = q_to = None
        if isinstance(value, (tuple, list)) and len(value) == 2 and periods:
            q_from = None if value[0] == periods[0] else value[0]
            q_to = None if value[1] == periods[-1] else value[1]
        f = f.narrowed(quarter_from=q_from, quarter_to=q_to)
    elif key == "f_basis":
        f = f.narrowed(risk_basis="residual" if value == "Residual" else "inherent")
    elif key == "f_min_usd":
        try:
            min_usd = Decimal(str(value)).quantize(Decimal("0.01")) if value else None
        except InvalidOperation:
            min_usd = None
        f = f.narrowed(min_usd=min_usd or None)
    elif key == "f_search":
        f = f.narrowed(search=(value or "").strip()[:200])
    else:
        f = f.narrowed(**{_LIST_WIDGETS[key]: tuple(value or ())})
    s[STATE] = f


_LIST_WIDGETS = {
    "f_buyers": "buyers",
    "f_categories": "categories",
    "f_countries": "countries",
    "f_regions": "regions",
    "f_segments": "segments",
    "f_methods": "methods",
}


def _seed(filters: Filters, options: dict[str, dict[str, str]]) -> None:
    """Put the canonical filters into the widget keys before the widgets are created."""
    s = st.session_state
    periods = list(options["quarter"])
    if len(periods) >= 2:
        lo = filters.quarter_from if filters.quarter_from in periods else periods[0]
        hi = filters.quarter_to if filters.quarter_to in periods else periods[-1]
        # Only when the filters moved without the slider (URL, Clear, a chart's drill-down):
        # writing an unchanged value each run marks it as set from code and Streamlit
        # warns about the widget's default.
        if tuple(s.get("f_period", (periods[0], periods[-1]))) != (lo, hi):
            s["f_period"] = (lo, hi)
    s["f_buyers"] = [v for v in filters.buyers if v in options["buyer"]]
    s["f_basis"] = "Residual" if filters.risk_basis == "residual" else "Inherent"
    s["f_categories"] = list(filters.categories)
    s["f_countries"] = [v for v in filters.countries if v in options["country"]]
    s["f_regions"] = [v for v in filters.regions if v in options["region"]]
    s["f_segments"] = [v for v in filters.segments if v in options["segment"]]
    s["f_methods"] = list(filters.methods)
    s["f_min_usd"] = float(filters.min_usd) if filters.min_usd else 0.0
    s["f_search"] = filters.search


def _clear() -> None:
    st.session_state[STATE] = Filters(risk_basis=current().risk_basis)


def render(option_frame: pl.DataFrame) -> Filters:
    """Draw the filter widgets in the sidebar and return the current selection."""
    options = {
        kind: _options(option_frame, kind)
        for kind in ("quarter", "buyer", "country", "region", "segment", "method")
    }
    # Every quarter from the first to the last with data, gaps included.
    labels = sorted(options["quarter"])
    options["quarter"] = {q: q for q in quarters.span(labels[0], labels[-1])} if labels else {}
    _init(options)
    if labels:
        clamped, notices = clamp_period(current(), labels[0], labels[-1])
        if notices or clamped != current():
            set_filters(clamped)
            st.session_state[NOTICES] = st.session_state.get(NOTICES, []) + notices
    filters = current()
    _seed(filters, options)

    def on_change(key: str) -> dict:
        return {"on_change": _widget_to_filters, "args": (key, options), "key": key}

    sb = st.sidebar
    sb.header("Filters")
    periods = list(options["quarter"])
    if len(periods) >= 2:
        # `value` must be a pair: without it Streamlit builds a single-value slider whose
        # reader turns the two thumbs' values into its default (the first quarter), so
        # every drag or arrow key reset the period to the full range.
        sb.select_slider(
            "Period (award quarter)",
            options=periods,
            value=(periods[0], periods[-1]),
            **on_change("f_period"),
        )
    elif periods:
        sb.caption(f"Period: {periods[0]} (the only quarter in the data)")
    sb.radio(
        "Risk basis",
        ["Inherent", "Residual"],
        horizontal=True,
        **on_change("f_basis"),
        help="Inherent risk comes from supplier country and sector; residual risk is what "
        "remains after the due-diligence steps recorded for the supplier.",
    )
    sb.multiselect(
        "Risk category",
        list(CATEGORIES),
        **on_change("f_categories"),
        placeholder="All categories",
    )
    _what_and_where(sb, options, on_change)
    sb.number_input(
        "Minimum line amount (USD)",
        min_value=0.0,
        step=1000.0,
        **on_change("f_min_usd"),
        format="%.2f",
    )
    sb.text_input(
        "Search (supplier, contract, description)",
        **on_change("f_search"),
        max_chars=200,
    )
    sb.button("Clear filters", on_click=_clear, disabled=current().is_default(), key="f_clear")

    filters = current()
    _mirror(filters)
    st.session_state[SHOWN] = filters
    for notice in st.session_state.pop(NOTICES, []):
        # Notices quote values from the URL: escaped, so a link cannot inject markdown.
        st.sidebar.warning(md(notice))
    return filters


def _what_and_where(sb: Any, options: dict, on_change: Callable[[str], dict]) -> None:
    """Draw the unit, region, country, sector and method filters."""
    sb.multiselect(
        "Organisational unit",
        list(options["buyer"]),
        **on_change("f_buyers"),
        placeholder="All units",
    )
    sb.multiselect(
        "Supplier region",
        list(options["region"]),
        **on_change("f_regions"),
        placeholder="All regions",
    )
    countries = options["country"]
    sb.multiselect(
        "Supplier country",
        sorted(countries, key=lambda c: countries[c]),
        format_func=lambda c: countries.get(c, c),
        **on_change("f_countries"),
        placeholder="All countries",
    )
    segments = options["segment"]
    sb.multiselect(
        "Sector (UNSPSC segment)",
        list(segments),
        format_func=lambda c: segments.get(c, c),
        **on_change("f_segments"),
        placeholder="All sectors",
    )
    methods = [m for m in PROCUREMENT_METHODS if m in options["method"]] + [
        m for m in options["method"] if m not in PROCUREMENT_METHODS
    ]
    sb.multiselect(
        "Procurement method",
        methods,
        format_func=lambda m: m.capitalize(),
        **on_change("f_methods"),
        placeholder="All methods",
    )


def _mirror(filters: Filters) -> None:
    """Write the filters to the URL query parameters (other parameters are kept)."""
    wanted = filters.query_params()
    current_params = _url_params()
    mine = {k: v for k, v in current_params.items() if k in PARAM_KEYS}
    normalised = {k: v if isinstance(v, list) else [v] for k, v in wanted.items()}
    if mine != normalised:
        # Few writes: the browser keeps one history entry per write, and Back should step
        # over a change of filters at once, not over each of its parameters.
        for key in mine:
            if key not in normalised:
                del st.query_params[key]
        changed = {k: v for k, v in wanted.items() if normalised[k] != mine.get(k)}
        if changed:
            st.query_params.update(changed)
