//! The compact byte form of a [`CachedVerdict`] stored in Redis: a version
//! byte, flags, the layer, the roles (a byte, from version 2), an optional
//! score, then length-prefixed identifier lists. Only identifiers ever go in;
//! anything else read back is refused. Version 1 entries (written before the
//! roles byte) still read, with no roles, so a rolling upgrade keeps the
//! shared tier warm.

use std::sync::Arc;

use super::CachedVerdict;
use crate::detect::Layer;
use crate::types::RoleSet;

/// Format version written; a reader refuses any but this and [`VERSION_1`].
const VERSION: u8 = 2;
/// The format before the roles byte.
const VERSION_1: u8 = 1;
const BLOCKED: u8 = 1;
const HAS_SCORE: u8 = 2;

fn layer_code(layer: Layer) -> u8 {
    match layer {
        Layer::Gate => 0,
        Layer::L0 => 1,
        Layer::L1 => 2,
        Layer::L15 => 3,
        Layer::L2 => 4,
        Layer::Output => 5,
    }
}

fn layer_of(code: u8) -> Option<Layer> {
    Some(match code {
        0 => Layer::Gate,
        1 => Layer::L0,
        2 => Layer::L1,
        3 => Layer::L15,
        4 => Layer::L2,
        5 => Layer::Output,
        _ => return None,
    })
}

/// Whether `s` looks like an identifier (rule id, category, PII type):
/// short, printable ASCII without spaces. Keeps text out of Redis even if a
/// caller passed something else.
fn is_identifier(s: &str) -> bool {
    !s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_graphic())
}

/// Encodes `verdict`; `None` when a list is too long or a value is not an identifier.
pub(super) fn encode(verdict: &CachedVerdict) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(16);
    out.push(VERSION);
    let flags = if verdict.blocked { BLOCKED } else { 0 }
        | if verdict.l2_score.is_some() {
            HAS_SCORE
        } else {
            0
        };
    out.push(flags);
    out.push(layer_code(verdict.layer));
    out.push(verdict.roles.bits());
    if let Some(score) = verdict.l2_score {
        out.extend_from_slice(&score.to_le_bytes());
    }
    for list in [&verdict.categories, &verdict.rule_ids] {
        out.push(u8::try_from(list.len()).ok()?);
        for item in list {
            if !is_identifier(item) {
                return None;
            }
            out.push(u8::try_from(item.len()).ok()?);
            out.extend_from_slice(item.as_bytes());
        }
    }
    Some(out)
}

/// Decodes what [`encode`] wrote; `None` for anything else.
pub(super) fn decode(bytes: &[u8]) -> Option<CachedVerdict> {
    let mut rest = bytes;
    let mut take = |n: usize| -> Option<&[u8]> {
        if rest.len() < n {
            return None;
        }
        let (head, tail) = rest.split_at(n);
        rest = tail;
        Some(head)
    };
    let head = take(3)?;
    if !matches!(head[0], VERSION | VERSION_1) || head[1] & !(BLOCKED | HAS_SCORE) != 0 {
        return None;
    }
    let layer = layer_of(head[2])?;
    let flags = head[1];
    let roles = if head[0] == VERSION {
        RoleSet::from_bits(take(1)?[0])?
    } else {
        RoleSet::empty()
    };
    let l2_score = if flags & HAS_SCORE != 0 {
        let raw: [u8; 4] = take(4)?.try_into().ok()?;
        Some(f32::from_le_bytes(raw))
    } else {
        None
    };
    let mut lists = [Vec::new(), Vec::new()];
    for list in &mut lists {
        let count = take(1)?[0];
        for _ in 0..count {
            let len = usize::from(take(1)?[0]);
            let item = std::str::from_utf8(take(len)?).ok()?;
            if !is_identifier(item) {
                return None;
            }
            list.push(Arc::from(item));
        }
    }
    if !rest.is_empty() {
        return None;
    }
    let [categories, rule_ids] = lists;
    Some(CachedVerdict {
        blocked: flags & BLOCKED != 0,
        layer,
        categories,
        rule_ids,
        l2_score,
        roles,
    })
}
