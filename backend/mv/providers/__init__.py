"""Providers: one interface per capability, with `replicate` and `local` implementations."""
