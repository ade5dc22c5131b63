"""Evidence: platform capture with provenance, takedown checks, backups, their staff pages."""
