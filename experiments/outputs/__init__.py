"""What a run leaves behind: its summary, and the tables exported from results."""
