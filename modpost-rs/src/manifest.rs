//! The per-archive path manifest format (see docs/manifest-format.md). OWNER: vmlinux-paths helper.
