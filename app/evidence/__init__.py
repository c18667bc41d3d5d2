"""Content-addressed evidence store: files copied in by SHA-256, hashed while copying, renamed into place."""
