//! Fatal errors as the exact stderr bytes and exit status of the C tool.
//!
//! Every way C kallsyms stops early prints a fixed message and calls `exit(1)`; a [`Fatal`]
//! carries those bytes up to `main`, which prints them and exits.

use kpaths::error::strerror;
use std::io;

/// The usage line `usage()` prints (C: kallsyms.c:76) before `exit(1)`.
pub(crate) const USAGE: &[u8] =
    b"Usage: kallsyms [--all-symbols] [--absolute-percpu] in.map > out.S\n";

/// A run-ending error: what goes to stderr, and the exit status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fatal {
    /// The complete stderr text, byte for byte as C prints it.
    pub(crate) message: Vec<u8>,
    /// The process exit status (always `EXIT_FAILURE` = 1 in 6.12).
    pub(crate) status: i32,
}

impl Fatal {
    pub(crate) fn new(message: impl Into<Vec<u8>>) -> Fatal {
        Fatal {
            message: message.into(),
            status: 1,
        }
    }

    /// C's `perror(prefix)`: `prefix: strerror(errno)`, or the bare text for an empty prefix.
    pub(crate) fn perror(prefix: &[u8], err: &io::Error) -> Fatal {
        let mut message = Vec::with_capacity(prefix.len() + 40);
        if !prefix.is_empty() {
            message.extend_from_slice(prefix);
            message.extend_from_slice(b": ");
        }
        message.extend_from_slice(strerror(err).as_bytes());
        message.push(b'\n');
        Fatal::new(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perror_formats_like_c() {
        let err = io::Error::from_raw_os_error(2);
        assert_eq!(
            Fatal::perror(b"x.map", &err).message,
            b"x.map: No such file or directory\n".to_vec()
        );
        // perror("") prints no "prefix: ".
        assert_eq!(
            Fatal::perror(b"", &err).message,
            b"No such file or directory\n".to_vec()
        );
        let err = io::Error::from_raw_os_error(21);
        assert_eq!(strerror(&err), "Is a directory");
    }
}
