from campaign.formats import number_symbols

DECIMAL_SEPARATOR, THOUSAND_SEPARATOR = number_symbols("fr")
NUMBER_GROUPING = 3
