//! The one error type of the path half: a message that names what went wrong and where (the
//! file, its line or byte offset), built up by adding context as it travels outwards.
//!
//! The drop-ins keep their own byte-exact diagnostics (modpost-rs `diag`, kallsyms-rs
//! `error::Fatal`); everything else (subcommands, formats, the resolvers) reports through this.

use std::fmt;
use std::io;

/// An error with its context, e.g. `fs/fat/fat.ko: .symtab: symbol 12: name offset 0x91 past
/// the end of .strtab`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The complete message, outermost context first.
    message: String,
}

/// Result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
        }
    }

    /// An I/O error on `what` (usually a path): `<what>: <C strerror text>`.
    pub fn io(what: impl fmt::Display, err: &io::Error) -> Error {
        Error::new(format!("{what}: {}", strerror(err)))
    }

    /// The same error inside `context`: `<context>: <message>`.
    #[must_use]
    pub fn context(self, context: impl fmt::Display) -> Error {
        Error::new(format!("{context}: {}", self.message))
    }

    /// The complete message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<object::Error> for Error {
    fn from(e: object::Error) -> Error {
        Error::new(format!("bad ELF: {e}"))
    }
}

/// Adds context to the error of a `Result`.
pub trait Context<T> {
    /// `Err(e)` becomes `Err(e.context(context))`.
    fn context(self, context: impl fmt::Display) -> Result<T>;
    /// Like [`Context::context`], with the context computed only on error.
    fn with_context<D: fmt::Display>(self, context: impl FnOnce() -> D) -> Result<T>;
}

impl<T, E: Into<Error>> Context<T> for std::result::Result<T, E> {
    fn context(self, context: impl fmt::Display) -> Result<T> {
        self.map_err(|e| e.into().context(context))
    }

    fn with_context<D: fmt::Display>(self, context: impl FnOnce() -> D) -> Result<T> {
        self.map_err(|e| e.into().context(context()))
    }
}

/// The C-locale `strerror()` text of an I/O error ("No such file or directory"), as glibc
/// prints it: the tools never call `setlocale`, and std's `Display` adds " (os error N)".
pub fn strerror(err: &io::Error) -> String {
    match err.raw_os_error() {
        Some(code) => {
            let text = io::Error::from_raw_os_error(code).to_string();
            let suffix = format!(" (os error {code})");
            match text.strip_suffix(&suffix) {
                Some(bare) => bare.to_owned(),
                None => text,
            }
        }
        None => err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strerror_is_the_glibc_text() {
        let e = io::Error::from_raw_os_error(libc::ENOENT);
        assert_eq!(strerror(&e), "No such file or directory");
        let e = io::Error::from_raw_os_error(libc::EACCES);
        assert_eq!(strerror(&e), "Permission denied");
        let e = io::Error::from_raw_os_error(libc::EISDIR);
        assert_eq!(strerror(&e), "Is a directory");
    }

    #[test]
    fn context_is_prepended() {
        let r: Result<()> = Err(Error::new("symbol 3: bad name"));
        let e = r.context(".symtab").context("fat.ko").unwrap_err();
        assert_eq!(e.message(), "fat.ko: .symtab: symbol 3: bad name");
        let e = Error::io("x.o", &io::Error::from_raw_os_error(libc::ENOENT));
        assert_eq!(e.to_string(), "x.o: No such file or directory");
    }
}
