//! Whole answers that arrive as several StreamChunks but are not event
//! streams (a JSON answer the upstream sent in pieces, a stream whose content
//! type the plugin could not trust), buffered to their END and then
//! inspected like an `ext-plugin-post-resp` body.
//!
//! Such an answer cannot be judged piece by piece: its text sits inside one
//! JSON document that is readable only whole. Passing it unread would let an
//! answer through uninspected just by being cut in two, so the runner holds
//! every piece (nothing is released before END) up to the route's answer size
//! limit, and all buffered answers together up to
//! `server.max_buffered_answer_bytes`, so that many open answers cannot
//! exhaust memory. Past either bound the answer is judged as over its size
//! limit: the route's fail mode decides, as for an `ext-plugin-post-resp`
//! body over the limit.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::pipeline::RoutePolicy;

/// The bytes all buffered answers may hold together; shared by the sessions.
#[derive(Debug)]
pub struct BufferBudget {
    used: AtomicUsize,
    max: usize,
}

impl BufferBudget {
    /// A budget of `max` bytes.
    pub fn new(max: usize) -> Arc<Self> {
        Arc::new(BufferBudget {
            used: AtomicUsize::new(0),
            max,
        })
    }

    /// Takes `n` bytes from the budget; false (and nothing taken) when they do
    /// not fit.
    fn take(&self, n: usize) -> bool {
        self.used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                used.checked_add(n).filter(|&total| total <= self.max)
            })
            .is_ok()
    }

    fn give_back(&self, n: usize) {
        self.used.fetch_sub(n, Ordering::AcqRel);
    }
}

/// Why a piece could not be added to a buffered answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BufferError {
    /// The answer would exceed the route's answer size limit.
    #[error("the answer is larger than the route inspects")]
    OverLimit,
    /// Every buffered answer together would exceed the process-wide budget.
    #[error("the buffered answers' budget is spent")]
    BudgetSpent,
}

/// One buffered answer: its route policy, content type and bytes so far. Its
/// bytes are counted in the shared [`BufferBudget`] until it is dropped, so a
/// session swept as idle gives its bytes back too.
#[derive(Debug)]
pub struct BufferedAnswer {
    /// The route's policy, resolved at OPEN.
    pub policy: RoutePolicy,
    /// The answer's content type as the plugin sent it at OPEN.
    pub content_type: Vec<u8>,
    body: Vec<u8>,
    limit: usize,
    budget: Arc<BufferBudget>,
}

impl BufferedAnswer {
    /// An empty buffer for an answer under `policy` (its answer size limit
    /// bounds the buffer).
    pub fn new(policy: RoutePolicy, content_type: &[u8], budget: Arc<BufferBudget>) -> Self {
        let limit =
            usize::try_from(policy.policy.config.response.max_body_bytes).unwrap_or(usize::MAX);
        BufferedAnswer {
            policy,
            content_type: content_type.to_vec(),
            body: Vec::new(),
            limit,
            budget,
        }
    }

    /// Appends one piece.
    ///
    /// # Errors
    ///
    /// [`BufferError::OverLimit`] past the route's limit,
    /// [`BufferError::BudgetSpent`] past the process-wide budget; the piece is
    /// then not added.
    pub fn push(&mut self, piece: &[u8]) -> Result<(), BufferError> {
        if self.body.len().saturating_add(piece.len()) > self.limit {
            return Err(BufferError::OverLimit);
        }
        if !self.budget.take(piece.len()) {
            return Err(BufferError::BudgetSpent);
        }
        self.body.extend_from_slice(piece);
        Ok(())
    }

    /// The bytes buffered so far.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Takes the buffered bytes out (giving them back to the budget).
    pub fn take_body(&mut self) -> Vec<u8> {
        self.budget.give_back(self.body.len());
        std::mem::take(&mut self.body)
    }
}

impl Drop for BufferedAnswer {
    fn drop(&mut self) {
        self.budget.give_back(self.body.len());
    }
}
