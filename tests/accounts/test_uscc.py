import pytest
from django.core.exceptions import ValidationError

from apps.accounts.validators import uscc_check_char, validate_uscc


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91330100799655058B", "9144030071526726XG", "914403001922038216"])
def test_valid_published_codes(code):
    validate_uscc(code)


def test_lowercase_is_accepted_as_the_same_code():
    validate_uscc("91350100m000100y43")


@pytest.mark.parametrize("code,reason", [
    ("91350100M000100Y44", "checksum"),
    ("91350100M000100Y4", "length"),
    ("91350100M0001O0Y43", "charset"),
    ("9135A100M000100Y43", "division"),
])
def test_invalid_codes_are_refused_with_a_reason(code, reason):
    with pytest.raises(ValidationError) as exc:
        validate_uscc(code)
    assert exc.value.code == reason


def test_check_char_roundtrip():
    first17 = "12330100470000000"
    validate_uscc(first17 + uscc_check_char(first17))
