"""`python -m encore_cli`: the same as the `encore` command."""

from encore_cli.main import main

if __name__ == "__main__":
    main()
