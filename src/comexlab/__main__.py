"""``python -m comexlab`` runs the CLI."""

from comexlab.cli import main

main()
