"""One module per subcommand; ``rmnotes.cli.COMMANDS`` registers them."""
