"""Bearings: a guided recovery assistant after a large crypto loss."""
