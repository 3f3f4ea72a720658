"""What users read: the status comment, the PR body, the check run and the help text."""
