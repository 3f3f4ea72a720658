"""The webhook service: signature check, dedupe, routing, enqueue; plus health, metrics, runs."""
