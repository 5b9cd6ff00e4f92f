"""What a provider answers: an area (constituency, riding) and its members.

Plain data, shared by the providers and the lookup in the package's __init__; it imports no
provider, so the providers can import it and the package can import them.
"""

from dataclasses import dataclass, field, replace

from letters.filling import salutation, single_line

CONTACT_URLS = ("email", "website", "contact_url")


@dataclass(frozen=True)
class Representative:
    """One member as a provider describes them; contact fields empty when not published."""

    provider: str
    external_id: str
    name: str
    title: str = "MP"
    party: str = ""
    constituency: str = ""
    organisation: str = ""
    country: str = ""
    email: str = ""
    postal_address: str = ""
    website: str = ""
    contact_url: str = ""
    details: bool = False  # True once the contact fields have been asked for

    @property
    def salutation(self) -> str:
        """ "Jane Smith MP", "Dr Jane Smith MP": how the letter greets them."""
        return salutation(title=self.title, name=self.name)

    def clean(self) -> "Representative":
        """Single-line fields on one line: what an API says is data, never trusted as is."""
        fields = {
            name: single_line(getattr(self, name))
            for name in ("external_id", "name", "title", "party", "constituency", "organisation")
        }
        fields |= {name: getattr(self, name).strip() for name in CONTACT_URLS}
        fields["country"] = single_line(self.country)
        fields["postal_address"] = "\n".join(
            single_line(line) for line in self.postal_address.splitlines() if line.strip()
        )
        return replace(self, **fields)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Area:
    """A postcode's constituency (or riding, or area) and its members; none when vacant."""

    name: str
    members: list[Representative] = field(default_factory=list)

    @property
    def vacant(self) -> bool:
        return not self.members
