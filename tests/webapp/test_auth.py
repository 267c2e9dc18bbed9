"""initData validation, as Telegram's Mini Apps documentation describes it.

The reference value is computed here independently of bot.webapp.auth, straight from the
documented steps: data-check-string = the fields but `hash`, sorted, `key=value` joined by
'\\n'; secret_key = HMAC_SHA256(key="WebAppData", msg=bot_token); hash =
hex(HMAC_SHA256(key=secret_key, msg=data_check_string)).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

import pytest

from bot.webapp.auth import MAX_INIT_DATA, AuthError, validate
from tests.webapp.conftest import TOKEN

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
USER = '{"id":279058397,"first_name":"Vladislav","language_code":"ru"}'


def documented_hash(fields: dict[str, str], token: str = TOKEN) -> str:
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    return hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()


def fields(**changes: str) -> dict[str, str]:
    base = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": USER,
        "auth_date": str(int((NOW - timedelta(minutes=5)).timestamp())),
    }
    return {**base, **changes}


def signed(values: dict[str, str]) -> str:
    return urlencode({**values, "hash": documented_hash(values)}, quote_via=quote)


def test_a_valid_launch_names_its_user_and_language() -> None:
    user = validate(signed(fields()), TOKEN, NOW, DAY)
    assert (user.id, user.language_code) == (279058397, "ru")
    assert user.auth_date == NOW - timedelta(minutes=5)


def test_a_tampered_field_is_refused() -> None:
    data = signed(fields()).replace("279058397", "279058398")
    with pytest.raises(AuthError) as refused:
        validate(data, TOKEN, NOW, DAY)
    assert refused.value.code == "bad_hash"


def test_a_tampered_hash_is_refused() -> None:
    good = documented_hash(fields())
    bad = ("0" if good[0] != "0" else "1") + good[1:]
    with pytest.raises(AuthError) as refused:
        validate(urlencode({**fields(), "hash": bad}), TOKEN, NOW, DAY)
    assert refused.value.code == "bad_hash"


def test_another_bots_signature_is_refused() -> None:
    values = fields()
    data = urlencode({**values, "hash": documented_hash(values, "1:" + "B" * 35)})
    with pytest.raises(AuthError):
        validate(data, TOKEN, NOW, DAY)


def test_an_expired_launch_is_refused() -> None:
    data = signed(fields(auth_date=str(int((NOW - DAY - timedelta(seconds=1)).timestamp()))))
    with pytest.raises(AuthError) as refused:
        validate(data, TOKEN, NOW, DAY)
    assert refused.value.code == "expired"


def test_a_launch_from_the_future_is_refused() -> None:
    data = signed(fields(auth_date=str(int((NOW + timedelta(minutes=5)).timestamp()))))
    with pytest.raises(AuthError) as refused:
        validate(data, TOKEN, NOW, DAY)
    assert refused.value.code == "from_the_future"


def test_a_missing_hash_is_refused() -> None:
    with pytest.raises(AuthError) as refused:
        validate(urlencode(fields()), TOKEN, NOW, DAY)
    assert refused.value.code == "missing_hash"


def test_a_repeated_key_is_refused_even_when_one_reading_is_signed() -> None:
    data = signed(fields()) + "&user=" + quote('{"id":1}')
    with pytest.raises(AuthError) as refused:
        validate(data, TOKEN, NOW, DAY)
    assert refused.value.code == "duplicate_key"


def test_a_plus_in_query_id_is_a_plus_once_decoded() -> None:
    # Telegram percent-encodes '+' as %2B; the data-check-string holds the decoded '+'.
    values = fields(query_id="AAH+dF6I/QAA=")
    data = signed(values)
    assert "%2B" in data
    assert validate(data, TOKEN, NOW, DAY).id == 279058397
    with pytest.raises(AuthError):  # a raw '+' decodes to a space: not what was signed
        validate(data.replace("%2B", "+"), TOKEN, NOW, DAY)


def test_an_oversized_init_data_is_refused_before_it_is_read() -> None:
    data = signed(fields(padding="x" * MAX_INIT_DATA))
    with pytest.raises(AuthError) as refused:
        validate(data, TOKEN, NOW, DAY)
    assert refused.value.code == "too_large"


@pytest.mark.parametrize("user", ["", "[]", '{"id":"7"}', '{"id":-1}', "{"], ids=repr)
def test_a_signed_but_unusable_user_is_refused(user: str) -> None:
    with pytest.raises(AuthError) as refused:
        validate(signed(fields(user=user)), TOKEN, NOW, DAY)
    assert refused.value.code == "bad_user"
