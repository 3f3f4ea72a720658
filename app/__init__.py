"""The autofix GitHub App, CLI and composition root."""
