//! `decode` of a module: the `.kallsyms_paths` section (TODO, see decode.md).

/// Decodes a module's `.kallsyms_paths` and prints `addr type path:name` per symbol.
pub(crate) fn run(_data: &[u8], _check: bool) -> Result<Vec<String>, String> {
    Err("no kallsyms tables (kallsyms_num_syms) in the symbol table".into())
}
