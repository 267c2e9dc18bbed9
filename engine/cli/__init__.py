"""The engine's command-line edge: the only place in `engine` that reads files or the network."""
