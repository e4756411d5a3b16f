//! What can go wrong loading and compiling rule packs.

use std::fmt;

/// A problem with one pack or rule, named by source file and rule id.
///
/// Messages name the rule and the matcher index, never a phrase: rule text is
/// not secret, but keeping messages short keeps `check-config` readable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleProblem {
    /// The pack file (or config section) the rule came from.
    pub source: String,
    /// The rule id, when the problem is inside a rule.
    pub rule_id: Option<String>,
    /// What is wrong.
    pub kind: ProblemKind,
}

/// What is wrong with a pack or rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProblemKind {
    /// The file could not be read.
    #[error("cannot read: {0}")]
    Io(String),
    /// The TOML did not parse or did not fit the format.
    #[error("not a valid rule pack: {0}")]
    Parse(String),
    /// Two packs share a name.
    #[error("pack name `{0}` is used twice")]
    DuplicatePack(String),
    /// Two rules share an id.
    #[error("rule id is used twice (first in {first_source})")]
    DuplicateId {
        /// Where the id was first seen.
        first_source: String,
    },
    /// The id is empty or has characters outside `[a-z0-9_.-]`.
    #[error("rule id must be non-empty lowercase ascii, digits, `_`, `-` or `.`")]
    BadId,
    /// The category is not one of the known ones.
    #[error("unknown category `{0}`")]
    UnknownCategory(String),
    /// The severity is not low, medium, high or critical.
    #[error("unknown severity `{0}` (expected low, medium, high or critical)")]
    UnknownSeverity(String),
    /// The rule has no phrase, near pattern or regex.
    #[error("rule has no phrases, near patterns or patterns")]
    NoMatchers,
    /// A phrase folds to nothing.
    #[error("phrase #{index} is empty after folding")]
    EmptyPhrase {
        /// Index in `phrases`.
        index: usize,
    },
    /// A near pattern has fewer than two groups, or an empty group or term.
    #[error("near #{index} needs at least 2 non-empty term groups of non-empty terms")]
    BadNear {
        /// Index in `near`.
        index: usize,
    },
    /// A near pattern's gap is above the limit.
    #[error("near #{index} has max_gap {max_gap}, above the limit {limit}")]
    GapTooLarge {
        /// Index in `near`.
        index: usize,
        /// The gap written.
        max_gap: usize,
        /// The largest gap allowed.
        limit: usize,
    },
    /// A regex did not compile or is too large.
    #[error("pattern #{index} is invalid: {message}")]
    BadPattern {
        /// Index in `patterns`.
        index: usize,
        /// The regex compiler's message.
        message: String,
    },
}

impl fmt::Display for RuleProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.rule_id {
            Some(id) => write!(f, "{}: rule `{}`: {}", self.source, id, self.kind),
            None => write!(f, "{}: {}", self.source, self.kind),
        }
    }
}

/// Why a keyword guard could not be built.
#[derive(Debug, thiserror::Error)]
pub enum KeywordsError {
    /// One or more packs or rules are invalid; every problem is listed.
    #[error("{} problem(s) in rule packs: {}", .0.len(), ProblemList(.0))]
    Invalid(Vec<RuleProblem>),
    /// The Aho-Corasick automaton could not be built (too many or too long phrases).
    #[error("cannot build the phrase automaton: {0}")]
    Automaton(#[from] aho_corasick::BuildError),
}

struct ProblemList<'a>(&'a [RuleProblem]);

impl fmt::Display for ProblemList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}
