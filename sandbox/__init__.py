"""Where untrusted code runs: Docker sandboxes. Knows nothing of GitHub or LLMs."""
