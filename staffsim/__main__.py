"""`python -m staffsim` runs the command line."""

from staffsim.cli import main

main()
