"""Forum journeys in Chromium: a resident starts a thread and replies, a neighbour
reports it, a moderator hides it with a reason and the author sees why; axe checks
every forum page on the way."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from engage.accounts.models import Role, User
from engage.forums.models import Board
from engage.wards.models import Ward
from tests.browser.conftest import assert_accessible, sign_in


def test_thread_report_and_hide_with_a_reason(
    page: Page,
    make_ward: Callable[..., Ward],
    make_user: Callable[..., User],
    make_board: Callable[..., Board],
) -> None:
    ward = make_ward("Riverside East")
    make_board(ward.area, "Streets and litter")
    author = make_user(ward=ward, name="Jamie Patel", email="jamie@example.org")
    neighbour = make_user(ward=ward, name="Chris Lee", email="chris@example.org")
    moderator = make_user(Role.MODERATOR, ward=ward, name="Priya Shah", email="priya@example.org")

    # The author finds the forum from their ward page and starts a thread.
    sign_in(page, author)
    page.goto(f"/wards/{ward.slug}")
    page.get_by_role("link", name=f"Go to the {ward.area.name} forum").click()
    assert_accessible(page)
    page.get_by_role("link", name="Streets and litter").click()
    assert_accessible(page)
    page.get_by_role("button", name="Start a new thread").click()
    expect(page.get_by_role("heading", name="Before your first post")).to_be_visible()
    page.get_by_label("Title").fill("Fly-tipping behind the shops")
    page.get_by_label("Your post").fill("Mattresses dumped again. The owner lives at number 12.")
    page.get_by_role("button", name="Start thread").click()
    # Forgot to agree: the error summary says so, and nothing typed is lost.
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text("code of conduct")
    expect(page.get_by_label("Title")).to_have_value("Fly-tipping behind the shops")
    assert_accessible(page)
    page.get_by_label("I have read the code of conduct").check()
    page.get_by_role("button", name="Start thread").click()
    expect(page.locator("h1")).to_have_text("Fly-tipping behind the shops")
    assert_accessible(page)
    page.get_by_label("Your reply").fill("Photos sent to the council **today**.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("strong", has_text="today")).to_be_visible()
    thread_url = page.url.split("#")[0].split("?")[0]

    # A neighbour reports the opening post.
    sign_in(page, neighbour)
    page.goto(thread_url)
    assert_accessible(page)
    page.get_by_role("link", name="Report Jamie Patel's post").first.click()
    assert_accessible(page)
    page.get_by_label("Shares someone's personal information").check()
    page.get_by_label("Tell us more").fill("It says where someone lives")
    page.get_by_role("button", name="Send report").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("A moderator will look")

    # The moderator works the queue and hides the post with a reason.
    sign_in(page, moderator)
    page.get_by_role("link", name="Moderation").first.click()
    expect(page.locator("h1")).to_have_text("Reported posts")
    expect(page.locator(".govuk-summary-card")).to_contain_text("It says where someone lives")
    assert_accessible(page)
    page.get_by_role("link", name="Hide the post").click()
    assert_accessible(page)
    page.get_by_label("Reason").fill("It identified where a neighbour lives")
    page.get_by_role("button", name="Hide a post").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Post hidden")
    page.get_by_role("link", name="Moderation log").click()
    expect(page.locator("table")).to_contain_text("It identified where a neighbour lives")
    assert_accessible(page)

    # The author sees the reason in place of the post and in their notifications.
    sign_in(page, author)
    page.goto(thread_url)
    expect(
        page.get_by_text("Hidden by a moderator: It identified where a neighbour lives")
    ).to_be_visible()
    expect(page.get_by_text("The owner lives at number 12")).to_have_count(0)
    page.goto("/forums/notifications")
    expect(page.locator("main")).to_contain_text("A moderator hid")
    assert_accessible(page)


def test_forum_pages_work_on_a_phone(
    phone: Page,
    make_ward: Callable[..., Ward],
    make_user: Callable[..., User],
    make_board: Callable[..., Board],
    make_thread: Callable[..., object],
) -> None:
    ward = make_ward("Abbey Fields")
    board = make_board(ward.area, "Events")
    make_thread(board, make_user(ward=ward), title="Litter pick on Saturday", body="Meet at 10am")
    phone.goto("/forums/")
    assert_accessible(phone)
    phone.get_by_role("link", name=ward.area.name).click()
    phone.get_by_role("link", name="Litter pick on Saturday").first.click()
    expect(phone.locator("h1")).to_have_text("Litter pick on Saturday")
    assert_accessible(phone)
    phone.goto("/forums/search?q=litter")
    expect(phone.locator("main")).to_contain_text("1 post found")
    assert_accessible(phone)
