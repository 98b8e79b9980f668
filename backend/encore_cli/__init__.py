"""The `encore` command: make music videos from the terminal through Encore's HTTP API."""
