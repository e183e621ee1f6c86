"""What a workshop is and the rules it follows. Pure: the standard library only, no I/O."""
