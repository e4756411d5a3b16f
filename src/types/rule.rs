//! The rule pack format (`rules/RULES-FORMAT.md`), as deserialized from TOML or config.

use serde::{Deserialize, Serialize};

/// One rule pack file: a `[pack]` header and its `[[rule]]`s.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    /// The `[pack]` header.
    pub pack: PackMeta,
    /// The rules, in file order.
    #[serde(default, rename = "rule")]
    pub rules: Vec<RuleSpec>,
}

/// The `[pack]` header of a rule pack.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PackMeta {
    /// Unique pack name (`en`, `exfiltration`, ...).
    pub name: String,
    /// ISO 639-1 code, or `any` for script-independent packs.
    pub language: String,
    /// What the pack covers, for docs.
    #[serde(default)]
    pub description: Option<String>,
}

/// One rule as written: an id, what it means, and its matchers (any may fire).
///
/// Also the shape of custom rules in the policy config.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Unique id across all packs: `<pack>.<area>.<name>`.
    pub id: String,
    /// Attack category (see `detect::keywords::CATEGORIES`).
    pub category: String,
    /// `low`, `medium`, `high` or `critical`.
    pub severity: String,
    /// What the rule catches, for docs.
    #[serde(default)]
    pub description: Option<String>,
    /// Overrides the pack's language for this rule.
    #[serde(default)]
    pub language: Option<String>,
    /// Literal phrases, matched on word boundaries after folding.
    #[serde(default)]
    pub phrases: Vec<String>,
    /// Bounded word-gap patterns.
    #[serde(default)]
    pub near: Vec<NearSpec>,
    /// Regular expressions over the folded text.
    #[serde(default)]
    pub patterns: Vec<String>,
}

/// A bounded word-gap pattern: groups of alternative terms, in order, with at
/// most `max_gap` other words between consecutive groups.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NearSpec {
    /// Term groups; a term ending in `*` matches a word prefix.
    pub terms: Vec<Vec<String>>,
    /// Most words allowed between consecutive groups.
    #[serde(default = "default_gap")]
    pub max_gap: usize,
    /// Terms that, directly before a group's word (only spaces between), make
    /// that occurrence a mention rather than an order ("requests to" ignore
    /// previous instructions, "a model to" reveal its prompt): that hit takes no
    /// part in a match. Per occurrence, so an order elsewhere still matches.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_after: Vec<String>,
}

fn default_gap() -> usize {
    3
}
