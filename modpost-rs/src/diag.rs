//! Diagnostics, with modpost's exact stderr prefixes and error accounting.
//!
//! C modpost prints as it goes. We parse modules in parallel, so a module's messages are
//! collected in a [`Diags`] buffer and replayed in module-list order; the bytes on stderr and
//! their order are then the same as the C tool's. A fatal error is a value ([`Fatal`]) that is
//! propagated with `?`: the message is recorded first, and the caller exits with status 1 once
//! everything before it has been printed, which is what C's `exit(1)` amounts to.

use std::io::Write;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering;

/// Set by every `ERROR:` message; modpost then writes no output file and exits 1.
static ERROR_OCCURRED: AtomicBool = AtomicBool::new(false);

pub(crate) fn error_occurred() -> bool {
    ERROR_OCCURRED.load(Ordering::Relaxed)
}

/// How serious a message is. `Fatal` ends the run after the message (C's `fatal()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Level {
    Warn,
    Error,
    Fatal,
    /// Text printed without a prefix (C's `perror()` and the raw `fprintf(stderr, ...)` dumps).
    Raw,
}

/// Marker returned after a fatal message was recorded; the run must stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fatal;

pub(crate) type Result<T> = std::result::Result<T, Fatal>;

/// A sink for diagnostics: either printing at once, or buffering for later replay.
#[derive(Debug, Default)]
pub(crate) struct Diags {
    buffered: bool,
    messages: Vec<(Level, String)>,
}

impl Diags {
    /// Messages go to stderr as they are emitted (sequential phases).
    pub(crate) fn immediate() -> Self {
        Diags { buffered: false, messages: Vec::new() }
    }

    /// Messages are kept until [`Diags::replay`] (per-module parallel phases).
    pub(crate) fn buffered() -> Self {
        Diags { buffered: true, messages: Vec::new() }
    }

    /// `WARNING: modpost: <msg>`; `msg` carries its own newline, as in the C format strings.
    pub(crate) fn warn(&mut self, msg: impl Into<String>) {
        self.emit(Level::Warn, msg.into());
    }

    /// `ERROR: modpost: <msg>`; remembers that an error occurred.
    pub(crate) fn error(&mut self, msg: impl Into<String>) {
        self.emit(Level::Error, msg.into());
    }

    /// `ERROR: modpost: <msg>` and the run stops: use as `return Err(diags.fatal(...))`.
    pub(crate) fn fatal(&mut self, msg: impl Into<String>) -> Fatal {
        self.emit(Level::Fatal, msg.into());
        Fatal
    }

    /// Unprefixed text on stderr.
    pub(crate) fn raw(&mut self, msg: impl Into<String>) {
        self.emit(Level::Raw, msg.into());
    }

    /// C's `perror(path)` followed by `exit(1)`: `<path>: <strerror>\n`.
    pub(crate) fn perror_fatal(&mut self, path: &str, err: &std::io::Error) -> Fatal {
        self.raw(format!("{}: {}\n", path, strerror(err)));
        Fatal
    }

    pub(crate) fn emit(&mut self, level: Level, msg: String) {
        if self.buffered {
            self.messages.push((level, msg));
        } else {
            print_message(level, &msg);
        }
    }

    /// Print the buffered messages in order; `Err(Fatal)` if one of them was fatal.
    pub(crate) fn replay(self) -> Result<()> {
        let mut fatal = false;
        for (level, msg) in &self.messages {
            print_message(*level, msg);
            fatal |= *level == Level::Fatal;
        }
        if fatal {
            Err(Fatal)
        } else {
            Ok(())
        }
    }

    /// Move another buffer's messages to the end of this one (or print them, if immediate).
    pub(crate) fn append(&mut self, other: Diags) {
        for (level, msg) in other.messages {
            self.emit(level, msg);
        }
    }
}

fn print_message(level: Level, msg: &str) {
    let prefix = match level {
        Level::Warn => "WARNING: modpost: ",
        Level::Error | Level::Fatal => {
            ERROR_OCCURRED.store(true, Ordering::Relaxed);
            "ERROR: modpost: "
        }
        Level::Raw => "",
    };
    let mut err = std::io::stderr().lock();
    // A closed stderr must not turn into a panic; the exit status still reports errors.
    let _ = write!(err, "{prefix}{msg}");
}

/// glibc's text for an I/O error, as `perror()`/`%m` print it (no "(os error N)" suffix).
pub(crate) fn strerror(err: &std::io::Error) -> String {
    match err.raw_os_error() {
        Some(code) => {
            let mut buf = [0 as libc::c_char; 256];
            // SAFETY: buf is writable for its full length; the GNU/XSI strerror_r variants both
            // NUL-terminate within it, and we read back only up to that NUL.
            let rc = unsafe { libc::strerror_r(code, buf.as_mut_ptr(), buf.len()) };
            if rc != 0 {
                return format!("Unknown error {code}");
            }
            // SAFETY: strerror_r succeeded, so buf holds a NUL-terminated string.
            let cstr = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) };
            cstr.to_string_lossy().into_owned()
        }
        None => err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strerror_matches_glibc_text() {
        let e = std::io::Error::from_raw_os_error(libc::ENOENT);
        assert_eq!(strerror(&e), "No such file or directory");
        let e = std::io::Error::from_raw_os_error(libc::EACCES);
        assert_eq!(strerror(&e), "Permission denied");
    }

    #[test]
    fn buffered_messages_replay_in_order_and_report_fatal() {
        let mut d = Diags::buffered();
        d.warn("a\n");
        let _ = d.fatal("b\n");
        assert_eq!(d.messages.len(), 2);
        assert_eq!(d.replay(), Err(Fatal));
    }
}
