"""Natural keys, so fixtures carry slugs instead of primary keys and load again in place."""

from typing import Any

from django.db import models


class NaturalKeyManager(models.Manager[Any]):
    """`get_by_natural_key` from the model's `natural_key_lookups`, in natural-key order.

    A model sets e.g. `natural_key_lookups = ("appeal__slug", "key")` and its `natural_key()`
    returns the values in the same order.
    """

    def get_by_natural_key(self, *values: Any) -> Any:
        lookups = self.model.natural_key_lookups
        return self.get(**dict(zip(lookups, values, strict=True)))
