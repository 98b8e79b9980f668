"""Health: is the service up, and what can it do."""
