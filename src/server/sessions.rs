//! The streamed-answer sessions (`StreamChunk`, `apisix/plugins/RPC.md`):
//! one [`Inspection`] per request id (an [`AnswerStream`] for an event
//! stream, a [`BufferedAnswer`] for a whole answer sent in pieces), from OPEN
//! to END, ABORT, a STOP, or `server.stream_idle_timeout_ms` without a chunk.
//!
//! Process-global like the conf tokens: the chunks of one request arrive in
//! order (the plugin waits for each reply) but possibly over different pooled
//! connections. Bounded (`server.max_streams`): an OPEN past the bound is
//! refused, never an open stream dropped. Idle sessions are swept
//! periodically and refused when met late.
//!
//! A `std::sync::Mutex` guards the map (held for a lookup, never across an
//! `.await`); each session has its own mutex, held while one chunk is read,
//! judged and released (microseconds, no `.await`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::buffered::{BufferBudget, BufferedAnswer};
use crate::pipeline::AnswerStream;
use crate::telemetry::RouteCounters;

/// What a session inspects.
#[derive(Debug)]
pub enum Inspection {
    /// An event stream, judged event by event as it flows.
    Events(Box<AnswerStream>),
    /// A whole answer that is not an event stream, held to its END.
    Buffered(BufferedAnswer),
}

/// One stream's inspection and what its telemetry needs.
#[derive(Debug)]
pub struct StreamSession {
    /// The inspection.
    pub inspection: Inspection,
    /// The route label.
    pub route_id: Arc<str>,
    /// The route's decision counters.
    pub counters: Arc<RouteCounters>,
    /// Runner time spent on this stream so far.
    pub busy: Duration,
}

/// A session and when it was last used.
#[derive(Debug)]
struct Slot {
    session: Arc<Mutex<StreamSession>>,
    last_used_ms: AtomicU64,
}

/// Why a session could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// `server.max_streams` sessions are open.
    #[error("{max} streamed answers are already open")]
    Full {
        /// The bound.
        max: usize,
    },
}

/// The process-global session map; see the module doc.
#[derive(Debug)]
pub struct StreamSessions {
    slots: Mutex<HashMap<Box<[u8]>, Slot>>,
    counters: Mutex<HashMap<Arc<str>, Arc<RouteCounters>>>,
    max: usize,
    idle: Duration,
    epoch: Instant,
    budget: Arc<BufferBudget>,
}

impl StreamSessions {
    /// At most `max` sessions, each dropped after `idle` without a chunk;
    /// buffered answers hold at most `max_buffered` bytes together.
    pub fn new(max: usize, idle: Duration, max_buffered: usize) -> Self {
        StreamSessions {
            slots: Mutex::new(HashMap::new()),
            counters: Mutex::new(HashMap::new()),
            max: max.max(1),
            idle,
            epoch: Instant::now(),
            budget: BufferBudget::new(max_buffered),
        }
    }

    /// The byte budget every [`BufferedAnswer`] draws from.
    pub fn budget(&self) -> Arc<BufferBudget> {
        Arc::clone(&self.budget)
    }

    /// How often [`StreamSessions::purge_idle`] should run: often enough that
    /// an idle session lingers at most half its timeout more.
    pub fn purge_interval(&self) -> Duration {
        (self.idle / 2).clamp(Duration::from_millis(100), Duration::from_secs(60))
    }

    /// Opens the session of `id` (replacing one under the same id, a
    /// request APISIX retried).
    ///
    /// # Errors
    ///
    /// [`SessionError::Full`] when `max` sessions are open.
    pub fn open(
        &self,
        id: &[u8],
        session: StreamSession,
    ) -> Result<Arc<Mutex<StreamSession>>, SessionError> {
        let now = self.now_ms();
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        if slots.len() >= self.max && !slots.contains_key(id) {
            // Make room from the idle ones first.
            let idle = self.idle_ms();
            slots.retain(|_, s| now.saturating_sub(s.last_used_ms.load(Ordering::Relaxed)) <= idle);
            if slots.len() >= self.max {
                return Err(SessionError::Full { max: self.max });
            }
        }
        let session = Arc::new(Mutex::new(session));
        slots.insert(
            id.into(),
            Slot {
                session: Arc::clone(&session),
                last_used_ms: AtomicU64::new(now),
            },
        );
        Ok(session)
    }

    /// The open session of `id`, refreshed; `None` when there is none or it
    /// has been idle too long (it is then dropped).
    pub fn get(&self, id: &[u8]) -> Option<Arc<Mutex<StreamSession>>> {
        let now = self.now_ms();
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = slots.get(id)?;
        let last = slot.last_used_ms.load(Ordering::Relaxed);
        if now.saturating_sub(last) > self.idle_ms() {
            slots.remove(id);
            return None;
        }
        slot.last_used_ms.fetch_max(now, Ordering::Relaxed);
        Some(Arc::clone(&slot.session))
    }

    /// Closes the session of `id`; returns it when it was open.
    pub fn close(&self, id: &[u8]) -> Option<Arc<Mutex<StreamSession>>> {
        self.slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(id)
            .map(|slot| slot.session)
    }

    /// Drops every session idle longer than the timeout; returns how many.
    pub fn purge_idle(&self) -> usize {
        let now = self.now_ms();
        let idle = self.idle_ms();
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        let before = slots.len();
        slots.retain(|_, s| now.saturating_sub(s.last_used_ms.load(Ordering::Relaxed)) <= idle);
        before - slots.len()
    }

    /// Open sessions.
    pub fn len(&self) -> usize {
        self.slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// True when no session is open.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The counters of route label `label` (one per label, which is bounded).
    pub fn counters(&self, label: Arc<str>) -> Arc<RouteCounters> {
        let mut counters = self.counters.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(
            counters
                .entry(Arc::clone(&label))
                .or_insert_with(|| Arc::new(RouteCounters::new(label))),
        )
    }

    fn idle_ms(&self) -> u64 {
        u64::try_from(self.idle.as_millis()).unwrap_or(u64::MAX)
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
}

/// A route label from the route id the plugin sends: letters, digits and
/// `-_.`, at most 64 of them; `unknown` when nothing is left.
pub fn route_label(route: &[u8]) -> Arc<str> {
    let id: String = route
        .iter()
        .map(|&b| char::from(b))
        .filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
        .take(64)
        .collect();
    if id.is_empty() {
        "unknown".into()
    } else {
        id.into()
    }
}
