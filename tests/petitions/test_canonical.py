import pytest

from campaign.lib.canonical import email_canonical


@pytest.mark.parametrize(
    ("address", "canonical"),
    [
        ("  Leyla@Example.ORG ", "leyla@example.org"),
        ("l.e.y.l.a+petition@gmail.com", "leyla@gmail.com"),
        ("Leyla.Aliyeva@googlemail.com", "leylaaliyeva@gmail.com"),
        ("leyla+news@outlook.com", "leyla@outlook.com"),
        ("leyla+x@icloud.com", "leyla@icloud.com"),
        ("leyla+x@fastmail.com", "leyla@fastmail.com"),
        ("leyla+x@proton.me", "leyla@proton.me"),
        # Dots are kept where the provider does not ignore them.
        ("ley.la@outlook.com", "ley.la@outlook.com"),
        # Elsewhere a +tag may be a different mailbox: kept.
        ("leyla+x@example.org", "leyla+x@example.org"),
    ],
)
def test_email_canonical_folds_provider_aliases(address, canonical):
    assert email_canonical(address) == canonical
