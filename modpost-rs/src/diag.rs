//! Diagnostics, with modpost's exact stderr prefixes and error accounting.
//!
//! C modpost prints as it goes. We parse modules in parallel, so a module's messages are
//! collected in a [`Diags`] buffer and replayed in module-list order; the bytes on stderr and
//! their order are then the same as the C tool's. A fatal error is a value ([`Fatal`]) that is
//! propagated with `?`: the message is recorded first, and the caller exits with status 1 once
//! everything before it has been printed, which is what C's `exit(1)` amounts to.
//!
//! Messages are bytes, not text: C prints file, module and symbol names as the raw bytes it
//! was given, so a name that is not UTF-8 must reach stderr unchanged. [`cat!`] builds such a
//! message from pieces ([`Piece`]): string literals, byte strings, names and numbers.

use std::io::Write;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering;

/// One part of a byte message built with [`cat!`]: text, raw bytes, or a decimal number.
pub(crate) trait Piece {
    /// Append this piece's bytes to `out`.
    fn put(&self, out: &mut Vec<u8>);
}

impl Piece for [u8] {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self);
    }
}

impl<const N: usize> Piece for [u8; N] {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self);
    }
}

impl Piece for Vec<u8> {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self);
    }
}

impl Piece for str {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.as_bytes());
    }
}

impl Piece for String {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.as_bytes());
    }
}

impl<T: Piece + ?Sized> Piece for &T {
    fn put(&self, out: &mut Vec<u8>) {
        (**self).put(out);
    }
}

/// Integers print as C's `%d`/`%u`/`%zu` do: plain decimal.
macro_rules! decimal_piece {
    ($($t:ty),*) => {$(
        impl Piece for $t {
            fn put(&self, out: &mut Vec<u8>) {
                let _ = write!(out, "{self}");
            }
        }
    )*};
}
decimal_piece!(u8, u16, u32, u64, usize, i32, i64);

/// Concatenate [`Piece`]s into a `Vec<u8>`: `cat!(modname, ": '", sym, "' exported twice\n")`.
macro_rules! cat {
    ($($piece:expr),* $(,)?) => {{
        let mut out: Vec<u8> = Vec::new();
        $( $crate::diag::Piece::put(&$piece, &mut out); )*
        out
    }};
}
pub(crate) use cat;

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
    messages: Vec<(Level, Vec<u8>)>,
}

impl Diags {
    /// Messages go to stderr as they are emitted (sequential phases).
    pub(crate) fn immediate() -> Self {
        Diags {
            buffered: false,
            messages: Vec::new(),
        }
    }

    /// Messages are kept until [`Diags::replay`] (per-module parallel phases).
    pub(crate) fn buffered() -> Self {
        Diags {
            buffered: true,
            messages: Vec::new(),
        }
    }

    /// `WARNING: modpost: <msg>`; `msg` carries its own newline, as in the C format strings.
    pub(crate) fn warn(&mut self, msg: impl Into<Vec<u8>>) {
        self.emit(Level::Warn, msg.into());
    }

    /// `ERROR: modpost: <msg>`; remembers that an error occurred.
    pub(crate) fn error(&mut self, msg: impl Into<Vec<u8>>) {
        self.emit(Level::Error, msg.into());
    }

    /// `ERROR: modpost: <msg>` and the run stops: use as `return Err(diags.fatal(...))`.
    pub(crate) fn fatal(&mut self, msg: impl Into<Vec<u8>>) -> Fatal {
        self.emit(Level::Fatal, msg.into());
        Fatal
    }

    /// Unprefixed text on stderr.
    pub(crate) fn raw(&mut self, msg: impl Into<Vec<u8>>) {
        self.emit(Level::Raw, msg.into());
    }

    /// C's `perror(path)` followed by `exit(1)`: `<path>: <strerror>\n`, or only
    /// `<strerror>\n` when `path` is empty (glibc's perror omits the prefix then).
    pub(crate) fn perror_fatal(&mut self, path: impl AsRef<[u8]>, err: &std::io::Error) -> Fatal {
        let path = path.as_ref();
        if path.is_empty() {
            self.raw(cat!(strerror(err), "\n"));
        } else {
            self.raw(cat!(path, ": ", strerror(err), "\n"));
        }
        Fatal
    }

    pub(crate) fn emit(&mut self, level: Level, msg: Vec<u8>) {
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

    /// Number of messages recorded so far (buffered mode).
    pub(crate) fn len(&self) -> usize {
        self.messages.len()
    }

    /// The recorded messages, for ordered replay interleaved with other events.
    pub(crate) fn into_messages(self) -> Vec<(Level, Vec<u8>)> {
        self.messages
    }

    /// The text the buffered messages would print, prefixes included (for tests).
    #[cfg(test)]
    pub(crate) fn rendered(&self) -> String {
        String::from_utf8_lossy(&self.rendered_bytes()).into_owned()
    }

    /// [`Diags::rendered`] as the exact bytes (for tests of non-UTF-8 names).
    #[cfg(test)]
    pub(crate) fn rendered_bytes(&self) -> Vec<u8> {
        let mut text = Vec::new();
        for (level, msg) in &self.messages {
            text.extend_from_slice(prefix(*level).as_bytes());
            text.extend_from_slice(msg);
        }
        text
    }
}

/// The stderr prefix C prints before a message of this level.
fn prefix(level: Level) -> &'static str {
    match level {
        Level::Warn => "WARNING: modpost: ",
        Level::Error | Level::Fatal => "ERROR: modpost: ",
        Level::Raw => "",
    }
}

fn print_message(level: Level, msg: &[u8]) {
    if matches!(level, Level::Error | Level::Fatal) {
        ERROR_OCCURRED.store(true, Ordering::Relaxed);
    }
    let mut line = Vec::with_capacity(prefix(level).len() + msg.len());
    line.extend_from_slice(prefix(level).as_bytes());
    line.extend_from_slice(msg);
    let mut err = std::io::stderr().lock();
    // A closed stderr must not turn into a panic; the exit status still reports errors.
    let _ = err.write_all(&line);
}

pub(crate) use kpaths::error::strerror;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffered_messages_replay_in_order_and_report_fatal() {
        let mut d = Diags::buffered();
        d.warn("a\n");
        let _ = d.fatal("b\n");
        assert_eq!(d.messages.len(), 2);
        assert_eq!(d.replay(), Err(Fatal));
    }

    #[test]
    fn messages_keep_non_utf8_bytes() {
        let mut d = Diags::buffered();
        let name: &[u8] = b"caf\xe9";
        d.error(cat!(name, ": ", 7u32, " x\n"));
        d.raw(&b"\xff\n"[..]);
        assert_eq!(d.rendered_bytes(), b"ERROR: modpost: caf\xe9: 7 x\n\xff\n");
    }
}
