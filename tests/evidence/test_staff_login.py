"""The site's login: editors who are not staff reach the staff pages; django-axes guards it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

pytestmark = pytest.mark.django_db
PASSWORD = "right-password-123"


def _user(username: str, *groups: str) -> User:
    user = User.objects.create_user(username, password=PASSWORD)
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


def _log_in(browser: Client, username: str, password: str = PASSWORD, **extra: str) -> Any:
    data = {"username": username, "password": password, **extra}
    return browser.post("/accounts/login/", data, follow=True)


def test_an_anonymous_visitor_is_sent_to_the_login_page():
    response = Client().get("/staff/takedowns/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/staff/takedowns/"
    page = Client().get(response["Location"])
    assert page.status_code == 200
    assert 'name="next" value="/staff/takedowns/"' in page.content.decode()


def test_an_editor_who_is_not_staff_logs_in_and_sees_the_report():
    _user("editor", "editor")
    browser = Client()
    response = _log_in(browser, "editor", next="/staff/takedowns/")
    assert response.redirect_chain[-1][0] == "/staff/takedowns/"
    assert response.status_code == 200
    assert "Takedowns" in response.content.decode()


def test_without_next_the_login_ends_on_the_report():
    _user("admin-role", "admin")
    response = _log_in(Client(), "admin-role")
    assert response.redirect_chain[-1][0] == "/staff/takedowns/"
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("groups", "lands_on"),
    [(("transcriber",), "/edit/"), (("researcher",), "/"), ((), "/")],
)
def test_without_next_others_land_where_they_may_work(groups: tuple[str, ...], lands_on: str):
    _user("volunteer", *groups)
    response = _log_in(Client(), "volunteer")
    assert response.redirect_chain[-1][0] == lands_on
    assert response.status_code == 200


def test_a_user_without_a_role_logs_in_but_may_not_see_the_report():
    _user("someone")
    browser = Client()
    response = _log_in(browser, "someone", next="/staff/takedowns/")
    assert response.status_code == 403
    assert browser.session["_auth_user_id"]


def test_a_wrong_password_is_refused_and_repeated_ones_lock_out(settings: Any):
    _user("editor", "editor")
    browser = Client()
    refused = _log_in(browser, "editor", "wrong")
    assert refused.status_code == 200 and not refused.redirect_chain
    assert "Please enter a correct username and password" in refused.content.decode()
    assert "_auth_user_id" not in browser.session
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _log_in(browser, "editor", "wrong")
    locked = _log_in(browser, "editor")
    assert locked.status_code in (403, 429)
    assert "_auth_user_id" not in browser.session


def test_logging_out_ends_the_session():
    editor = _user("editor", "editor")
    browser = Client()
    browser.force_login(editor)
    assert "Log out" in browser.get("/staff/takedowns/").content.decode()
    response = browser.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" not in browser.session


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("kk", ["Кіру", "Құпия сөз"]),
        ("ru", ["Войти", "Пароль"]),
        ("zh-hans", ["登录", "密码"]),
        ("ug", ["كىرىش", "پارول"]),
    ],
)
def test_the_login_page_is_translated(language: str, words: list[str]):
    browser = Client()
    browser.cookies["django_language"] = language
    page = browser.get("/accounts/login/").content.decode()
    assert f'lang="{language}"' in page
    for word in words:
        assert word in page
