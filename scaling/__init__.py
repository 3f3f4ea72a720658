"""The test-time-scaling engine: gates, tournament voting, holdout and refinement rounds.

Pure logic over typed data and the protocols it owns; it never imports Docker, HTTP,
GitHub or an LLM SDK.
"""
