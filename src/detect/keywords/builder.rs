//! Building the L1 rule set: packs collected from files, strings and the
//! configuration, every problem gathered, then compiled into a [`KeywordGuard`].

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
    rules: Vec<Sourced>,
    packs: Vec<(String, String)>,
    problems: Vec<RuleProblem>,
}

impl KeywordGuardBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one pack from TOML text; `source` names it in errors (a file name).
    pub fn add_pack_str(&mut self, source: &str, toml_text: &str) -> &mut Self {
        match toml::from_str::<PackFile>(toml_text) {
            Ok(pack) => {
                self.add_pack(source, pack);
            }
            Err(e) => self.problems.push(RuleProblem {
                source: source.to_owned(),
                rule_id: None,
                kind: ProblemKind::Parse(e.message().to_owned()),
            }),
        }
        self
    }

    /// Adds an already-parsed pack.
    pub fn add_pack(&mut self, source: &str, pack: PackFile) -> &mut Self {
        if let Some((_, first)) = self.packs.iter().find(|(n, _)| *n == pack.pack.name) {
            self.problems.push(RuleProblem {
                source: source.to_owned(),
                rule_id: None,
                kind: ProblemKind::DuplicatePack(format!("{} (first in {first})", pack.pack.name)),
            });
            return self;
        }
        self.packs.push((pack.pack.name.clone(), source.to_owned()));
        self.add_rules(source, pack.rules)
    }

    /// Adds custom rules (from the policy config) under a source name.
    pub fn add_rules(&mut self, source: &str, rules: Vec<RuleSpec>) -> &mut Self {
        self.rules.extend(rules.into_iter().map(|spec| Sourced {
            source: source.to_owned(),
            spec,
        }));
        self
    }

    /// Adds the packs embedded at build time.
    pub fn add_embedded(&mut self) -> &mut Self {
        for (name, text) in embedded_packs() {
            self.add_pack_str(name, text);
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
                Ok(text) => {
                    self.add_pack_str(&name, &text);
                }
                Err(e) => self.problems.push(RuleProblem {
                    source: name,
                    rule_id: None,
                    kind: ProblemKind::Io(e.to_string()),
                }),
            }
        }
        self
    }

    /// SHA-256 over everything added (sources and rules, in order) and the
    /// normalizer version: two builders with the same inputs compile the same
    /// guard, so a reload whose rules did not change can keep the compiled
    /// one. `None` when a pack did not parse (the build will report it).
    pub fn inputs_fingerprint(&self) -> Option<[u8; 32]> {
        use sha2::{Digest, Sha256};
        if !self.problems.is_empty() {
            return None;
        }
        let mut hasher = Sha256::new();
        hasher.update(b"promptgate.keywords.inputs.v1");
        hasher.update(crate::normalize::NORMALIZER_VERSION.to_le_bytes());
        for (name, source) in &self.packs {
            hasher.update((name.len() as u64).to_le_bytes());
            hasher.update(name.as_bytes());
            hasher.update((source.len() as u64).to_le_bytes());
            hasher.update(source.as_bytes());
        }
        for rule in &self.rules {
            let spec = serde_json::to_vec(&rule.spec).ok()?;
            hasher.update((rule.source.len() as u64).to_le_bytes());
            hasher.update(rule.source.as_bytes());
            hasher.update((spec.len() as u64).to_le_bytes());
            hasher.update(&spec);
        }
        Some(hasher.finalize().into())
    }

    /// Validates and compiles everything added.
    ///
    /// # Errors
    /// [`KeywordsError::Invalid`] lists every pack and rule problem; the other
    /// variants report automata that could not be built.
    pub fn build(self) -> Result<KeywordGuard, KeywordsError> {
        super::words::warm_word_chars();
        crate::normalize::warm_split_words();
        crate::normalize::warm_tables();
        Ok(KeywordGuard {
            compiled: compile::compile(self.rules, self.problems)?,
        })
    }
}
