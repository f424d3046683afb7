"""The filter model: its place in the address, and its words."""

from dataclasses import fields, replace

from hypothesis import given
from hypothesis import strategies as st

from livetrack.filters import Filters

A_VIEW = Filters(
    school_id=2,
    year_groups=(3, 4),
    class_ids=(17,),
    subject_ids=(1, 3),
    send=("K", "E"),
    attendance_band=("persistent",),
    pupil_premium=True,
    eal=False,
)


def test_a_view_survives_its_address():
    assert Filters.from_query(A_VIEW.to_query()) == A_VIEW


def test_the_address_holds_only_what_is_set():
    assert Filters(year_groups=(3,)).to_query() == {"year_groups": "3"}
    assert A_VIEW.to_query()["pupil_premium"] == "yes"
    assert A_VIEW.to_query()["eal"] == "no"


def test_an_address_with_junk_reads_as_any():
    junk = {
        "year_groups": "3,x,99999999999", "send": "K,Z", "fsm": "maybe",
        "school_id": "1; drop table pupils", "attendance_band": "severe,'--",
    }  # fmt: skip
    assert Filters.from_query(junk) == Filters(
        year_groups=(3,), send=("K",), attendance_band=("severe",)
    )


@given(st.dictionaries(st.text(max_size=20), st.text(max_size=40), max_size=8))
def test_values_from_any_address_reach_sql_only_as_parameters(query):
    """The SQL depends on which filters are set, never on what they are set to."""
    filters = Filters.from_query(query)
    sql, params = filters.where()
    same_shape = replace(filters, **{
        field.name: placeholder(getattr(filters, field.name))
        for field in fields(filters)
    })  # fmt: skip
    assert sql == same_shape.where()[0]
    assert sql.count("?") == len(params)


def placeholder(value):
    if isinstance(value, tuple):
        return (0,) * min(len(value), 1)
    return None if value is None else True


def test_filters_in_words():
    names = {"classes": {17: "3A"}, "subjects": {1: "Reading", 3: "Maths"}}
    assert A_VIEW.describe(names) == (
        "Year 3, Year 4, 3A, Reading, Maths, SEN support, EHC plan, "
        "Persistent absence (50% to 90%), PP, not EAL"
    )
    assert Filters().describe() == "All pupils"
