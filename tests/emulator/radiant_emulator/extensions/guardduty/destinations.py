"""Publishing destinations, sample findings and tags (filled in below)."""

OPERATIONS: dict = {}
