"""Scenario layer: what a design file may say, read, validated and frozen."""
