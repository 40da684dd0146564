"""Readers turn files into plain records (no database); writers turn records into rows."""
