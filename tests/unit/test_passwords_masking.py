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


def test_fifth_attempt_sets_the_lock_before_its_check_then_the_lock_expires():
    now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    st = passwords.after_success()
    for n in range(1, passwords.MAX_FAILURES):
        st = passwords.admit(st, now)
        assert st.failures == n and not st.locked(now)
        assert passwords.failures_left(st) == passwords.MAX_FAILURES - n
    fifth = passwords.admit(st, now)
    assert fifth is not None and fifth.failures == passwords.MAX_FAILURES
    assert fifth.locked(now + timedelta(minutes=passwords.LOCK_MINUTES - 1))
    assert not fifth.locked(now + timedelta(minutes=passwords.LOCK_MINUTES, seconds=1))
    assert passwords.admit(fifth, now + timedelta(minutes=1)) is None  # locked: not even checked
    later = now + timedelta(minutes=passwords.LOCK_MINUTES, seconds=1)
    assert passwords.admit(fifth, later) == passwords.LockState(1, None)  # a fresh count


def test_a_right_password_logs_in_only_if_no_other_attempt_locked_the_account_meanwhile():
    now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    st = passwords.LockState(2, None)
    mine = passwords.admit(st, now)  # the third attempt, being checked
    assert passwords.may_log_in(mine, mine, now)
    # two more arrived and were counted while it was checked: the fifth set the lock
    theirs = passwords.admit(passwords.admit(mine, now), now)
    assert theirs.locked(now) and not passwords.may_log_in(theirs, mine, now)
    # the fifth attempt itself, right, logs in: it set the lock as the last allowed try
    assert passwords.may_log_in(theirs, theirs, now)


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
