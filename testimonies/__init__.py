"""The domain: testimonies, media, people, names, places, events; import; admin; pages."""
