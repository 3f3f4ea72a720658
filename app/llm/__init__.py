"""LLM providers behind the small `Model` protocol."""
