"""Names and places without Django: script folding, the gazetteer, name matching, dates."""
