from xuefa.cli import cli

cli()
