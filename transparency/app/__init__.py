"""Streamlit glue shared by every page: page setup, connection, sidebar filters, demo banner.

This package is the only place that imports Streamlit. Each page starts with::

    from transparency.app import setup
    page = setup("Overview")
    totals = page.query("kpis_for_period")

so it runs inside `dashboard.py`'s navigation and on its own (`streamlit run pages/x.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import duckdb
import polars as pl
import streamlit as st
from streamlit.errors import StreamlitAPIException

from transparency import access, database, page_registry, palette, settings

# preload: every heavy library loads while this package is imported (under Python's
# import lock), before any page code runs; see its docstring.
from transparency.app import auth, preload, sidebar, uploads  # noqa: F401
from transparency.app.connection import cached_query, connection, data_version, freeze
from transparency.app.fmt import md
from transparency.app.fmt import pct as fmt_pct
from transparency.filters import Filters
from transparency.risk import diligence
from transparency.store import Store

APP_TITLE = "Procurement transparency"
DEMO_NOTICE = (
    "**Demo data.** The figures shown are generated for a fictional organisation, not real "
    "purchases. Import your own export on the Data page."
)


@dataclass
class Page:
    """What a page needs: the store, its connection, the filters and a cached query runner."""

    store: Store
    version: str
    filters: Filters
    is_demo: bool
    # (share of lines, share of spend) that is generated demo data; None without demo data
    demo: tuple[float, float] | None = None
    colours: dict[str, str] = field(default_factory=dict)
    identity: auth.Identity = field(default_factory=lambda: auth.Identity("local"))

    def can(self, action: str) -> bool:
        """Return True when the user's role allows `action` (to decide what to draw).

        Drawing is not enough: the code that acts checks again with `auth.permit`.
        """
        return access.can(self.identity.role, action)

    def may_open(self, page_key: str) -> bool:
        """Return True when the user's role includes the page `page_key` (e.g. 'contracts')."""
        return access.can_see(self.identity.role, page_key)

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """Return the shared connection (use `query`, or a cursor per query)."""
        return connection(str(self.store.root), self.version)

    @property
    def params(self) -> dict[str, object]:
        """Return the filter values as SQL parameters."""
        return self.filters.sql_params()

    def query(self, name: str, **extra: object) -> pl.DataFrame:
        """Run `queries/<name>.sql` with the filters and `extra` values (cached)."""
        params = {**self.params, **extra}
        return cached_query(str(self.store.root), self.version, name, freeze(params))

    def require_lines(self) -> None:
        """Stop the page with a pointer to the Data page when the store holds no lines."""
        if not self.store.batches():
            st.info(
                "The store holds no contract lines yet. Import a purchasing export on the "
                "Data page to see figures here."
            )
            st.stop()

    def query_unfiltered(self, name: str, **params: object) -> pl.DataFrame:
        """Run a query with only the given values (no sidebar filters; cached)."""
        return cached_query(str(self.store.root), self.version, name, freeze(params))


def demo_share(batches: list) -> tuple[float, float] | None:
    """Return the demo batches' share of the store's lines and of its spend (USD), or None
    when no batch is demo data.

    >>> from types import SimpleNamespace as B
    >>> demo_share([B(is_demo=True, lines=900, rows_accepted=900, total_usd="970.00"),
    ...             B(is_demo=False, lines=100, rows_accepted=100, total_usd="30.00")])
    (0.9, 0.97)
    >>> demo_share([B(is_demo=False, lines=5, rows_accepted=5, total_usd="1")]) is None
    True
    """
    if not any(b.is_demo for b in batches):
        return None

    def lines(b: object) -> int:
        return int(getattr(b, "lines", 0) or getattr(b, "rows_accepted", 0) or 0)

    all_lines = sum(lines(b) for b in batches)
    all_usd = sum(Decimal(b.total_usd or "0") for b in batches)
    demo_lines = sum(lines(b) for b in batches if b.is_demo)
    demo_usd = sum(Decimal(b.total_usd or "0") for b in batches if b.is_demo)
    return (
        demo_lines / all_lines if all_lines else 1.0,
        float(demo_usd / all_usd) if all_usd else 1.0,
    )


def _share(value: float) -> str:
    """Return a share that never rounds to 0% or 100% when it is not.

    >>> _share(20_000 / 20_002), _share(0.0004), _share(0.5), _share(1.0)
    ('over 99.9%', 'under 0.1%', '50.0%', '100.0%')
    """
    text = fmt_pct(value)
    if text == "100.0%" and value < 1:
        return "over 99.9%"
    if text == "0.0%" and value > 0:
        return "under 0.1%"
    return text


def demo_label(share: tuple[float, float]) -> str:
    """Return the words that say how much of the store is demo data.

    >>> demo_label((1.0, 1.0))
    'Demo data: generated for a fictional organisation, not real purchases.'
    >>> print(demo_label((0.97, 0.955))[:72])
    Demo data mixed with real: 97.0% of the lines and 95.5% of the spend are
    """
    if share[0] >= 1.0 and share[1] >= 1.0:
        return "Demo data: generated for a fictional organisation, not real purchases."
    return (
        f"Demo data mixed with real: {_share(share[0])} of the lines and {_share(share[1])} "
        "of the spend are generated for a fictional organisation, not real purchases."
    )


def _sidebar_demo_notice(share: tuple[float, float]) -> str:
    if share[0] >= 1.0 and share[1] >= 1.0:
        return DEMO_NOTICE
    return (
        f"**Demo data mixed with your own.** {_share(share[0])} of the lines and "
        f"{_share(share[1])} of the spend are generated for a fictional organisation. Remove "
        "the demo data on the Data page."
    )


def store() -> Store:
    """Return the configured store (`TRANSPARENCY_STORE` or `data/store`)."""
    return Store(settings.default_store())


def _ensure_demo(s: Store) -> None:
    # Only on a store never used before: after a user undoes the demo batch to load
    # their own data, it must not come back.
    if s.manifest_path.exists():
        return
    # lazy: the demo generator (numpy, the profile) is needed once, on a new store only
    from transparency import demo

    with st.spinner("First start: generating demo data (about 10 seconds)…"):
        demo.ensure_demo(s)


def configure(title: str) -> None:
    """Set the page title and wide layout (allowed once per page run)."""
    try:
        st.set_page_config(page_title=f"{title} · {APP_TITLE}", layout="wide")
    except StreamlitAPIException:
        pass


def _leave_pages_folder_mode() -> None:
    """Make a first visit straight to /data (say) run dashboard.py's navigation.

    Streamlit treats a `pages/` folder beside the entry script as an old-style multipage
    app until the entry script has called `st.navigation` once; a fresh server whose first
    request is a page URL would run that page alone with a file-name menu. Switching the
    mode off and rerunning runs `dashboard.py`, which selects the same page.
    """
    try:
        # guarded: Streamlit's internals move between releases
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a later Streamlit without the old mode
        return
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.rerun()


def setup(title: str, *, filters: bool = True, connect: bool = True) -> Page:
    """Prepare a page: config, demo data on first start, connection, sidebar filters, banner.

    `connect=False` is for pages that work on the store's files only (the Data page), so
    they stay usable when the risk model cannot be read.
    """
    _leave_pages_folder_mode()
    configure(title)
    # Before anything else of the page: Streamlit's upload endpoint keeps only files of
    # sessions allowed to import, and no larger than the project's limit.
    uploads.install_guard()
    uploads.apply_limit()
    # Who is asking comes first: nothing of the store is read for a refused user.
    ident = auth.gate(title)
    auth.require_page(title, ident)
    auth.show_user(ident)
    # A click on another page asked to come here (set in a callback, acted on now).
    if target := st.session_state.pop("goto", None):
        go_to(target, ident)
    s = store()
    _ensure_demo(s)
    version = data_version(s)
    # Any demo batch is said, with its share: one real file among generated lines must not
    # make the labels vanish.
    share = demo_share(s.batches())
    page = Page(
        store=s, version=version, filters=Filters(), is_demo=share is not None, identity=ident
    )
    page.demo = share
    if share is not None:
        st.sidebar.warning(_sidebar_demo_notice(share))
    if not connect:
        page.filters = sidebar.current()
        st.title(title)
        if share is not None:
            st.caption(demo_label(share))
        return page
    try:
        page.con  # noqa: B018 - opens (or reuses) the connection; a broken model fails here
    except database.PageCacheFailed as exc:
        st.title(title)
        st.error(md(exc))  # what happened and who can fix it; not retried on every view
        if page.can("undo") and st.button("Try again", key="page_cache_retry"):
            database.forget_page_cache_failure(s)
            st.rerun()
        st.stop()
    except Exception as exc:  # noqa: BLE001 - shown in words, never as a traceback
        st.title(title)
        st.error(
            f"The data cannot be opened, so no figures are shown until this is fixed: {md(exc)}"
        )
        st.stop()
    colours = page.query_unfiltered("colour_by_risk_category")
    page.colours = palette.category_colours() | dict(
        zip(colours["risk_category"].to_list(), colours["colour"].to_list(), strict=True)
    )
    if filters:
        options = page.query_unfiltered("filter_options_by_kind")
        page.filters = sidebar.render(options)
    else:
        page.filters = sidebar.current()
    st.title(title)
    if share is not None:
        st.caption(demo_label(share))
    return page


def go_to(page_key: str, ident: auth.Identity | None = None) -> None:
    """Switch to another page of the dashboard; on a page run on its own, say where to go."""
    name = page_key.replace("_", " ").capitalize()
    if ident is not None and not access.can_see(ident.role, page_key):
        st.info(f"The {name} page is not part of your role ({ident.role}).")
        return
    # The filters (and what the click chose, e.g. a supplier) go with the page, so the new
    # page's URL is one browser history entry, and Back returns to the page before.
    params: dict = {**sidebar.current().query_params(), **st.session_state.pop("goto_params", {})}
    sidebar.remember_drill_down()
    try:
        st.switch_page(page_registry.BY_KEY[page_key].path, query_params=params)
    except StreamlitAPIException:
        st.info(f"The filters are set. Open the {name} page to see the matching rows.")


def supplier_records(s: Store, supplier_id: str | None, supplier_name: str) -> pl.DataFrame:
    """Return the due-diligence records of one supplier (by id, else by name), oldest first."""

    if supplier_id:
        return diligence.records(s, supplier_id=supplier_id)
    frame = diligence.records(s)
    return frame.filter(
        pl.col("supplier_id").is_null() & (pl.col("supplier_name") == supplier_name)
    )
