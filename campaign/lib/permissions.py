"""Permission names that more than one app's admin checks."""

# Email addresses, names, postcodes: given to data managers, never to organisers.
PERSONAL_DATA = "campaign.view_personal_data"
