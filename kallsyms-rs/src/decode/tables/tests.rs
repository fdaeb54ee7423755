//! Unit tests for the table decoding.
