//! Building the L1 rule set: packs collected from files, strings and the
//! configuration, every problem gathered, then compiled into a [`KeywordGuard`].
//!
//! Pack texts stay unparsed until [`KeywordGuardBuilder::build`]: a reload
//! whose rules did not change only hashes them (see
//! [`KeywordGuardBuilder::inputs_fingerprint`]) and keeps the compiled guard,
//! so it never holds the parsed packs (about 7 MB for the embedded ones) next
//! to the guard that serves.

use std::borrow::Cow;
use std::path::Path;

use super::compile::{self, Sourced};
use super::{
    KeywordGuard, KeywordsError, PackFile, ProblemKind, RuleProblem, RuleSpec, embedded_packs,
};

/// Collects rule packs from files, strings and config, then compiles them.
///
/// Problems are collected, not returned one by one: [`KeywordGuardBuilder::build`]
/// reports all of them together so a rule author fixes a pack in one pass.
#[derive(Default)]
pub struct KeywordGuardBuilder {
    inputs: Vec<Input>,
    problems: Vec<RuleProblem>,
}

/// One addition to a builder, kept in the order it was added.
enum Input {
    /// A pack's TOML text and the name it goes by in errors.
    Text {
        source: String,
        text: Cow<'static, str>,
    },
    /// An already-parsed pack.
    Pack { source: String, pack: PackFile },
    /// Rules without a pack (the configuration's custom rules).
    Rules {
        source: String,
        rules: Vec<RuleSpec>,
    },
}

/// The builder's inputs as the compiler takes them.
struct Parsed {
    rules: Vec<Sourced>,
    /// Each pack's name and the source that first named it.
    packs: Vec<(String, String)>,
    problems: Vec<RuleProblem>,
}

impl Parsed {
    fn add_text(&mut self, source: String, text: &str) {
        match toml::from_str::<PackFile>(text) {
            Ok(pack) => self.add_pack(source, pack),
            Err(e) => self.problems.push(RuleProblem {
                source,
                rule_id: None,
                kind: ProblemKind::Parse(e.message().to_owned()),
            }),
        }
    }

    fn add_pack(&mut self, source: String, pack: PackFile) {
        if let Some((_, first)) = self.packs.iter().find(|(n, _)| *n == pack.pack.name) {
            self.problems.push(RuleProblem {
                source,
                rule_id: None,
                kind: ProblemKind::DuplicatePack(format!("{} (first in {first})", pack.pack.name)),
            });
            return;
        }
        self.packs.push((pack.pack.name.clone(), source.clone()));
        self.add_rules(&source, pack.rules);
    }

    fn add_rules(&mut self, source: &str, rules: Vec<RuleSpec>) {
        self.rules.extend(rules.into_iter().map(|spec| Sourced {
            source: source.to_owned(),
            spec,
        }));
    }
}

impl KeywordGuardBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one pack from TOML text; `source` names it in errors (a file name).
    pub fn add_pack_str(&mut self, source: &str, toml_text: &str) -> &mut Self {
        self.push_text(source.to_owned(), Cow::Owned(toml_text.to_owned()));
        self
    }

    /// Keeps a pack's text, unparsed, for [`KeywordGuardBuilder::build`].
    fn push_text(&mut self, source: String, text: Cow<'static, str>) {
        self.inputs.push(Input::Text { source, text });
    }

    /// Adds an already-parsed pack.
    pub fn add_pack(&mut self, source: &str, pack: PackFile) -> &mut Self {
        self.inputs.push(Input::Pack {
            source: source.to_owned(),
            pack,
        });
        self
    }

    /// Adds custom rules (from the policy config) under a source name.
    pub fn add_rules(&mut self, source: &str, rules: Vec<RuleSpec>) -> &mut Self {
        self.inputs.push(Input::Rules {
            source: source.to_owned(),
            rules,
        });
        self
    }

    /// Adds the packs embedded at build time.
    pub fn add_embedded(&mut self) -> &mut Self {
        for (name, text) in embedded_packs() {
            self.push_text(name.to_owned(), Cow::Borrowed(text));
        }
        self
    }

    /// Adds every `*.toml` directly inside `dir`, sorted by file name.
    pub fn add_dir(&mut self, dir: &Path) -> &mut Self {
        let source = dir.display().to_string();
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => {
                self.problems.push(RuleProblem {
                    source,
                    rule_id: None,
                    kind: ProblemKind::Io(e.to_string()),
                });
                return self;
            }
        };
        let mut files: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
            .collect();
        files.sort();
        for f in files {
            let name = f.display().to_string();
            match std::fs::read_to_string(&f) {
                Ok(text) => self.push_text(name, Cow::Owned(text)),
                Err(e) => self.problems.push(RuleProblem {
                    source: name,
                    rule_id: None,
                    kind: ProblemKind::Io(e.to_string()),
                }),
            }
        }
        self
    }

    /// SHA-256 over everything added (each input's kind, source and text or
    /// rules, in order) and the normalizer version: two builders with the
    /// same inputs compile the same guard, so a reload whose rules did not
    /// change can keep the compiled one. Reads the pack texts without parsing
    /// them. `None` when a file could not be read (the build will report it).
    pub fn inputs_fingerprint(&self) -> Option<[u8; 32]> {
        use sha2::{Digest, Sha256};
        if !self.problems.is_empty() {
            return None;
        }
        let mut hasher = Sha256::new();
        let mut field = |bytes: &[u8]| {
            hasher.update((bytes.len() as u64).to_le_bytes());
            hasher.update(bytes);
        };
        field(b"promptgate.keywords.inputs.v2");
        field(&crate::normalize::NORMALIZER_VERSION.to_le_bytes());
        for input in &self.inputs {
            match input {
                Input::Text { source, text } => {
                    field(b"text");
                    field(source.as_bytes());
                    field(text.as_bytes());
                }
                Input::Pack { source, pack } => {
                    field(b"pack");
                    field(source.as_bytes());
                    field(&serde_json::to_vec(pack).ok()?);
                }
                Input::Rules { source, rules } => {
                    field(b"rules");
                    field(source.as_bytes());
                    field(&serde_json::to_vec(rules).ok()?);
                }
            }
        }
        Some(hasher.finalize().into())
    }

    /// Parses, validates and compiles everything added.
    ///
    /// # Errors
    /// [`KeywordsError::Invalid`] lists every pack and rule problem; the other
    /// variants report automata that could not be built.
    pub fn build(self) -> Result<KeywordGuard, KeywordsError> {
        let mut parsed = Parsed {
            rules: Vec::new(),
            packs: Vec::new(),
            problems: self.problems,
        };
        for input in self.inputs {
            match input {
                Input::Text { source, text } => parsed.add_text(source, &text),
                Input::Pack { source, pack } => parsed.add_pack(source, pack),
                Input::Rules { source, rules } => parsed.add_rules(&source, rules),
            }
        }
        super::words::warm_word_chars();
        crate::normalize::warm_split_words();
        crate::normalize::warm_tables();
        Ok(KeywordGuard {
            compiled: compile::compile(parsed.rules, parsed.problems)?,
        })
    }
}
