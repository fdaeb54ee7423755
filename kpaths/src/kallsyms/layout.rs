//! The names and sizes the kallsyms writer (kallsyms-rs) and its readers (`kallsyms-rs
//! decode`, `modpost-rs verify`, the kernel) agree on. Spelled once, here.

/// Longest name the kernel keeps, including the NUL (`KSYM_NAME_LEN`, include/linux/kallsyms.h).
/// scripts/kallsyms drops longer symbols; the kernel truncates what it expands to this size,
/// and prints `path:name` only when that fits too.
pub const KSYM_NAME_LEN: usize = 512;

/// `kallsyms_num_syms`: the symbol count (`.long`).
pub const NUM_SYMS: &str = "kallsyms_num_syms";
/// `kallsyms_names`: the compressed names, a ULEB128 length before each.
pub const NAMES: &str = "kallsyms_names";
/// `kallsyms_markers`: the offset in `kallsyms_names` of every 256th name.
pub const MARKERS: &str = "kallsyms_markers";
/// `kallsyms_token_table`: the 256 tokens, NUL-terminated, back to back.
pub const TOKEN_TABLE: &str = "kallsyms_token_table";
/// `kallsyms_token_index`: where each token starts in `kallsyms_token_table` (`.short`).
pub const TOKEN_INDEX: &str = "kallsyms_token_index";
/// `kallsyms_offsets`: each symbol's address, relative to `kallsyms_relative_base` (`.long`).
pub const OFFSETS: &str = "kallsyms_offsets";
/// `kallsyms_relative_base`: the base of the offsets (`PTR`).
pub const RELATIVE_BASE: &str = "kallsyms_relative_base";
/// `kallsyms_seqs_of_names`: symbol indices in name order, 3 bytes each, big-endian.
pub const SEQS_OF_NAMES: &str = "kallsyms_seqs_of_names";

/// The eight tables of scripts/kallsyms (Linux 6.12), in the order it writes them.
pub const TABLE_LABELS: [&str; 8] = [
    NUM_SYMS,
    NAMES,
    MARKERS,
    TOKEN_TABLE,
    TOKEN_INDEX,
    OFFSETS,
    RELATIVE_BASE,
    SEQS_OF_NAMES,
];

/// `kallsyms_path_num_runs`: the number of runs (`.long`). Path tables (CONFIG_KALLSYMS_PATHS)
/// follow the eight tables above; docs/kallsyms-paths-format.md specifies them.
pub const PATH_NUM_RUNS: &str = "kallsyms_path_num_runs";
/// `kallsyms_path_run_start`: the first symbol index of each run, ascending from 0 (`.long`).
pub const PATH_RUN_START: &str = "kallsyms_path_run_start";
/// `kallsyms_path_run_path`: the path id of each run, 0 for none (`.short`).
pub const PATH_RUN_PATH: &str = "kallsyms_path_run_path";
/// `kallsyms_path_num_paths`: the number of path ids, including 0 (`.long`).
pub const PATH_NUM_PATHS: &str = "kallsyms_path_num_paths";
/// `kallsyms_path_offsets`: where each path starts in `kallsyms_path_strings` (`.long`).
pub const PATH_OFFSETS: &str = "kallsyms_path_offsets";
/// `kallsyms_path_strings`: the paths, NUL-terminated; path 0 is the empty string.
pub const PATH_STRINGS: &str = "kallsyms_path_strings";

/// The path tables, in the order kallsyms-rs writes them.
pub const PATH_TABLE_LABELS: [&str; 6] = [
    PATH_NUM_RUNS,
    PATH_RUN_START,
    PATH_RUN_PATH,
    PATH_NUM_PATHS,
    PATH_OFFSETS,
    PATH_STRINGS,
];
