//! Tests of the ko pass (see bottom of ko.rs).
