"""Developer tools that are not part of the library (``indicator`` never imports them)."""
