//! The closed vocabularies of an entry: what kind of move it is and where it stands.

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What sort of move an entry describes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A law passed by a council or legislature.
    Ordinance,
    /// A council's or legislature's adopted statement of position or direction (not a law).
    Resolution,
    /// An order signed by a mayor or governor.
    ExecutiveOrder,
    /// Steps to follow, printable.
    Checklist,
    /// Advice.
    Guidance,
    /// Something staff did.
    Practice,
    /// Exercises and drills.
    Training,
    /// Work with other governments and partners.
    Coordination,
    /// Courts, attorneys general, legal readiness.
    Legal,
    /// Public statements and messaging.
    Communication,
}

impl Kind {
    /// Every kind, in the order shown to people.
    pub const ALL: [Kind; 10] = [
        Kind::Ordinance,
        Kind::Resolution,
        Kind::ExecutiveOrder,
        Kind::Checklist,
        Kind::Guidance,
        Kind::Practice,
        Kind::Training,
        Kind::Coordination,
        Kind::Legal,
        Kind::Communication,
    ];

    /// The kind's slug as written in front matter and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Ordinance => "ordinance",
            Kind::Resolution => "resolution",
            Kind::ExecutiveOrder => "executive-order",
            Kind::Checklist => "checklist",
            Kind::Guidance => "guidance",
            Kind::Practice => "practice",
            Kind::Training => "training",
            Kind::Coordination => "coordination",
            Kind::Legal => "legal",
            Kind::Communication => "communication",
        }
    }

    /// The kind's name for people.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Ordinance => "Ordinance",
            Kind::Resolution => "Resolution",
            Kind::ExecutiveOrder => "Executive order",
            Kind::Checklist => "Checklist",
            Kind::Guidance => "Guidance",
            Kind::Practice => "Practice",
            Kind::Training => "Training",
            Kind::Coordination => "Coordination",
            Kind::Legal => "Legal",
            Kind::Communication => "Communication",
        }
    }

    /// Parses a kind's slug.
    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Put forward, not adopted.
    Proposed,
    /// Adopted and in force.
    InEffect,
    /// No longer in force.
    Retired,
    /// A template to adapt to local law.
    Template,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 4] = [
        Status::Proposed,
        Status::InEffect,
        Status::Retired,
        Status::Template,
    ];

    /// The status's slug as written in front matter.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Proposed => "proposed",
            Status::InEffect => "in-effect",
            Status::Retired => "retired",
            Status::Template => "template",
        }
    }

    /// The status's name for people.
    pub fn label(self) -> &'static str {
        match self {
            Status::Proposed => "Proposed",
            Status::InEffect => "In effect",
            Status::Retired => "Retired",
            Status::Template => "Template — adapt to local law",
        }
    }

    /// Parses a status's slug.
    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

impl From<Kind> for &'static str {
    fn from(kind: Kind) -> Self {
        kind.as_str()
    }
}

impl From<Status> for &'static str {
    fn from(status: Status) -> Self {
        status.as_str()
    }
}
