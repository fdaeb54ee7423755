//! Command line: a GNU getopt-compatible parser for modpost's `ei:MmnT:to:au:WwENd:`.
//! OWNER: cli helper.
