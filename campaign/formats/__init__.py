"""Per-language format overrides (FORMAT_MODULE_PATH); Django's own formats fill in the rest.

Number separators come from CLDR through Babel, the data the browser's Intl.NumberFormat uses,
so the count the server renders and the count the counter script writes look the same.
"""

from babel.numbers import get_decimal_symbol, get_group_symbol


def number_symbols(language: str) -> tuple[str, str]:
    """(decimal separator, thousand separator) for a language, from CLDR."""
    return get_decimal_symbol(language), get_group_symbol(language)
