"""Lipsync: a clip re-rendered so the singer mouths its stretch of the song."""
