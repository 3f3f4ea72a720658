"""What operators watch: Prometheus metrics of runs, queue and sandboxes; JSON logs."""
