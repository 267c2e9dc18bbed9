"""Placeholder replaced by the tier refresh implementation."""
