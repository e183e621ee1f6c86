"""A running workshop: the session API every change goes through, the durable store, paths and the CLI."""

__version__ = "0.1.0"
