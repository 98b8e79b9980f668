"""Clips: one video per scene, and serving any stored video."""
