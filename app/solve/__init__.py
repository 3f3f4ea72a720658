"""`autofix solve`: the engine run locally on a repository and an issue file."""
