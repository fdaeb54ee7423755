//! The `.kallsyms_paths` section format (see docs/kallsyms-paths-format.md). OWNER: module-paths helper.
