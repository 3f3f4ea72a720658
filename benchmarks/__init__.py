"""Measurements; each module prints one JSON object (run with `bin/bench NAME`)."""
