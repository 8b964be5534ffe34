//! `docker run`'s options, turned into the container-create request the
//! docker CLI would send for the same command line. docker's own option
//! parsing (docker/cli `cli/command/container/opts.go` and `opts/`) is the
//! specification; each submodule holds the syntax of one family of options,
//! with a table of cases beside it.
//!
//! Parsers return the reason a value is refused as a plain `String`; the
//! caller names the option and the value, so every message a user sees has
//! the same shape and exits 125 before anything reaches the engine.

pub mod devices;
pub mod misc;
pub mod mounts;
pub mod net;
pub mod ports;
pub mod units;
