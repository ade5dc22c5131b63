"""Editorial review: machine proposals (people, places, dates, events), review and merges."""
