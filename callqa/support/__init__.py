"""Small helpers with no knowledge of calls: batching, hashing, pausing the garbage
collector. The bottom of the layering: it imports nothing else of callqa."""
