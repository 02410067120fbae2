"""Metrics layer: numbers computed from a ledger, declared once in the registry."""
