"""Primitives shared by the apps: they import no app (see docs/architecture.md)."""
