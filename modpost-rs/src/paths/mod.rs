//! Source-path passes (subcommands of modpost-rs that are not part of the C drop-in):
//! `.kallsyms_paths` emission for `.ko` files, `verify`, and the per-archive manifests.
//! OWNER: module-paths helper (ko/verify) and vmlinux-paths helper (manifest).
