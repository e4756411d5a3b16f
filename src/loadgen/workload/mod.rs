//! Request bodies: OpenAI chat JSON of a chosen size, built from corpus texts,
//! in a configurable mix of benign, attack and PII prompts, each pre-encoded
//! once into the two frames a call needs so the drivers never encode or
//! allocate per request.
//!
//! A body is a conversation: a system message, filler turns (benign corpus
//! texts, alternating user and assistant) up to the target size, and a last
//! user message carrying the prompt of its kind. That last message starts with
//! a fixed-width nonce (`[ref bcdf…]`, consonants only, so it reads as no word,
//! number or secret); [`Prepared::set_nonce`] rewrites it in place inside the
//! encoded frame, which makes every request unique to the L0 cache.
//!
//! One room per part of a workload; this file puts them together:
//!
//! * `mix` — the kinds of body and how often each is sent.
//! * `texts` — the corpus texts bodies are made of.
//! * `chat` — one OpenAI chat body of a target size.
//! * `nonce` — the fixed-width marker that makes a body unique.
//! * `prepared` — a body encoded once as the frames of a call.
//! * `rng` — the seeded generator that makes a workload reproducible.

mod chat;
mod mix;
mod nonce;
mod prepared;
mod rng;
mod texts;

#[cfg(test)]
mod tests;

use crate::protocol::FlatBufferBuilder;

use super::error::LoadgenError;
use chat::chat_body;
use prepared::prepare;
use rng::SplitMix;

pub use mix::{Kind, Mix};
pub use nonce::write_nonce_at;
pub use prepared::{Prepared, with_token};
pub use texts::Texts;

/// Bodies built per kind and size; requests cycle through them.
pub const BODIES_PER_KIND: usize = 16;

/// The bodies of one size, and the order requests take them in.
#[derive(Debug, Clone)]
pub struct Workload {
    /// Target body size in bytes.
    pub size: usize,
    /// Every prepared body.
    pub bodies: Vec<Prepared>,
    /// Indices into `bodies`, one per slot of the mix; requests cycle through.
    pub schedule: Vec<usize>,
}

impl Workload {
    /// Builds `BODIES_PER_KIND` bodies of each kind with weight in `mix`,
    /// about `size` bytes each, and a shuffled schedule following the weights.
    pub fn build(
        texts: &Texts,
        size: usize,
        mix: Mix,
        seed: u64,
    ) -> Result<Workload, LoadgenError> {
        let mut rng = SplitMix(seed ^ size as u64);
        let mut fbb = FlatBufferBuilder::with_capacity(size + 1024);
        let mut bodies = Vec::new();
        let mut first_of = [usize::MAX; 3];
        for (k, (kind, weight, pool)) in [
            (Kind::Benign, mix.benign, &texts.benign),
            (Kind::Attack, mix.attack, &texts.attack),
            (Kind::Pii, mix.pii, &texts.pii),
        ]
        .into_iter()
        .enumerate()
        {
            if weight == 0 {
                continue;
            }
            first_of[k] = bodies.len();
            for _ in 0..BODIES_PER_KIND {
                let last = &pool[rng.below(pool.len())];
                let json = chat_body(&texts.benign, last, size, &mut rng);
                bodies.push(prepare(&mut fbb, kind, &json)?);
            }
        }
        let total = mix.total();
        let mut schedule: Vec<usize> = (0..total.max(1) * BODIES_PER_KIND as u32)
            .map(|n| {
                let kind = mix.kind_at(n % total);
                let k = kind as usize;
                first_of[k] + (n / total) as usize % BODIES_PER_KIND
            })
            .collect();
        for i in (1..schedule.len()).rev() {
            schedule.swap(i, rng.below(i + 1));
        }
        Ok(Workload {
            size,
            bodies,
            schedule,
        })
    }
}
