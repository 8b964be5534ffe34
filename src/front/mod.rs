//! The binary's front end: everything between the command line and the
//! library. Settings are resolved here (`config`), `run`'s options become
//! the create request (`opts`), pulls are shown (`pull`), `exit_code`
//! holds the one mapping from outcomes to docker's exit statuses, and
//! `usage` reports mistakes in the command line as docker does; `service`
//! finds a Swarm task's node before doing what `exec` and `attach` do;
//! `debug` makes the toolbox present and runs a debug session.

pub mod attach;
pub mod config;
pub mod debug;
pub mod exec;
pub mod exit_code;
pub mod interrupts;
pub mod logging;
pub mod opts;
pub mod pull;
pub mod run;
pub mod service;
pub mod usage;
