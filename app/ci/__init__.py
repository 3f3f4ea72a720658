"""The repository's own CI: what its checks said about autofix's head commit."""
