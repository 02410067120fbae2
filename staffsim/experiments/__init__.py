"""Experiments layer: replications x designs x parameter points, run folders, statistics."""
