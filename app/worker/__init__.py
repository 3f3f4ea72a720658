"""The queue worker: authorization, repo config, runs, status, publishing, commands."""
