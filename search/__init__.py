"""Meilisearch indexes, documents, sync, name folding and the search query engine."""
