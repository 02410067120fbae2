"""Presentation layer: tables, figures and the offline report, read from run folders."""
