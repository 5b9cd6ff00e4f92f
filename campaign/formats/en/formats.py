# The campaign writes British English: dates as Django formats them for en-GB.
from django.conf.locale.en_GB.formats import (  # noqa: F401
    DATE_FORMAT,
    DATE_INPUT_FORMATS,
    DATETIME_FORMAT,
    DATETIME_INPUT_FORMATS,
    FIRST_DAY_OF_WEEK,
    MONTH_DAY_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
    YEAR_MONTH_FORMAT,
)

from campaign.formats import number_symbols

DECIMAL_SEPARATOR, THOUSAND_SEPARATOR = number_symbols("en")
NUMBER_GROUPING = 3
