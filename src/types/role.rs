//! Role names and [`RoleSet`], the policy's way of saying which roles a layer scans.

use std::fmt;
use std::str::FromStr;

/// Who wrote a piece of text, as the model will see it.
///
/// Exists because the policy scans roles differently: system and developer
/// messages belong to the operator, user and tool text to the outside world.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Operator instructions (`system`, Anthropic `system`, Gemini `systemInstruction`).
    System,
    /// OpenAI `developer` messages.
    Developer,
    /// End-user input.
    User,
    /// Model output replayed in the conversation.
    Assistant,
    /// Tool results and tool-call arguments.
    Tool,
    /// The `description` strings of tool definitions (OpenAI and Anthropic
    /// `tools`, Gemini function declarations), sent again on every request and
    /// often written by third-party tool servers (MCP). A role of its own so a
    /// policy can scope them apart from tool results (`tool_definition`).
    ToolDefinition,
    /// Text whose role the format does not say (plain text, unknown JSON).
    Unknown,
}

impl Role {
    /// Every role, in a fixed order.
    pub const ALL: [Role; 7] = [
        Role::System,
        Role::Developer,
        Role::User,
        Role::Assistant,
        Role::Tool,
        Role::ToolDefinition,
        Role::Unknown,
    ];

    /// The lowercase name used in configuration and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::Developer => "developer",
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => "tool",
            Role::ToolDefinition => "tool_definition",
            Role::Unknown => "unknown",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of the seven role names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown role {name:?} (expected system, developer, user, assistant, tool, tool_definition or unknown)"
)]
pub struct UnknownRole {
    /// The name given (from configuration, never from a body).
    pub name: String,
}

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole { name: s.to_owned() })
    }
}

/// A set of roles, as a bitset so the hot path tests membership with one AND.
///
/// Exists so the policy can say which roles get injection detection (by default
/// user, tool, tool_definition and unknown: system and developer text belongs to
/// the operator) and which get PII detection (by default all).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RoleSet(u8);

impl RoleSet {
    /// No role.
    pub const fn empty() -> Self {
        RoleSet(0)
    }

    /// Every role: the default scope of PII detection.
    pub fn all() -> Self {
        Role::ALL.into_iter().collect()
    }

    /// User, tool, tool_definition and unknown: the default scope of
    /// injection detection. Tool definitions are in it because their
    /// descriptions often come from third-party tool servers (tool poisoning).
    pub fn injection_default() -> Self {
        [Role::User, Role::Tool, Role::ToolDefinition, Role::Unknown]
            .into_iter()
            .collect()
    }

    /// Whether `role` is in the set.
    pub fn contains(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }

    /// Adds `role` to the set.
    pub fn insert(&mut self, role: Role) {
        self.0 |= role.bit();
    }

    /// Every role of `self` and of `other`.
    pub fn union(self, other: RoleSet) -> RoleSet {
        RoleSet(self.0 | other.0)
    }

    /// The set as one byte (bit `n` for the `n`th role of [`Role::ALL`]), for
    /// compact storage such as L0's Redis entries.
    pub fn bits(self) -> u8 {
        self.0
    }

    /// The set a byte from [`RoleSet::bits`] stands for; `None` when a bit
    /// names no role.
    pub fn from_bits(bits: u8) -> Option<RoleSet> {
        (bits & !RoleSet::all().0 == 0).then_some(RoleSet(bits))
    }

    /// Whether the set has no role.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The roles in the set, in [`Role::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |r| self.contains(*r))
    }

    /// Builds a set from role names such as `["user", "tool"]`.
    ///
    /// # Errors
    ///
    /// [`UnknownRole`] for the first name that is not a role.
    pub fn from_names<I, S>(names: I) -> Result<Self, UnknownRole>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut set = RoleSet::empty();
        for name in names {
            set.insert(name.as_ref().parse()?);
        }
        Ok(set)
    }
}

impl FromIterator<Role> for RoleSet {
    fn from_iter<T: IntoIterator<Item = Role>>(iter: T) -> Self {
        let mut set = RoleSet::empty();
        for role in iter {
            set.insert(role);
        }
        set
    }
}

impl fmt::Debug for RoleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// The names, comma-separated in [`Role::ALL`] order (`user,tool_definition`),
/// empty for no role: the form audit events carry.
impl fmt::Display for RoleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, role) in self.iter().enumerate() {
            if n > 0 {
                f.write_str(",")?;
            }
            f.write_str(role.as_str())?;
        }
        Ok(())
    }
}

impl serde::Serialize for RoleSet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> serde::Deserialize<'de> for RoleSet {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let roles = Vec::<Role>::deserialize(deserializer)?;
        Ok(roles.into_iter().collect())
    }
}
