from datetime import UTC, datetime, timedelta

from app.domain import passwords
from app.domain.masking import mask_id, mask_name, mask_phone


def test_hash_is_argon2id_salted_and_verifies_only_the_password():
    h1, h2 = passwords.hash_password("窗口abc123"), passwords.hash_password("窗口abc123")
    assert h1.startswith("$argon2id$") and h1 != h2
    assert passwords.verify_password(h1, "窗口abc123")
    assert not passwords.verify_password(h1, "窗口abc124")
    assert not passwords.verify_password("not a hash", "窗口abc123")
    assert not passwords.verify_password("", "")


def test_fifth_wrong_password_locks_for_a_while_then_lock_expires():
    now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    st = passwords.after_success()
    for _ in range(passwords.MAX_FAILURES - 1):
        st = passwords.after_failure(st, now)
        assert not st.locked(now)
    st = passwords.after_failure(st, now)
    assert st.locked(now + timedelta(minutes=passwords.LOCK_MINUTES - 1))
    assert not st.locked(now + timedelta(minutes=passwords.LOCK_MINUTES, seconds=1))


def test_weak_passwords_are_named():
    assert passwords.password_problem("abc") == "password.too_short"
    assert passwords.password_problem("12345678") == "password.too_simple"
    assert passwords.password_problem("abc12345") is None


def test_masks_keep_only_what_identifies_the_record():
    assert mask_id("32072419900101123X") == "320724********123X"
    assert mask_id("91320724MA1XYZ123K") == "913207********123K"
    assert "19900101" not in mask_id("32072419900101123X")
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138-1234-5678") == "138****5678"
    assert "8322" not in mask_phone("0518-83221234")
    assert mask_name("张三") == "张*" and mask_name("欧阳娜娜") == "欧阳**"
    assert mask_id("") == mask_phone(None) == ""
