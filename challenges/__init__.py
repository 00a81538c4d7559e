"""The built-in challenge pack: data, one folder per challenge (see README, "Writing challenges")."""
