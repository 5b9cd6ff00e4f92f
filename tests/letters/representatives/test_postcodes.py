import pytest

from letters.representatives.postcodes import CANADA, UK, PostcodeInvalid, postcode_parse

BOTH = [UK, CANADA]


@pytest.mark.parametrize(
    ("typed", "country", "compact", "display"),
    [
        ("sw1a 1aa", UK, "SW1A1AA", "SW1A 1AA"),
        ("  EX1   1AA ", UK, "EX11AA", "EX1 1AA"),
        ("M1 1AE", UK, "M11AE", "M1 1AE"),
        ("k1a 0b1", CANADA, "K1A0B1", "K1A 0B1"),
        ("K2P0V1", CANADA, "K2P0V1", "K2P 0V1"),
    ],
)
def test_the_country_is_inferred_from_the_format(typed, country, compact, display):
    postcode = postcode_parse(typed, countries=BOTH)
    assert (postcode.country, postcode.compact, postcode.display) == (country, compact, display)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("A" * 10_000, "too long"),
        ("EX1\n1AA", "letters, numbers and spaces only"),
        ("EX1\x001AA", "letters, numbers and spaces only"),
        ("", "Please enter your postcode"),
        ("1234", "not a postcode we recognise"),
        ("12345", "French or German postcode"),
        ("D1A 0B1", "not a postcode we recognise"),  # no Canadian code has D
    ],
)
def test_a_postcode_that_cannot_be_right_gets_a_sentence(typed, message):
    with pytest.raises(PostcodeInvalid, match=message):
        postcode_parse(typed, countries=BOTH)


def test_another_countrys_format_is_named():
    with pytest.raises(PostcodeInvalid, match="looks like a Canadian postal code"):
        postcode_parse("K1A 0B1", countries=[UK])
    with pytest.raises(PostcodeInvalid, match="looks like a UK postcode"):
        postcode_parse("SW1A 1AA", countries=[CANADA])


def test_the_directory_takes_other_countries_postcodes():
    postcode = postcode_parse("75007", countries=[], directory=True)
    assert (postcode.country, postcode.compact) == ("", "75007")
