"""View models the dashboard's templates render: plain data computed from stored runs."""
