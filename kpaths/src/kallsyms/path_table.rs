//! The vmlinux path side table (CONFIG_KALLSYMS_PATHS; docs/kallsyms-paths-format.md).
//!
//! kallsyms keeps its symbols in address order, and the symbols of one object are contiguous
//! within each output section, so the source path of symbol `i` is a step function of `i`:
//! runs of equal paths. The table stores each run's first index and path id, and the distinct
//! paths once each. The kernel finds symbol `i`'s path with one binary search over the run
//! starts: O(log runs), no lock, no allocation (usable in NMI, oops and panic context).

use super::tables::check_trailing;
use super::tables::error;
use super::tables::read_u16;
use super::tables::read_u32;
use super::tables::DecodeError;
use super::tables::Problems;
use super::tables::Table;
use super::tables::Target;
use crate::error::Error;

/// The most path ids a table can hold (`.short` ids; id 0 is "no path").
pub const MAX_PATHS: usize = u16::MAX as usize + 1;

/// A decoded or to-be-written path table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathTable {
    /// `kallsyms_path_run_start`: the first symbol index of each run; ascending, the first 0.
    pub run_start: Vec<u32>,
    /// `kallsyms_path_run_path`: each run's path id (0: the run's symbols have no path).
    pub run_path: Vec<u16>,
    /// The paths by id; id 0 is the empty string.
    pub paths: Vec<Vec<u8>>,
}

/// The raw path tables of an image, cut out by [`super::image`].
#[derive(Debug, Clone)]
pub struct RawPathTables<'a> {
    /// `kallsyms_path_num_runs`.
    pub num_runs: Table<'a>,
    /// `kallsyms_path_run_start`.
    pub run_start: Table<'a>,
    /// `kallsyms_path_run_path`.
    pub run_path: Table<'a>,
    /// `kallsyms_path_num_paths`.
    pub num_paths: Table<'a>,
    /// `kallsyms_path_offsets`.
    pub offsets: Table<'a>,
    /// `kallsyms_path_strings`.
    pub strings: Table<'a>,
}

impl PathTable {
    /// The table for symbols whose paths, in table (address) order, are `symbol_paths`. Path
    /// ids are given in order of first use, so the bytes depend only on the input.
    pub fn build<'p>(
        symbol_paths: impl IntoIterator<Item = Option<&'p [u8]>>,
    ) -> Result<PathTable, Error> {
        let mut table = PathTable {
            paths: vec![Vec::new()],
            ..PathTable::default()
        };
        let mut ids: std::collections::HashMap<&'p [u8], u16> = std::collections::HashMap::new();
        for (index, path) in symbol_paths.into_iter().enumerate() {
            let id = match path {
                Some(p) if !p.is_empty() => {
                    if p.contains(&0) {
                        return Err(Error::new(format!(
                            "the path of symbol #{index} contains a NUL byte"
                        )));
                    }
                    match ids.get(p) {
                        Some(&id) => id,
                        None => {
                            let id = u16::try_from(table.paths.len()).map_err(|_| {
                                Error::new(format!("more than {MAX_PATHS} distinct paths"))
                            })?;
                            ids.insert(p, id);
                            table.paths.push(p.to_vec());
                            id
                        }
                    }
                }
                _ => 0,
            };
            if table.run_path.last() != Some(&id) {
                let start = u32::try_from(index)
                    .map_err(|_| Error::new("more than 2^32 symbols".to_string()))?;
                table.run_start.push(start);
                table.run_path.push(id);
            }
        }
        Ok(table)
    }

    /// The path of symbol `index` (its position in address order), as the kernel finds it:
    /// the last run that starts at or before it.
    pub fn path_of(&self, index: usize) -> Option<&[u8]> {
        let run = self
            .run_start
            .partition_point(|&s| s as usize <= index)
            .checked_sub(1)?;
        let id = usize::from(*self.run_path.get(run)?);
        self.paths
            .get(id)
            .map(Vec::as_slice)
            .filter(|p| !p.is_empty())
    }

    /// `kallsyms_path_offsets`: where each path starts in [`PathTable::strings`].
    pub fn offsets(&self) -> Vec<u32> {
        let mut at = 0u32;
        self.paths
            .iter()
            .map(|p| {
                let off = at;
                at = at.saturating_add(p.len() as u32 + 1);
                off
            })
            .collect()
    }

    /// `kallsyms_path_strings`: every path, NUL-terminated, in id order.
    pub fn strings(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.paths.iter().map(|p| p.len() + 1).sum());
        for p in &self.paths {
            out.extend_from_slice(p);
            out.push(0);
        }
        out
    }

    /// The bytes the tables take in the image, alignment padding included (`align` is the
    /// `.balign` of the tables: 8 on 64-bit, 4 on 32-bit).
    pub fn size_in_image(&self, align: usize) -> usize {
        let sizes = [
            4,
            4 * self.run_start.len(),
            2 * self.run_path.len(),
            4,
            4 * self.paths.len(),
            self.paths.iter().map(|p| p.len() + 1).sum(),
        ];
        sizes
            .iter()
            .fold(0, |at, size| at.next_multiple_of(align) + size)
    }

    /// Decodes the tables of an image with `num_syms` symbols and checks what the kernel's
    /// lookup relies on: runs start at 0 and ascend, every id names a path, every path offset
    /// lies in the string table and its string ends in a NUL. Problems that do not stop the
    /// decoding (leftover bytes) go to `problems`.
    pub(crate) fn decode(
        t: Target,
        raw: &RawPathTables<'_>,
        num_syms: u32,
        problems: &mut Problems,
    ) -> Result<PathTable, DecodeError> {
        let num_runs = read_u32(t, &raw.num_runs, 0, || "the value".into())?;
        let num_paths = read_u32(t, &raw.num_paths, 0, || "the value".into())?;
        if num_runs > num_syms || (num_syms > 0 && num_runs == 0) {
            return Err(error(format!(
                "{}: {num_runs} runs for {num_syms} symbols",
                raw.num_runs.label
            )));
        }
        if num_paths == 0 || num_paths as usize > MAX_PATHS {
            return Err(error(format!(
                "{}: {num_paths} paths (1 to {MAX_PATHS}, path 0 being \"no path\")",
                raw.num_paths.label
            )));
        }
        let mut table = PathTable::default();
        for i in 0..num_runs as usize {
            let start = read_u32(t, &raw.run_start, 4 * i, || format!("run {i}"))?;
            let id = read_u16(t, &raw.run_path, 2 * i, || format!("run {i}"))?;
            let expected_first = i > 0 || start == 0;
            let ascending = table.run_start.last().is_none_or(|&prev| start > prev);
            if !expected_first || !ascending || start >= num_syms {
                return Err(error(format!(
                    "{}[{i}] = {start}: runs must start at 0 and ascend below {num_syms}",
                    raw.run_start.label
                )));
            }
            if u32::from(id) >= num_paths {
                return Err(error(format!(
                    "{}[{i}] = {id}, but there are only {num_paths} paths",
                    raw.run_path.label
                )));
            }
            table.run_start.push(start);
            table.run_path.push(id);
        }
        check_trailing(
            problems,
            &raw.run_start,
            4 * num_runs as usize,
            t,
            "last run",
        );
        check_trailing(
            problems,
            &raw.run_path,
            2 * num_runs as usize,
            t,
            "last run",
        );
        for i in 0..num_paths as usize {
            let off = read_u32(t, &raw.offsets, 4 * i, || format!("path {i}"))? as usize;
            let tail = raw.strings.bytes.get(off..).unwrap_or_default();
            let Some(len) = tail.iter().position(|&b| b == 0) else {
                return Err(error(format!(
                    "{}[{i}] = {off:#x}: no NUL-terminated string there in {} ({:#x} bytes, {})",
                    raw.offsets.label,
                    raw.strings.label,
                    raw.strings.bytes.len(),
                    raw.strings.limit
                )));
            };
            table.paths.push(tail[..len].to_vec());
        }
        if table.paths.first().is_some_and(|p| !p.is_empty()) {
            return Err(error(format!("{}: path 0 is not empty", raw.strings.label)));
        }
        check_trailing(
            problems,
            &raw.offsets,
            4 * num_paths as usize,
            t,
            "last path",
        );
        Ok(table)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_and_lookup() {
        let a: &[u8] = b"init/main.c";
        let b: &[u8] = b"mm/slub.c";
        let paths = [Some(a), Some(a), None, Some(b), Some(b), Some(a)];
        let t = PathTable::build(paths).unwrap();
        assert_eq!(t.run_start, [0, 2, 3, 5]);
        assert_eq!(t.run_path, [1, 0, 2, 1]);
        assert_eq!(t.paths, [b"".to_vec(), a.to_vec(), b.to_vec()]);
        for (i, p) in paths.iter().enumerate() {
            assert_eq!(t.path_of(i), *p, "symbol {i}");
        }
        assert_eq!(t.path_of(100), Some(a), "past the end: the last run");
        assert_eq!(t.offsets(), [0, 1, 13]);
        assert_eq!(t.strings(), b"\0init/main.c\0mm/slub.c\0");
        // every table starts aligned, as every kallsyms label does:
        // 4 | pad 4 | 16 | 8 | 4 | pad 4 | 12 | pad 4 | 23
        assert_eq!(t.size_in_image(8), 4 + 4 + 16 + 8 + 4 + 4 + 12 + 4 + 23);
    }

    #[test]
    fn empty_table() {
        let t = PathTable::build(std::iter::empty()).unwrap();
        assert!(t.run_start.is_empty());
        assert_eq!(t.path_of(0), None);
        assert_eq!(t.paths.len(), 1);
    }

    #[test]
    fn nul_in_a_path_is_refused() {
        let p: &[u8] = b"a\0b";
        assert!(PathTable::build([Some(p)]).is_err());
    }
}
