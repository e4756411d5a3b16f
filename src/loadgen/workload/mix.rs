//! The kinds of body a workload sends and their weights: a mix like real
//! traffic (mostly benign) decides which kind each slot of the schedule is.

use super::super::error::LoadgenError;

/// What a body's last user message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A benign prompt (`benign_general` in the corpus).
    Benign,
    /// A prompt-injection or jailbreak attempt.
    Attack,
    /// A prompt with annotated PII values.
    Pii,
}

/// How often each kind of body is sent, as integer weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mix {
    /// Weight of benign bodies.
    pub benign: u32,
    /// Weight of attack bodies.
    pub attack: u32,
    /// Weight of PII bodies.
    pub pii: u32,
}

impl Default for Mix {
    /// Mostly benign, as real traffic is: 90 / 5 / 5.
    fn default() -> Self {
        Mix {
            benign: 90,
            attack: 5,
            pii: 5,
        }
    }
}

impl Mix {
    /// Parses `benign=90,attack=5,pii=5` (missing kinds weigh 0).
    pub fn parse(text: &str) -> Result<Mix, LoadgenError> {
        let bad = || {
            LoadgenError::Usage(format!(
                "--mix {text:?}: expected e.g. benign=90,attack=5,pii=5"
            ))
        };
        let mut mix = Mix {
            benign: 0,
            attack: 0,
            pii: 0,
        };
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, weight) = part.split_once('=').ok_or_else(bad)?;
            let weight: u32 = weight.trim().parse().map_err(|_| bad())?;
            match name.trim() {
                "benign" => mix.benign = weight,
                "attack" => mix.attack = weight,
                "pii" => mix.pii = weight,
                _ => return Err(bad()),
            }
        }
        if mix.total() == 0 {
            return Err(bad());
        }
        Ok(mix)
    }

    pub(super) fn total(&self) -> u32 {
        self.benign + self.attack + self.pii
    }

    /// The kind at position `slot` of a 0..total() wheel.
    pub(super) fn kind_at(&self, slot: u32) -> Kind {
        if slot < self.benign {
            Kind::Benign
        } else if slot < self.benign + self.attack {
            Kind::Attack
        } else {
            Kind::Pii
        }
    }
}
