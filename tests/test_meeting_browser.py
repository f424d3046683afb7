"""The meeting view in a real browser: what the projector shows names no pupil."""

import pytest

from livetrack.store import Store
from tests import test_browser as journeys
from tests.test_browser import SCREENSHOTS, open_from_menu, sign_in_as, wait_for_idle
from tests.test_meeting import names_in

pytestmark = pytest.mark.browser

# The demo data folder, the app's server and the browser of the other journeys.
demo, app_url, browser, page = (
    journeys.demo,
    journeys.app_url,
    journeys.browser,
    journeys.page,
)


@pytest.fixture(scope="module")
def people(demo):
    """The demo headteacher's name, and every demo pupil's names, read before the
    app starts (the app's server then holds the database)."""
    data_dir, _, _ = demo
    store = Store(data_dir)
    head = store.value(
        "select display_name from staff where role = 'headteacher' order by id"
    )
    rows = store.rows(
        "select legal_first_name, preferred_first_name, legal_last_name from pupils"
    )
    store.close()
    full = {f"{first} {last}" for first, _, last in rows}
    full |= {f"{known} {last}" for _, known, last in rows if known}
    return head, full, {last for _, _, last in rows}


def main_text(page) -> str:
    return page.inner_text('[data-testid="stMain"]')


def walk(page):
    """The text of each pupil of concern's page, first to last, via Next."""
    yield page.inner_text("body")
    next_button = page.get_by_role("button", name="Next")
    while next_button.is_enabled():
        next_button.click()
        wait_for_idle(page)
        yield page.inner_text("body")


def test_the_projected_meeting_names_no_pupil(page, people, app_url):
    head, full, surnames = people
    sign_in_as(page, app_url, head)
    open_from_menu(page, "Progress meeting")
    page.screenshot(path=str(SCREENSHOTS / "meeting.png"))

    texts = list(walk(page))

    assert len(texts) > 1
    assert all("Why we are looking" in text for text in texts)
    found = [names_in(text.replace(head, ""), full, surnames) for text in texts]
    assert found == [set()] * len(texts)


def test_showing_send_still_names_no_one_and_names_show_when_chosen(
    page, people, app_url
):
    head, full, surnames = people
    sign_in_as(page, app_url, head)
    open_from_menu(page, "Progress meeting")
    page.get_by_text("Show SEND and PP").click()
    wait_for_idle(page)

    assert "SEND:" in main_text(page)
    assert names_in(main_text(page), full, surnames) == set()

    page.get_by_text("Show names").click()
    wait_for_idle(page)
    assert names_in(main_text(page), full, surnames)
