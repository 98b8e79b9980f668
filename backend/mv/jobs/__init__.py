"""Jobs: durable long operations with progress, resumed after a restart."""
