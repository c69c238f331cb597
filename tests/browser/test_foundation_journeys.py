from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import expect

from engage.accounts.models import Role, User
from engage.extensions import db
from engage.wards.models import Ward
from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD


def test_resident_registers_signs_in_and_sees_their_ward(
    page, make_ward: Callable[..., Ward], outbox
) -> None:
    ward = make_ward("Riverside East")
    make_ward("Abbey Fields")

    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Create an account").first.click()
    assert_accessible(page)

    # A mistake first: the error summary names it and nothing typed is lost.
    page.get_by_label("Your name").fill("Jamie Patel")
    page.get_by_label("Email address").fill("jamie@example.org")
    page.get_by_label("Create a password").fill("qwertyuiop")
    page.get_by_label("Confirm your password").fill("qwertyuiop")
    page.get_by_label("Home postcode").fill("not a postcode")
    page.get_by_label("Your ward").select_option(label="Riverside East")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    assert "Enter a real postcode" in summary.inner_text()
    assert "too common" in summary.inner_text()
    assert page.get_by_label("Your name").input_value() == "Jamie Patel"
    assert_accessible(page)

    page.get_by_label("Create a password").fill("a long river walk")
    page.get_by_label("Confirm your password").fill("a long river walk")
    page.get_by_label("Home postcode").fill("rv1 1aa")
    page.get_by_role("button", name="Create account").click()
    assert "Your account" in page.locator("h1").inner_text()
    assert "RV1 1AA" in page.locator(".govuk-summary-list").inner_text()
    assert_accessible(page)
    assert any("Confirm your email address" in message for message in outbox())

    # Sign out and back in, then go to the ward page.
    page.get_by_role("button", name="Sign out").first.click()
    page.goto("/account/sign-in")
    page.get_by_label("Email address").fill("jamie@example.org")
    page.get_by_label("Password", exact=True).fill("a long river walk")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Riverside East").first.click()
    assert page.locator("h1").inner_text() == f"{ward.name} ward"
    assert_accessible(page)


def test_administrator_grants_the_councillor_role(
    page, make_user: Callable[..., User], make_ward: Callable[..., Ward]
) -> None:
    ward = make_ward("Riverside West")
    admin = make_user(Role.ADMINISTRATOR, ward=ward, email="admin@example.org")
    resident = make_user(ward=ward, name="Sian Hughes")

    page.goto("/account/sign-in")
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/admin/people")
    assert_accessible(page)
    page.get_by_role("link", name="Sian Hughes").click()
    assert_accessible(page)
    page.get_by_label("Role").select_option(label="Councillor")
    page.get_by_label("Reason").fill("Elected at the May by-election")
    page.get_by_role("button", name="Grant role").click()
    assert "is now Councillor" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Wards and profile").click()
    page.get_by_label("Riverside West").check()
    page.get_by_label("Short biography").fill("Sian leads on parks and green spaces.")
    page.get_by_role("button", name="Save profile").click()
    page.goto(f"/wards/{ward.slug}")
    assert "Councillor Sian Hughes" in page.content()
    assert "parks and green spaces" in page.content()

    page.goto("/admin/audit")
    assert_accessible(page)
    assert "Elected at the May by-election" in page.locator("table").inner_text()
    db.session.rollback()  # end the test's read snapshot to see the server's writes
    assert db.session.get(User, resident.id).is_councillor


def test_keyboard_only_sign_in(
    page, make_user: Callable[..., User], make_ward: Callable[..., Ward]
) -> None:
    user = make_user(ward=make_ward(), email="keys@example.org")
    page.goto("/account/sign-in")
    # First Tab reaches the skip link, as GOV.UK pages should.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    page.locator("#email").focus()
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/account/#main-content")
    assert "Your account" in page.locator("h1").inner_text()


def test_pages_run_their_scripts_under_a_strict_content_security_policy(page) -> None:
    problems: list[str] = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.goto("/account/sign-in")
    expect(page.locator("body")).to_have_class(re.compile("govuk-frontend-supported"))
    # The password reveal button exists only once GOV.UK Frontend's script has run.
    assert page.get_by_role("button", name="Show password").is_visible()
    assert not [p for p in problems if "Content Security Policy" in p], problems
