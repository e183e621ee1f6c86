"""The Textual app the facilitator drives. Draws state and turns keys into session calls."""
