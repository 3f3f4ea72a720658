"""`autofix setup`: register the GitHub App through GitHub's manifest flow."""
