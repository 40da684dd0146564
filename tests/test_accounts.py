import pytest
from django.contrib.auth import get_user_model

from reports.accounts import AccountError, ensure_admin

pytestmark = pytest.mark.django_db

User = get_user_model()


def test_ensure_admin_creates_an_active_superuser_with_a_random_password():
    account = ensure_admin(username="admin")
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser
    assert user.is_staff
    assert user.is_active
    assert user.check_password(account.password)


def test_ensure_admin_leaves_an_existing_superuser_alone():
    get_user_model().objects.create_superuser(username="boss", password="a-long-test-password")
    account = ensure_admin(username="admin")
    assert (account.username, account.password) == ("boss", None)
    assert not get_user_model().objects.filter(username="admin").exists()


def test_ensure_admin_refuses_to_promote_an_existing_ordinary_account():
    get_user_model().objects.create_user(username="admin")
    with pytest.raises(AccountError):
        ensure_admin(username="admin")
    assert not get_user_model().objects.get(username="admin").is_superuser


def test_add_staff_creates_a_curator_or_moves_an_account_to_viewers():
    from reports.accounts import add_staff
    from reports.roles import CURATORS, VIEWERS

    created = add_staff(username="anna", role="curator")
    anna = User.objects.get(username="anna")
    assert created.password
    assert anna.check_password(created.password)
    assert anna.is_staff
    assert not anna.is_superuser
    assert list(anna.groups.values_list("name", flat=True)) == [CURATORS]
    again = add_staff(username="anna", role="viewer")
    assert again.password is None
    assert list(anna.groups.values_list("name", flat=True)) == [VIEWERS]


def test_add_staff_refuses_an_unknown_role():
    from reports.accounts import add_staff

    with pytest.raises(AccountError, match="'curator' or 'viewer'"):
        add_staff(username="bob", role="owner")


def test_repeated_failed_logins_lock_the_account_out_from_that_address(client, settings):
    User.objects.create_superuser(username="anna", password="the-right-password-123")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/admin/login/?next=/admin/", {"username": "anna", "password": "wrong"})
        assert response.status_code == 200  # the login form again, with its error
    last = client.post("/admin/login/?next=/admin/", {"username": "anna", "password": "wrong"})
    assert last.status_code == 429  # the failure that reaches the limit locks
    locked = client.post("/admin/login/?next=/admin/", {"username": "anna", "password": "the-right-password-123"})
    assert locked.status_code == 429  # even with the right password
    assert b"Too many failed logins" in locked.content
    assert "_auth_user_id" not in client.session


def test_a_successful_login_before_the_limit_resets_the_count(client, settings):
    User.objects.create_superuser(username="anna", password="the-right-password-123")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/admin/login/?next=/admin/", {"username": "anna", "password": "wrong"})
    ok = client.post("/admin/login/?next=/admin/", {"username": "anna", "password": "the-right-password-123"})
    assert ok.status_code == 302


def test_the_client_address_is_read_behind_as_many_proxies_as_configured(settings, rf):
    from reports.accounts import client_address

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.2")
    settings.PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.2"  # without a proxy the header is the client's own words
    settings.PROXY_COUNT = 1
    assert client_address(request) == "203.0.113.9"  # what our proxy saw, not what the client claimed


def test_a_login_whose_next_page_is_refused_lands_on_the_admin_index(client):
    User.objects.create_superuser(username="anna", password="the-right-password-123")
    for refused in ("https://elsewhere.example/", "//elsewhere.example/admin/", "javascript:alert(1)"):
        client.logout()
        response = client.post(
            "/admin/login/", {"username": "anna", "password": "the-right-password-123", "next": refused}
        )
        assert response.status_code == 302, refused
        assert response["Location"] == "/admin/", refused
        assert client.get(response["Location"]).status_code == 200
