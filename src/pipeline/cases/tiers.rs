//! The pipeline side of the harness: a row's text wrapped in every API shape
//! that can carry its role, decided with no cache, then through both L0
//! tiers — a fresh in-process cache (a miss), the same cache again (a hit,
//! same verdict), and a real Redis: a writer runner stores every verdict, and
//! a reader runner with an empty in-process tier must get each one from
//! Redis, with the verdict a fresh scan gives.

use std::time::Duration;

use super::redis::{RedisProcess, wait_until};
use crate::detect::Layer;
use crate::detect::cache::{CacheKey, CacheOptions, CachedVerdict, RedisOptions, VerdictCache};
use crate::pipeline::{Decision, Pipeline, RoutePolicy, ScanRequest, Verdict};
use crate::types::RoleSet;

/// The API shapes a text is wrapped in, as clients send it through APISIX.
#[derive(Debug, Clone, Copy)]
pub(super) enum Shape {
    /// OpenAI chat completions, after a system message.
    OpenAiChat,
    /// OpenAI responses, the text as `input`.
    OpenAiResponses,
    /// Anthropic messages, with a top-level system prompt.
    Anthropic,
    /// Gemini `generateContent`.
    Gemini,
}

impl Shape {
    /// Every shape.
    pub const ALL: [Shape; 4] = [
        Shape::OpenAiChat,
        Shape::OpenAiResponses,
        Shape::Anthropic,
        Shape::Gemini,
    ];

    /// Its name in failure messages.
    pub fn name(self) -> &'static str {
        match self {
            Shape::OpenAiChat => "openai-chat",
            Shape::OpenAiResponses => "openai-responses",
            Shape::Anthropic => "anthropic",
            Shape::Gemini => "gemini",
        }
    }

    /// `text` sent under `role` in this shape; `None` when the shape has no
    /// place for that role.
    pub fn body(self, role: &str, text: &str) -> Option<Vec<u8>> {
        const SYSTEM: &str = "You are a helpful assistant.";
        let body = match (self, role) {
            (Shape::OpenAiChat, "user" | "system" | "assistant" | "developer") => {
                serde_json::json!({"model": "gpt-4o-mini", "messages": [
                    {"role": "system", "content": SYSTEM},
                    {"role": role, "content": text},
                ]})
            }
            (Shape::OpenAiResponses, "user") => {
                serde_json::json!({"model": "gpt-4o", "input": text})
            }
            (Shape::Anthropic, "user" | "assistant") => serde_json::json!({
                "model": "claude", "max_tokens": 64, "system": SYSTEM,
                "messages": [{"role": role, "content": text}],
            }),
            (Shape::Anthropic, "system") => serde_json::json!({
                "model": "claude", "max_tokens": 64, "system": text,
                "messages": [{"role": "user", "content": "Hi!"}],
            }),
            (Shape::Gemini, "user") => serde_json::json!({
                "contents": [{"role": "user", "parts": [{"text": text}]}],
            }),
            _ => return None,
        };
        serde_json::to_vec(&body).ok()
    }
}

impl Shape {
    /// Whether the body [`Shape::body`] builds for `role` holds text the
    /// default policy scans for injections (user, tool, unknown), so that L0
    /// keys it: the row's own text as a user message, or the one-word user
    /// turn an Anthropic body needs beside a system prompt.
    pub fn keyed(self, role: &str) -> bool {
        role == "user" || matches!((self, role), (Shape::Anthropic, "system"))
    }
}

/// A text the reader still has to find in Redis.
struct Pending {
    label: String,
    body: Vec<u8>,
    keyed: bool,
    fresh: Verdict,
    fresh_roles: RoleSet,
}

/// Both L0 tiers, one Redis server behind them.
pub(super) struct Tiers {
    runtime: tokio::runtime::Runtime,
    redis: RedisProcess,
    writer: VerdictCache,
    reader: VerdictCache,
    /// Keys the writer stored so far (the readiness probe included).
    written: usize,
    pending: Vec<Pending>,
}

impl Tiers {
    /// Starts a Redis server (failing when `redis-server` is missing: CI
    /// installs it) and connects a writer and a reader cache to it.
    pub fn start() -> Tiers {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let redis = RedisProcess::server();
        let options = CacheOptions {
            redis: RedisOptions {
                enabled: true,
                url: redis.url(),
                // Generous: a busy test machine must not turn a slow reply into a miss.
                timeout_ms: 5_000,
                breaker_failures: 1_000,
                breaker_cooldown_ms: 10,
                ..RedisOptions::default()
            },
            ..CacheOptions::default()
        };
        let (writer, reader) = {
            let _inside = runtime.enter();
            let cache = || VerdictCache::new(&options).expect("cache options");
            (cache(), cache())
        };
        let mut tiers = Tiers {
            runtime,
            redis,
            writer,
            reader,
            written: 0,
            pending: Vec::new(),
        };
        tiers.wait_connected();
        tiers
    }

    /// Waits until a verdict the writer stores reaches Redis and the reader
    /// reads it back: both connections are up (writes are dropped and reads
    /// miss while a connection is still being made).
    fn wait_connected(&mut self) {
        let key = VerdictCache::key(&[0; 32], "readiness probe");
        let verdict = CachedVerdict {
            blocked: false,
            layer: Layer::L1,
            categories: Vec::new(),
            rule_ids: Vec::new(),
            l2_score: None,
            roles: RoleSet::empty(),
        };
        let (runtime, writer, redis) = (&self.runtime, &self.writer, &self.redis);
        let stored = wait_until(Duration::from_secs(20), || {
            let _inside = runtime.enter();
            writer.put(key, verdict.clone());
            redis.key_count() == 1
        });
        assert!(stored, "the writer never reached Redis: {}", redis.log());
        self.written = 1;
        let (reader, probe): (&VerdictCache, CacheKey) = (&self.reader, key);
        let read = wait_until(Duration::from_secs(20), || {
            runtime.block_on(reader.get(&probe)).is_some()
        });
        assert!(read, "the reader never reached Redis: {}", redis.log());
    }

    /// A decision with no cache at all: the reference every tier must match.
    pub fn fresh(&self, pipeline: &Pipeline, route: &RoutePolicy, body: &[u8]) -> Decision {
        self.decide(pipeline, route, &VerdictCache::disabled(), body)
    }

    fn decide(
        &self,
        pipeline: &Pipeline,
        route: &RoutePolicy,
        cache: &VerdictCache,
        body: &[u8],
    ) -> Decision {
        let request = ScanRequest {
            body: Some(body),
            content_encoding: None,
        };
        self.runtime
            .block_on(pipeline.decide_cached(cache, route, request))
    }

    /// Runs `body` through a cold and a warm in-process cache and through the
    /// Redis writer; the reader's turn comes in [`Tiers::check_redis`].
    /// `keyed`: the body has injection-scoped text, so L0 keys it (a body
    /// with none is never cached). Problems go to `failures`, each prefixed
    /// with `label` and the tier.
    #[allow(clippy::too_many_arguments)]
    pub fn check(
        &mut self,
        pipeline: &Pipeline,
        route: &RoutePolicy,
        label: &str,
        body: &[u8],
        keyed: bool,
        fresh: &Decision,
        failures: &mut Vec<String>,
    ) {
        let memory = {
            let _inside = self.runtime.enter();
            VerdictCache::new(&CacheOptions::default()).expect("in-process cache")
        };
        let mut expect = |tier: &str, decision: &Decision, cached: Option<bool>| {
            if decision.verdict != fresh.verdict {
                failures.push(format!(
                    "{label} › {tier}: {}, a fresh scan gives {}",
                    brief(&decision.verdict),
                    brief(&fresh.verdict)
                ));
            }
            if let Some(cached) = cached
                && decision.cached != cached
            {
                failures.push(format!(
                    "{label} › {tier}: cached = {}, want {cached}",
                    decision.cached
                ));
            }
            if let Some(problem) = cached_roles_problem(decision, fresh.roles) {
                failures.push(format!("{label} › {tier}: {problem}"));
            }
        };
        let cold = self.decide(pipeline, route, &memory, body);
        expect("memory cold", &cold, Some(false));
        let warm = self.decide(pipeline, route, &memory, body);
        expect("memory warm", &warm, Some(keyed));
        let written = self.decide(pipeline, route, &self.writer, body);
        // The writer has seen this input before when another shape or
        // variant gave the same injection-scoped text.
        expect("redis writer", &written, None);
        if keyed && !written.cached {
            self.written += 1;
        }
        self.pending.push(Pending {
            label: label.to_owned(),
            body: body.to_vec(),
            keyed,
            fresh: fresh.verdict.clone(),
            fresh_roles: fresh.roles,
        });
    }

    /// Waits until every verdict the writer stored is in Redis, then has the
    /// reader (empty in process) decide every text checked since the last
    /// call: each must be an L0 hit with the fresh verdict. The first reading
    /// of each key can only come from Redis.
    pub fn check_redis(
        &mut self,
        pipeline: &Pipeline,
        route: &RoutePolicy,
        failures: &mut Vec<String>,
    ) {
        let (redis, written) = (&self.redis, self.written);
        if !wait_until(Duration::from_secs(20), || redis.key_count() == written) {
            failures.push(format!(
                "redis: {} keys, the writer stored {written}",
                redis.key_count()
            ));
        }
        for pending in std::mem::take(&mut self.pending) {
            let read = self.decide(pipeline, route, &self.reader, &pending.body);
            if read.cached != pending.keyed {
                failures.push(format!(
                    "{} › redis reader: cached = {}, want {}",
                    pending.label, read.cached, pending.keyed
                ));
            }
            if read.verdict != pending.fresh {
                failures.push(format!(
                    "{} › redis reader: {}, a fresh scan gives {}",
                    pending.label,
                    brief(&read.verdict),
                    brief(&pending.fresh)
                ));
            }
            if let Some(problem) = cached_roles_problem(&read, pending.fresh_roles) {
                failures.push(format!("{} › redis reader: {problem}", pending.label));
            }
        }
    }
}

/// What is wrong with the roles of an L0-answered block, if anything: it must
/// name some role (the cached verdict keeps the roles of its decisive
/// findings), and only roles the fresh decision's findings were in.
fn cached_roles_problem(decision: &Decision, fresh: RoleSet) -> Option<String> {
    if !decision.cached || !matches!(decision.verdict, Verdict::Block(_)) {
        return None;
    }
    let roles = decision.roles;
    (roles.is_empty() || roles.union(fresh) != fresh)
        .then(|| format!("a cached block names roles {roles}, a fresh scan {fresh}"))
}

/// A verdict in a failure message: its kind, layer and category, or the
/// redaction counts (never the rewritten body's bytes).
pub(super) fn brief(verdict: &Verdict) -> String {
    match verdict {
        Verdict::Allow => "allow".into(),
        Verdict::Block(b) => format!("block {} {} {:?}", b.status, b.layer.as_str(), b.category),
        Verdict::Redact(r) => format!("redact {:?}", r.counts),
        Verdict::Shadow(s) => format!("shadow {s:?}"),
    }
}
