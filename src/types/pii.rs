//! The PII and secret types L1.5 knows, their stable names and default actions.

use std::fmt;
use std::str::FromStr;

/// A kind of personal data or secret that L1.5 can confirm.
///
/// Exists so that findings, policies, metrics and redaction placeholders name a type
/// with one stable, upper-snake label (`as_str`), which never changes between releases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PiiType {
    /// An e-mail address, plain or written as `name (at) domain (dot) com`.
    Email,
    /// A phone number in E.164 / international or a recognisable national format.
    Phone,
    /// A payment card number (Luhn, IIN range and length per brand).
    CreditCard,
    /// An IBAN (per-country length and mod-97).
    Iban,
    /// A US social security number (area, group and serial rules).
    UsSsn,
    /// A Polish PESEL (checksum and a valid birth date).
    PlPesel,
    /// A Polish NIP tax number (checksum).
    PlNip,
    /// A Polish REGON business number (9 or 14 digits, checksum).
    PlRegon,
    /// A UK National Insurance number.
    UkNino,
    /// An IPv4 or IPv6 address.
    IpAddress,
    /// A MAC (EUI-48) address.
    MacAddress,
    /// A Bitcoin address (base58check or bech32/bech32m).
    BtcAddress,
    /// An Ethereum address (EIP-55 checksum when mixed case).
    EthAddress,
    /// An AWS access key id (`AKIA…`, `ASIA…`).
    AwsAccessKey,
    /// A GitHub token (`ghp_…`, `github_pat_…`).
    GithubToken,
    /// A GitLab personal access token (`glpat-…`).
    GitlabToken,
    /// A Slack token or incoming-webhook URL.
    SlackToken,
    /// An OpenAI API key (`sk-…`, `sk-proj-…`).
    OpenaiApiKey,
    /// An Anthropic API key (`sk-ant-…`).
    AnthropicApiKey,
    /// A JSON Web Token whose header decodes to JSON with `alg`.
    Jwt,
    /// A PEM private key block.
    PrivateKey,
    /// A high-entropy value assigned to a key-like name (`api_key = "…"`).
    GenericSecret,
    /// A person's name (first name and surname, or a name after a title, an
    /// introduction, a salutation, or in a signature); see `person/mod.rs`.
    Person,
}

impl PiiType {
    /// Every type, in declaration order; the default set of enabled types.
    pub const ALL: [PiiType; 23] = [
        PiiType::Email,
        PiiType::Phone,
        PiiType::CreditCard,
        PiiType::Iban,
        PiiType::UsSsn,
        PiiType::PlPesel,
        PiiType::PlNip,
        PiiType::PlRegon,
        PiiType::UkNino,
        PiiType::IpAddress,
        PiiType::MacAddress,
        PiiType::BtcAddress,
        PiiType::EthAddress,
        PiiType::AwsAccessKey,
        PiiType::GithubToken,
        PiiType::GitlabToken,
        PiiType::SlackToken,
        PiiType::OpenaiApiKey,
        PiiType::AnthropicApiKey,
        PiiType::Jwt,
        PiiType::PrivateKey,
        PiiType::GenericSecret,
        PiiType::Person,
    ];

    /// The stable upper-snake name used as finding category, in configs and placeholders.
    pub fn as_str(self) -> &'static str {
        match self {
            PiiType::Email => "EMAIL",
            PiiType::Phone => "PHONE",
            PiiType::CreditCard => "CREDIT_CARD",
            PiiType::Iban => "IBAN",
            PiiType::UsSsn => "US_SSN",
            PiiType::PlPesel => "PL_PESEL",
            PiiType::PlNip => "PL_NIP",
            PiiType::PlRegon => "PL_REGON",
            PiiType::UkNino => "UK_NINO",
            PiiType::IpAddress => "IP_ADDRESS",
            PiiType::MacAddress => "MAC_ADDRESS",
            PiiType::BtcAddress => "BTC_ADDRESS",
            PiiType::EthAddress => "ETH_ADDRESS",
            PiiType::AwsAccessKey => "AWS_ACCESS_KEY",
            PiiType::GithubToken => "GITHUB_TOKEN",
            PiiType::GitlabToken => "GITLAB_TOKEN",
            PiiType::SlackToken => "SLACK_TOKEN",
            PiiType::OpenaiApiKey => "OPENAI_API_KEY",
            PiiType::AnthropicApiKey => "ANTHROPIC_API_KEY",
            PiiType::Jwt => "JWT",
            PiiType::PrivateKey => "PRIVATE_KEY",
            PiiType::GenericSecret => "GENERIC_SECRET",
            PiiType::Person => "PERSON",
        }
    }

    /// Whether this type is a credential rather than personal data.
    ///
    /// Exists because secrets are handled more strictly (blocked by default) and are
    /// reported separately in audit events.
    pub fn is_secret(self) -> bool {
        matches!(
            self,
            PiiType::AwsAccessKey
                | PiiType::GithubToken
                | PiiType::GitlabToken
                | PiiType::SlackToken
                | PiiType::OpenaiApiKey
                | PiiType::AnthropicApiKey
                | PiiType::Jwt
                | PiiType::PrivateKey
                | PiiType::GenericSecret
        )
    }

    /// Rank used when two findings overlap: the more specific, better-validated type wins.
    pub(crate) fn priority(self) -> u8 {
        match self {
            PiiType::PrivateKey => 100,
            PiiType::Jwt => 95,
            PiiType::AwsAccessKey
            | PiiType::GithubToken
            | PiiType::GitlabToken
            | PiiType::SlackToken
            | PiiType::AnthropicApiKey
            | PiiType::OpenaiApiKey => 90,
            PiiType::Iban => 80,
            PiiType::CreditCard => 75,
            PiiType::Email => 70,
            PiiType::EthAddress | PiiType::BtcAddress => 65,
            PiiType::PlPesel => 60,
            PiiType::PlNip => 58,
            PiiType::PlRegon => 57,
            PiiType::UsSsn => 56,
            PiiType::UkNino => 55,
            PiiType::IpAddress => 50,
            PiiType::MacAddress => 45,
            PiiType::Phone => 40,
            PiiType::GenericSecret => 30,
            // Evidence, not validation: any validated type in the same bytes wins.
            PiiType::Person => 20,
        }
    }

    /// Bit of this type in an enabled-type mask.
    pub(crate) fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

impl fmt::Display for PiiType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error returned when a name is not a known PII type.
///
/// Carries the offending name: it comes from configuration, never from a prompt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown PII type {name:?} (expected one of EMAIL, PHONE, CREDIT_CARD, …)")]
pub struct ParsePiiTypeError {
    /// The name that did not match.
    pub name: String,
}

impl FromStr for PiiType {
    type Err = ParsePiiTypeError;

    /// Parses the upper-snake name; ASCII case and `-` versus `_` are ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().replace('-', "_");
        PiiType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(&wanted))
            .ok_or_else(|| ParsePiiTypeError { name: s.to_owned() })
    }
}

/// What the policy does with a finding of a given type.
///
/// Exists so that the policy can map each [`PiiType`] to an action with a sensible
/// default; L1.5 itself only reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PiiAction {
    /// Refuse the request.
    Block,
    /// Replace the value with a placeholder and forward the request.
    Redact,
    /// Forward unchanged and record the finding.
    Log,
}

impl PiiAction {
    /// The label used in configuration and audit events.
    pub fn as_str(self) -> &'static str {
        match self {
            PiiAction::Block => "block",
            PiiAction::Redact => "redact",
            PiiAction::Log => "log",
        }
    }
}

/// The action used for `ty` when the policy names none: private keys and cloud/API
/// credentials block (a leaked key must never reach a third party), the rest redact.
/// PERSON redacts too: a name is a direct identifier, and a redacted request still
/// works when the detector errs (see `person/mod.rs` for the reasoning).
pub fn default_action(ty: PiiType) -> PiiAction {
    match ty {
        PiiType::PrivateKey
        | PiiType::AwsAccessKey
        | PiiType::GithubToken
        | PiiType::GitlabToken
        | PiiType::SlackToken
        | PiiType::OpenaiApiKey
        | PiiType::AnthropicApiKey => PiiAction::Block,
        _ => PiiAction::Redact,
    }
}

/// Regions whose national formats are recognised when the configuration names
/// none: the countries of the languages the rule packs cover and the large
/// English-, Spanish- and Portuguese-speaking ones, and every EU/EEA country (the
/// territory whose personal data a GDPR-minded operator redacts; their numbers
/// reach prompts without a calling code), plus the UK, Switzerland, RU, UA, CN, JP.
pub const DEFAULT_PHONE_REGIONS: &[&str] = &[
    "US", "CA", "GB", "IE", "AU", "NZ", "IN", "DE", "AT", "CH", "LI", "LU", "FR", "BE", "NL", "ES",
    "IT", "PT", "PL", "CZ", "SK", "HU", "SI", "HR", "RO", "BG", "GR", "CY", "MT", "DK", "SE", "FI",
    "NO", "IS", "EE", "LV", "LT", "BR", "MX", "AR", "CO", "CL", "RU", "UA", "CN", "JP",
];
