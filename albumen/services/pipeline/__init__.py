"""What happens to an asset after upload (NOTES.md §7): metadata, storage template, thumbnails, video
encoding, plus the deletion and nightly cleanup jobs. ``registry.build_registry`` wires the handlers."""
