//! The case files: their TOML schema and where they are. One schema for every
//! collection of a layer; the format is described in
//! `src/detect/keywords/testdata/cases/README.md`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Where the L1 collections are (every `*.toml` file of the folder).
pub(super) const RULE_CASES: &str = "src/detect/keywords/testdata/cases";

/// Where the L1.5 collections are (every `*.toml` file of the folder).
pub(super) const PII_CASES: &str = "src/detect/pii/testdata/cases";

/// Which rule packs a collection runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum Packs {
    /// The engine's own test packs (`src/detect/keywords/testdata/*.toml`).
    Test,
    /// The packs shipped in the binary (`rules/`), or those of
    /// `PROMPTGATE_RULES_DIR` when it is set.
    Shipped,
}

fn shipped() -> Vec<Packs> {
    vec![Packs::Shipped]
}

/// An L1 collection: rows that must fire a rule, rows that must stay quiet,
/// and rows that only have to give the same answer under every configuration.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RuleCollection {
    /// The rule packs every row runs under (default: the shipped packs).
    #[serde(default = "shipped")]
    pub packs: Vec<Packs>,
    /// Rows that must give a finding of their rule at a blocking severity.
    #[serde(default)]
    pub fires: Vec<RuleRow>,
    /// Rows that must give no finding at a blocking severity.
    #[serde(default)]
    pub quiet: Vec<RuleRow>,
    /// Rows with no expectation beyond agreement between configurations.
    #[serde(default)]
    pub scanned: Vec<RuleRow>,
}

/// One L1 row. `rule`, `span`, `category`, `score` and `variants` belong to
/// `fires` rows; `count` to `fires` and `quiet` rows (the harness reports a
/// field a row's kind does not use).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RuleRow {
    /// A short name; rows without one are named by their kind and position.
    pub name: Option<String>,
    /// The text, as the user (or `role`) sends it.
    pub text: String,
    /// The message role the text is sent under (`user` when absent).
    pub role: Option<String>,
    /// The language of the text, for readers (not checked).
    pub language: Option<String>,
    /// The rule id that must be found.
    pub rule: Option<String>,
    /// The text the rule's finding must cover, exactly (in the text as written).
    pub span: Option<String>,
    /// How many findings (of any severity) the text gives in all.
    pub count: Option<usize>,
    /// The category the rule's finding must have.
    pub category: Option<String>,
    /// The severity score the rule's finding must have.
    pub score: Option<f32>,
    /// Derived variants that must fire too (names from `variants.rs`, or `all`).
    #[serde(default)]
    pub variants: Vec<String>,
}

/// An L1.5 collection: rows with their exact findings, and look-alikes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PiiCollection {
    /// Rows that must give exactly their `pii` findings, in order.
    #[serde(default)]
    pub finds: Vec<PiiRow>,
    /// Rows that must give no finding at all.
    #[serde(default)]
    pub quiet: Vec<PiiRow>,
}

/// One L1.5 row.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PiiRow {
    /// A short name; rows without one are named by their kind and position.
    pub name: Option<String>,
    /// The text, as the user (or `role`) sends it.
    pub text: String,
    /// The message role the text is sent under (`user` when absent).
    pub role: Option<String>,
    /// The language of the text, for readers (not checked).
    pub language: Option<String>,
    /// The findings, in text order (none for a `quiet` row).
    #[serde(default)]
    pub pii: Vec<PiiValue>,
}

/// One expected PII finding: its type and the exact text it covers.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PiiValue {
    /// The type's stable name (`EMAIL`, `CREDIT_CARD`, ...).
    #[serde(rename = "type")]
    pub ty: String,
    /// The value as written in the text.
    pub value: String,
}

/// What every row has: a name for failure messages, the text, and its role.
pub(super) trait Row {
    /// The row's own name, if it has one.
    fn name(&self) -> Option<&str>;
    /// The text.
    fn text(&self) -> &str;
    /// The role the text is sent under, if not `user`.
    fn role_field(&self) -> Option<&str>;
    /// The text's language, if the row says.
    fn language(&self) -> Option<&str>;

    /// The row's name in failure messages: its own, or `kind[index]` and the text's start.
    fn label(&self, kind: &str, index: usize) -> String {
        let name = match self.name() {
            Some(name) => format!("{kind} \"{name}\""),
            None => format!("{kind}[{index}] {:?}", short(self.text())),
        };
        match self.language() {
            Some(language) => format!("{name} ({language})"),
            None => name,
        }
    }

    /// The role the text is sent under.
    fn role(&self) -> &str {
        self.role_field().unwrap_or("user")
    }
}

macro_rules! row {
    ($t:ty) => {
        impl Row for $t {
            fn name(&self) -> Option<&str> {
                self.name.as_deref()
            }
            fn text(&self) -> &str {
                &self.text
            }
            fn role_field(&self) -> Option<&str> {
                self.role.as_deref()
            }
            fn language(&self) -> Option<&str> {
                self.language.as_deref()
            }
        }
    };
}
row!(RuleRow);
row!(PiiRow);

/// The first characters of a text, for a row without a name.
fn short(text: &str) -> String {
    let mut s: String = text.chars().take(48).collect();
    if s.len() < text.len() {
        s.push('…');
    }
    s
}

/// Every collection of `dir` (relative to the package root), by file name.
pub(super) fn collections<T: serde::de::DeserializeOwned>(dir: &str) -> Vec<(String, T)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("case folder {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no case files in {}", dir.display());
    files
        .iter()
        .map(|path| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text =
                std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let collection =
                toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (name, collection)
        })
        .collect()
}
