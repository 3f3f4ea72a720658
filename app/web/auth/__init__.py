"""Who may see the dashboard: GitHub sign-in, signed session cookies and the operator token."""
