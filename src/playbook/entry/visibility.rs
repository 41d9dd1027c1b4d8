//! Who may read an entry: everyone, staff of any member city, or its own city's staff.
//! A draft (`draft = true`) is read by its own city's staff alone, whatever its visibility.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Who may read an entry once it is published.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Visibility {
    /// Anyone, signed in or not.
    #[default]
    Public,
    /// Any signed-in member of any city, or their API token.
    Network,
    /// Members of the owning city, and admins.
    Jurisdiction,
}

impl Visibility {
    /// Every visibility, the default first.
    pub const ALL: [Visibility; 3] = [
        Visibility::Public,
        Visibility::Network,
        Visibility::Jurisdiction,
    ];

    /// The visibility's slug as written in front matter and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Network => "network",
            Visibility::Jurisdiction => "jurisdiction",
        }
    }

    /// Parses a visibility's slug.
    pub fn parse(text: &str) -> Option<Visibility> {
        Visibility::ALL
            .into_iter()
            .find(|visibility| visibility.as_str() == text)
    }
}

impl From<Visibility> for &'static str {
    fn from(visibility: Visibility) -> Self {
        visibility.as_str()
    }
}

/// Who may read an entry, all told: its visibility, unless it is a draft, which only its own
/// city reads. What the index records of each entry, and the one rule readers are held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// Anyone.
    Public,
    /// Signed-in members of any city.
    Network,
    /// Its own city's members (a `jurisdiction` entry, or any draft).
    OwnCity,
}

impl Access {
    /// Every access, widest first.
    pub const ALL: [Access; 3] = [Access::Public, Access::Network, Access::OwnCity];

    /// The access of an entry with this visibility and draft state.
    pub fn of(visibility: Visibility, draft: bool) -> Access {
        match (visibility, draft) {
            (_, true) | (Visibility::Jurisdiction, false) => Access::OwnCity,
            (Visibility::Network, false) => Access::Network,
            (Visibility::Public, false) => Access::Public,
        }
    }

    /// Its name in the index.
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Public => "public",
            Access::Network => "network",
            Access::OwnCity => "own-city",
        }
    }

    /// Parses its name in the index; anything else is the narrowest access, so a damaged
    /// value hides an entry rather than shows it.
    pub fn parse(text: &str) -> Access {
        Access::ALL
            .into_iter()
            .find(|access| access.as_str() == text)
            .unwrap_or(Access::OwnCity)
    }

    /// The keys an entry of `owner` (a jurisdiction slug) with this access is indexed under:
    /// a reader who holds one of them (`Reader::keys`) may read it.
    pub fn keys(self, owner: &str) -> Vec<String> {
        let own = city_key(owner);
        match self {
            Access::Public => vec![PUBLIC_KEY.to_owned(), NETWORK_KEY.to_owned(), own],
            Access::Network => vec![NETWORK_KEY.to_owned(), own],
            Access::OwnCity => vec![own],
        }
    }
}

const PUBLIC_KEY: &str = "public";
const NETWORK_KEY: &str = "network";

fn city_key(jurisdiction: &str) -> String {
    format!("city:{jurisdiction}")
}

/// Who is reading, as far as what they may read goes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Reader {
    /// Not signed in, no valid token.
    #[default]
    Anonymous,
    /// Staff of a member city, signed in or by API token.
    Member {
        /// Their city's slug.
        jurisdiction: String,
    },
    /// An admin: reads everything.
    Admin,
}

impl Reader {
    /// Whether this reader may read an entry of `owner` with `access`.
    pub fn may_read(&self, owner: &str, access: Access) -> bool {
        match self {
            Reader::Admin => true,
            Reader::Member { jurisdiction } => access != Access::OwnCity || jurisdiction == owner,
            Reader::Anonymous => access == Access::Public,
        }
    }

    /// The index keys this reader holds (see `Access::keys`); None: every entry.
    pub fn keys(&self) -> Option<Vec<String>> {
        match self {
            Reader::Admin => None,
            Reader::Member { jurisdiction } => {
                Some(vec![NETWORK_KEY.to_owned(), city_key(jurisdiction)])
            }
            Reader::Anonymous => Some(vec![PUBLIC_KEY.to_owned()]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_keys_say_exactly_what_may_read_says() {
        let readers = [
            Reader::Anonymous,
            Reader::Member {
                jurisdiction: "portland-or".into(),
            },
            Reader::Member {
                jurisdiction: "minneapolis-mn".into(),
            },
            Reader::Admin,
        ];
        for visibility in Visibility::ALL {
            for draft in [false, true] {
                let access = Access::of(visibility, draft);
                let keys = access.keys("minneapolis-mn");
                for reader in &readers {
                    let by_keys = reader
                        .keys()
                        .is_none_or(|held| held.iter().any(|k| keys.contains(k)));
                    assert_eq!(
                        by_keys,
                        reader.may_read("minneapolis-mn", access),
                        "{reader:?} reading a {visibility:?} entry, draft {draft}"
                    );
                }
            }
        }
    }

    #[test]
    fn only_the_owning_city_and_admins_read_a_draft_or_a_city_only_entry() {
        let own = Reader::Member {
            jurisdiction: "minneapolis-mn".into(),
        };
        let other = Reader::Member {
            jurisdiction: "portland-or".into(),
        };
        for access in [
            Access::of(Visibility::Public, true),
            Access::of(Visibility::Jurisdiction, false),
        ] {
            assert!(own.may_read("minneapolis-mn", access));
            assert!(Reader::Admin.may_read("minneapolis-mn", access));
            assert!(!other.may_read("minneapolis-mn", access));
            assert!(!Reader::Anonymous.may_read("minneapolis-mn", access));
        }
        let network = Access::of(Visibility::Network, false);
        assert!(other.may_read("minneapolis-mn", network));
        assert!(!Reader::Anonymous.may_read("minneapolis-mn", network));
        assert_eq!(Access::parse("damaged"), Access::OwnCity);
    }
}
