"""Encore: turn a song and an idea into a music video."""

__version__ = "0.1.0"
