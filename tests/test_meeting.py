"""The meeting view on the demo: anonymous by default, one pupil at a time."""

import re

import pytest

from tests.test_pages import assert_no_failure, open_page, signed_in_app

MEETING = "pages/leaders/meeting.py"
SEND_WORDS = ("SEN support", "EHC plan", "primary need", "Pupil premium:")


def page_text(app) -> str:
    """Every element of the page's main area as sent to the browser, text and all."""
    found = []

    def walk(node) -> None:
        if getattr(node, "proto", None) is not None:
            found.append(str(node.proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app._tree.main)
    return "\n".join(found)


def demo_names(store) -> tuple[set[str], set[str]]:
    """Every demo pupil's full names (legal and known-as) and surnames."""
    rows = store.rows(
        "select legal_first_name, preferred_first_name, legal_last_name from pupils"
    )
    full = {f"{first} {last}" for first, _, last in rows}
    full |= {f"{known} {last}" for _, known, last in rows if known}
    return full, {last for _, _, last in rows}


def names_in(text: str, full: set[str], surnames: set[str]) -> set[str]:
    words = set(re.findall(r"[A-Z][\w'-]+", text))
    return {name for name in full if name in text} | (surnames & words)


@pytest.fixture
def meeting(demo_store):
    return open_page(signed_in_app(demo_store, "headteacher"), MEETING)


def walk_every_pupil(app):
    """Each pupil of concern's page in turn, from first to last."""
    yield page_text(app)
    while not app.button(key="meeting-next").disabled:
        app.button(key="meeting-next").click().run()
        assert_no_failure(app)
        yield page_text(app)


def test_no_pupil_is_named_on_any_page_of_the_meeting(meeting, demo_store):
    full, surnames = demo_names(demo_store)
    pages = list(walk_every_pupil(meeting))

    assert len(pages) > 1
    for text in pages:
        assert "Pupil " in text
        assert names_in(text, full, surnames) == set()


def test_showing_send_and_pp_still_names_no_one(meeting, demo_store):
    full, surnames = demo_names(demo_store)
    meeting.toggle(key="meeting-send").set_value(True).run()
    meeting.segmented_control(key="meeting-kind").set_value("Year group").run()

    shown = list(walk_every_pupil(meeting))

    assert any(word in text for text in shown for word in SEND_WORDS)
    assert all(names_in(text, full, surnames) == set() for text in shown)


def test_send_and_pp_stay_hidden_until_the_presenter_shows_them(meeting):
    meeting.segmented_control(key="meeting-kind").set_value("Year group").run()

    for text in walk_every_pupil(meeting):
        assert not any(word in text for word in SEND_WORDS)


def test_the_presenter_can_choose_to_show_names(meeting, demo_store):
    full, surnames = demo_names(demo_store)
    meeting.toggle(key="meeting-names").set_value(True).run()

    assert names_in(page_text(meeting), full, surnames)


def test_next_and_previous_walk_through_the_pupils_of_concern(meeting):
    first = [h.value for h in meeting.header]
    meeting.button(key="meeting-next").click().run()
    second = [h.value for h in meeting.header]
    meeting.button(key="meeting-previous").click().run()

    assert first == ["Pupil 1"] and second == ["Pupil 2"]
    assert [h.value for h in meeting.header] == ["Pupil 1"]


def test_an_agreed_intervention_is_recorded_from_the_meeting(meeting, demo_store):
    before = demo_store.value("select count(*) from interventions")
    meeting.text_input(key="meeting-1-strategy").set_value("Phonics catch-up daily")
    meeting.text_input(key="meeting-1-delivered").set_value("Reception TA")
    next(b for b in meeting.button if b.label == "Save intervention").click().run()

    assert_no_failure(meeting)
    assert any("Intervention saved" in s.value for s in meeting.success)
    assert demo_store.value("select count(*) from interventions") == before + 1
    assert "Phonics catch-up daily" in page_text(meeting)


def test_a_refused_intervention_says_why_and_keeps_what_was_typed(meeting, demo_store):
    before = demo_store.value("select count(*) from interventions")
    meeting.text_input(key="meeting-1-strategy").set_value(
        "Daily reading with an adult"
    )
    next(b for b in meeting.button if b.label == "Save intervention").click().run()

    assert [e.value for e in meeting.error] == ["Say who delivers it."]
    assert meeting.text_input(key="meeting-1-strategy").value == (
        "Daily reading with an adult"
    )
    assert demo_store.value("select count(*) from interventions") == before
