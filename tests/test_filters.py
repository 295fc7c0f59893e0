"""Filters: parsing URL query parameters, notices for invalid values, SQL parameters, the macro."""

from __future__ import annotations

from decimal import Decimal

import pytest
from dashboard_fixtures import fixture_store, stub_connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transparency import filters, quarters, sql
from transparency.filters import Filters, parse


def test_empty_params_give_defaults_without_notices():
    f, notices = parse({})
    assert f == Filters()
    assert notices == []
    assert f.is_default()


def test_valid_params_are_read():
    f, notices = parse(
        {
            "from": "2025q1",
            "to": "2025Q3",
            "unit": ["HQ", "Nairobi"],
            "basis": "residual",
            "risk": ["High", "Very high"],
            "country": ["CHN", "unknown"],
            "region": "Asia",
            "segment": ["53", "unknown"],
            "method": ["open", "direct"],
            "min_usd": "1,000.5",
            "q": "  textiles ",
        }
    )
    assert notices == []
    assert f == Filters(
        quarter_from="2025Q1",
        quarter_to="2025Q3",
        buyers=("HQ", "Nairobi"),
        risk_basis="residual",
        categories=("High", "Very high"),
        countries=("CHN", "unknown"),
        regions=("Asia",),
        segments=("53", "unknown"),
        methods=("open", "direct"),
        min_usd=Decimal("1000.50"),
        search="textiles",
    )


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"from": "2025Q5"}, "quarter '2025Q5'"),
        ({"to": "last year"}, "quarter 'last year'"),
        ({"basis": "gross"}, "risk basis 'gross'"),
        ({"risk": "Extreme"}, "risk category 'Extreme'"),
        ({"country": "china"}, "supplier country 'china'"),
        ({"segment": "5"}, "sector '5'"),
        ({"method": "auction"}, "procurement method 'auction'"),
        ({"min_usd": "-5"}, "minimum amount '-5'"),
        ({"min_usd": "lots"}, "minimum amount 'lots'"),
        ({"min_usd": "NaN"}, "minimum amount 'NaN'"),
    ],
)
def test_invalid_values_are_ignored_with_a_notice(params, words):
    f, notices = parse(params)
    assert f == Filters()
    assert len(notices) == 1
    assert words in notices[0]
    assert notices[0].startswith("Ignored")


def test_values_outside_the_offered_options_are_ignored():
    f, notices = parse(
        {"unit": ["HQ", "Mars office"], "country": ["CHN", "FRA"]},
        options={"buyers": ["HQ"], "countries": ["CHN"]},
    )
    assert f.buyers == ("HQ",)
    assert f.countries == ("CHN",)
    assert len(notices) == 2


def test_reversed_period_is_swapped_with_a_notice():
    f, notices = parse({"from": "2025Q3", "to": "2025Q1"})
    assert (f.quarter_from, f.quarter_to) == ("2025Q1", "2025Q3")
    assert "swapped" in notices[0]


def test_long_search_is_cut():
    f, notices = parse({"q": "x" * 500})
    assert f.search == "x" * filters.MAX_SEARCH
    assert notices


def test_duplicates_are_dropped_and_last_single_value_wins():
    f, _ = parse({"country": ["CHN", "CHN"], "from": ["2024Q1", "2025Q2"]})
    assert f.countries == ("CHN",)
    assert f.quarter_from == "2025Q2"


def test_query_params_round_trip():
    f = Filters(
        quarter_from="2025Q1",
        categories=("High",),
        countries=("KEN", "CHN"),
        min_usd=Decimal("250.00"),
        risk_basis="residual",
        search="=cmd",
    )
    params = f.query_params()
    assert params == {
        "from": "2025Q1",
        "basis": "residual",
        "risk": ["High"],
        "country": ["KEN", "CHN"],
        "min_usd": "250.00",
        "q": "=cmd",
    }
    assert parse(params) == (f, [])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from([*filters.PARAM_KEYS, "other"]),
        st.one_of(st.text(max_size=30), st.lists(st.text(max_size=12), max_size=4)),
        max_size=6,
    )
)
def test_any_params_parse_without_raising(params):
    f, notices = parse(params)
    assert isinstance(f, Filters)
    assert all(isinstance(n, str) for n in notices)
    # What parse accepted, it reproduces exactly.
    assert parse(f.query_params())[0] == f


def test_sql_params_bind_lists_and_empty_search_as_null():
    p = Filters(countries=("CHN",)).sql_params()
    assert p["countries"] == ["CHN"]
    assert p["buyers"] == []
    assert p["search"] is None
    assert set(p) == {
        "quarter_from",
        "quarter_to",
        "buyers",
        "risk_basis",
        "categories",
        "countries",
        "regions",
        "segments",
        "methods",
        "min_usd",
        "search",
    }


def test_quarter_before():
    assert quarters.before("2025Q1") == "2024Q4"
    assert quarters.before("2025Q3") == "2025Q2"
    with pytest.raises(quarters.QuarterError):
        quarters.before("2025-3")


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    store = fixture_store(tmp_path_factory.mktemp("filters") / "store")
    return stub_connection(store)


def _rows(con, f: Filters) -> list[int]:
    frame = sql.run(
        con,
        "contract_lines_page",
        {
            **f.sql_params(),
            "sort": "contract_id",
            "descending": False,
            "page_size": 100,
            "page_offset": 0,
        },
    )
    return sorted(frame.get_column("source_row").to_list())


@pytest.mark.parametrize(
    ("f", "rows"),
    [
        (Filters(), [1, 2, 3, 4, 5, 6, 7, 8]),
        (Filters(quarter_from="2025Q2"), [3, 4, 5, 6, 7]),
        (Filters(quarter_to="2025Q1"), [1, 2, 8]),
        (Filters(buyers=("Field Office Nairobi",)), [3, 5, 8]),
        (Filters(categories=("Very high",)), [1, 2, 7]),
        (Filters(categories=("Very high",), risk_basis="residual"), []),
        (Filters(categories=("Medium",), risk_basis="residual"), [6, 7]),
        (Filters(countries=("unknown",)), [5]),
        (Filters(countries=("KEN", "FRA")), [3, 4, 8]),
        (Filters(regions=("Europe",)), [4, 6]),
        (Filters(regions=("Unknown",)), [5]),
        (Filters(segments=("53",)), [1, 2, 7]),
        (Filters(methods=("open",)), [1, 2, 6, 7]),
        (Filters(min_usd=Decimal("1000.00")), [1, 3, 5]),
        (Filters(search="ALPHA"), [1, 2, 7]),
        (Filters(search="c2"), [3]),
        (Filters(search="%"), []),
        (Filters(countries=("CHN",), quarter_from="2025Q3"), [7]),
    ],
)
def test_macro_applies_each_filter(con, f, rows):
    assert _rows(con, f) == rows


def test_macro_sql_has_no_dollar_placeholders():
    # The macros take their values as arguments; queries bind them as $parameters.
    for name in filters.MACROS:
        assert "$" not in sql.view(name).text, name
    assert filters.MACRO_CALL.count("$") == len(Filters().sql_params())
    assert tuple(Filters().sql_params()) == filters.FILTER_ARGS


@pytest.mark.parametrize(
    ("q_from", "q_to", "expected", "notices"),
    [
        # inside the data (2023Q4 to 2026Q3): kept; the data's own ends become "no bound"
        ("2024Q2", "2025Q1", ("2024Q2", "2025Q1"), 0),
        ("2023Q4", "2026Q3", (None, None), 0),
        # after the data: both thumbs on its last quarter
        ("2030Q1", None, ("2026Q3", None), 1),
        ("2030Q1", "2031Q2", ("2026Q3", None), 1),
        # before the data: both thumbs on its first quarter
        (None, "2020Q1", (None, "2023Q4"), 1),
        # reaching past one end only: cut there
        ("2019Q1", "2024Q1", (None, "2024Q1"), 1),
        ("2025Q1", "2029Q4", ("2025Q1", None), 1),
    ],
)
def test_a_period_outside_the_data_is_clamped_and_reported(q_from, q_to, expected, notices):
    f, notes = filters.clamp_period(
        Filters(quarter_from=q_from, quarter_to=q_to), "2023Q4", "2026Q3"
    )
    assert (f.quarter_from, f.quarter_to) == expected
    assert len(notes) == notices


def test_the_slider_offers_quarters_without_data_too():
    assert quarters.span("2024Q3", "2025Q2") == ["2024Q3", "2024Q4", "2025Q1", "2025Q2"]
    assert quarters.span("2025Q2", "2025Q2") == ["2025Q2"]
