"""Audio: the song behind every video — upload, YouTube import, serving, info and trim."""
