"""`python -m staffsim` runs the command line."""

from .cli import main

main()
