import pytest
from django.contrib.auth import get_user_model

from reports.accounts import AccountError, ensure_admin

pytestmark = pytest.mark.django_db


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
