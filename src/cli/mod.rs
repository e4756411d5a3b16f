//! The subcommands' bodies, one file per kind of run: the binary's own
//! modules, importing the library as `promptgate::`.

pub(crate) mod health;
pub(crate) mod offline;
pub(crate) mod serve;
