"""Character reference images: generated or uploaded, stored as PNG."""
