"""hedgesim."""
