"""`python -m cli`, the same as the `orderflow` console script."""

from cli.main import main

main()
