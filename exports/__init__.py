"""Renders a workshop's state to Word, Markdown, CSV and JSON, and reads the JSON back for import."""
