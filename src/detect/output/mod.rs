//! Checks that only the model's answer needs: what must never come out.
//!
//! Takes the segments of an answer ([`crate::extract::extract_response`]) and
//! reports [`Finding`]s of [`Layer::Output`]:
//!
//! * [`canary`]: strings the operator plants in the system prompt and that must
//!   never appear in an answer (a system-prompt leak), also when the model
//!   spaces, punctuates or re-cases them.
//! * [`links`]: markdown images and links, HTML `img`/`a`/`iframe`/media tags,
//!   whose URL leaves the allowed hosts and carries data (the query, a long
//!   path or host label): the channel through which an indirect injection makes
//!   the client send the conversation to an attacker's server.
//! * [`echo`]: the route's system prompt repeated at length.
//!
//! PII and secrets in answers are the L1.5 shield's job, run on the same
//! segments; this module adds what has no meaning on the request side.
//!
//! # Must never
//!
//! Put answer text into an error or a finding's identifiers; run in more than
//! linear time in the answer.

pub mod canary;
pub mod echo;
pub mod links;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use super::{Finding, Layer};

pub use canary::Canaries;
pub use echo::EchoIndex;
pub use links::{HostList, LinkKind};

/// The category of a canary string found in an answer.
pub const CANARY_LEAK: &str = "canary_leak";
/// The category of an answer repeating the system prompt.
pub const SYSTEM_PROMPT_LEAK: &str = "system_prompt_leak";
/// The category of a link or image that sends data to a host not allowed.
pub const EXFILTRATION_LINK: &str = "exfiltration_link";

/// What the output checks read from configuration (`[policy.output]`).
///
/// Exists so each route can plant its own canaries and allow its own hosts.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutputConfig {
    /// Strings that must never appear in an answer (at least
    /// [`canary::MIN_CANARY_CHARS`] letters or digits each).
    pub canaries: Vec<String>,
    /// Hosts links and images may point to with data: `example.com` (that host)
    /// or `*.example.com` (its subdomains and itself).
    pub allowed_link_hosts: Vec<String>,
    /// Also report links (`[text](url)`, `<a href>`), not only what a client
    /// fetches by itself (images, iframes, media).
    pub check_links: bool,
    /// Words of the system prompt repeated in order that count as an echo; 0
    /// turns the check off.
    pub echo_min_words: usize,
}

impl Default for OutputConfig {
    fn default() -> Self {
        OutputConfig {
            canaries: Vec::new(),
            allowed_link_hosts: Vec::new(),
            check_links: true,
            echo_min_words: echo::DEFAULT_MIN_WORDS,
        }
    }
}

/// Why an [`OutputConfig`] was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutputConfigError {
    /// A canary too short to be told apart from ordinary words.
    #[error("canary {index} has fewer than {min} letters or digits")]
    CanaryTooShort {
        /// Its position in `canaries` (the value itself is a secret: not shown).
        index: usize,
        /// The minimum.
        min: usize,
    },
    /// More canaries than one automaton holds.
    #[error("{0} canaries are more than the matcher can hold")]
    TooManyCanaries(usize),
    /// An allowed host that is not a host name.
    #[error("allowed_link_hosts entry {0:?} is not a host name or *.suffix")]
    BadHost(String),
    /// `echo_min_words` below the shingle size.
    #[error("echo_min_words {0} is below {min} (0 turns the check off)", min = echo::SHINGLE_WORDS)]
    EchoTooShort(usize),
}

/// The compiled output checks of one policy.
#[derive(Debug, Clone)]
pub struct OutputGuard {
    canaries: Canaries,
    hosts: HostList,
    check_links: bool,
    echo_min_words: usize,
}

impl OutputGuard {
    /// Compiles `config`.
    ///
    /// # Errors
    ///
    /// [`OutputConfigError`] for a short canary, a bad host or a too-small echo
    /// threshold.
    pub fn new(config: &OutputConfig) -> Result<Self, OutputConfigError> {
        if config.echo_min_words != 0 && config.echo_min_words < echo::SHINGLE_WORDS {
            return Err(OutputConfigError::EchoTooShort(config.echo_min_words));
        }
        Ok(OutputGuard {
            canaries: Canaries::new(&config.canaries)?,
            hosts: HostList::new(&config.allowed_link_hosts)?,
            check_links: config.check_links,
            echo_min_words: config.echo_min_words,
        })
    }

    /// Whether the system prompt echo check is on (the caller then needs the
    /// request's system prompt, see [`EchoIndex`]).
    pub fn wants_system_prompt(&self) -> bool {
        self.echo_min_words > 0
    }

    /// An index of `system_prompt` for [`OutputGuard::scan`], or `None` when the
    /// check is off or the prompt is shorter than the threshold.
    pub fn echo_index(&self, system_prompt: &str) -> Option<EchoIndex> {
        (self.echo_min_words > 0)
            .then(|| EchoIndex::new(system_prompt, self.echo_min_words))
            .flatten()
    }

    /// Reports what `text` (segment `segment` of an answer) must not carry.
    pub fn scan(
        &self,
        segment: usize,
        text: &str,
        echo: Option<&EchoIndex>,
        out: &mut Vec<Finding>,
    ) {
        for span in self.canaries.find(text) {
            out.push(finding(CANARY_LEAK, "output.canary", segment, span));
        }
        for (kind, span) in links::find(text, &self.hosts) {
            if kind == LinkKind::Link && !self.check_links {
                continue;
            }
            out.push(finding(EXFILTRATION_LINK, kind.rule_id(), segment, span));
        }
        if let Some(index) = echo {
            for span in index.find(text) {
                out.push(finding(
                    SYSTEM_PROMPT_LEAK,
                    "output.echo.system_prompt",
                    segment,
                    span,
                ));
            }
        }
    }
}

fn finding(
    category: &'static str,
    rule_id: &'static str,
    segment: usize,
    span: std::ops::Range<usize>,
) -> Finding {
    Finding {
        layer: Layer::Output,
        category: Arc::from(category),
        rule_id: Arc::from(rule_id),
        segment,
        span,
        score: 1.0,
    }
}
