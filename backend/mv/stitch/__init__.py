"""Stitching clips into one music video with the song as its soundtrack."""
