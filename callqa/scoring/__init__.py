"""Scorecards, criteria, FCR, flags and review selection (pure functions)."""
