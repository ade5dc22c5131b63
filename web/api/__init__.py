"""The REST API: serializers, filters, viewsets, exports and search, under /api/v1/."""
