//! The vocabulary several layers share: plain data with no behaviour beyond
//! naming and parsing itself.
//!
//! Exists so that the layers can depend on one another in one direction only
//! (protocol ← server ← pipeline ← detect ← normalize / extract, with policy
//! depended on and never depending): a type read by two layers that must not
//! import each other lives here. Depends on nothing else in the crate.
//!
//! * [`Layer`], [`Finding`] — what a layer reports.
//! * [`Decision`], [`Verdict`], [`Block`], [`Redaction`], [`ShadowOutcome`] — what
//!   the pipeline answers, read by the server, telemetry and the tools.
//! * [`Mode`] — enforce or shadow.
//! * [`Role`], [`RoleSet`], [`ApiFormat`] — what extraction finds and the policy names.
//! * [`PiiType`], [`PiiAction`] — the PII vocabulary of L1.5 and its policy.
//! * [`RuleSpec`] — the L1 rule format, in packs and in `[[rules.custom]]`.

mod api;
mod decision;
mod finding;
mod mode;
mod pii;
mod role;
mod rule;

pub use api::{ApiFormat, UnknownApiFormat};
pub use decision::{Block, Decision, Originals, Redaction, ShadowOutcome, Verdict, counts_header};
pub use finding::{Finding, Layer};
pub use mode::Mode;
pub use pii::{DEFAULT_PHONE_REGIONS, ParsePiiTypeError, PiiAction, PiiType, default_action};
pub use role::{Role, RoleSet, UnknownRole};
pub use rule::{NearSpec, PackFile, PackMeta, RuleSpec};
