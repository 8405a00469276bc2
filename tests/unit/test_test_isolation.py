"""Process-wide state one test sets is gone before the next test runs (tests/conftest.py), so the
suite passes in any order and any split between pytest-xdist workers. The two tests run in this
order in one process (one file goes to one worker: `--dist loadfile`)."""

from __future__ import annotations

from app.domain.masking import redact, register_secret


def test_first_a_test_registers_a_common_word_as_a_secret() -> None:
    # what tests/sync/test_hostile.py did with its fake hub's token "token"
    register_secret("token")
    assert redact("a token") == "a ****"


def test_then_the_next_test_sees_no_secret_of_the_one_before() -> None:
    assert redact("a token") == "a token"
