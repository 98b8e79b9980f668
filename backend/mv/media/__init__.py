"""Media helpers shared by the domains that make videos: probing clips, storing videos, their posters."""
