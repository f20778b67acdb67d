"""Reproductions of the course's claims: each run() trains, measures and returns numbers."""
