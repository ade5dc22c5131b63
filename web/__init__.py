"""The web: public pages, the REST API, media serving; the only app that reads every other."""
