//! The exact-word relevance suite: queries typed the way a mayor's staffer would type them
//! (everyday words, plurals, typos, synonyms, phrases, filters, questions), each naming the
//! entry that must come first or within the top three. `tests/relevance.rs` runs it by words;
//! `tests/question_search.rs` checks that question search keeps every rank.

/// Where the expected entry must rank.
#[derive(Debug, Clone, Copy)]
pub enum Rank {
    /// First.
    First,
    /// Among the first three.
    Top3,
}

use Rank::{First, Top3};

impl Rank {
    /// How many first results it may be among.
    pub fn within(self) -> usize {
        match self {
            First => 1,
            Top3 => 3,
        }
    }
}

/// (what the staffer types, the entry id that must rank, where it must rank)
pub const CASES: &[(&str, &str, Rank)] = &[
    // The examples the README promises.
    (
        "police immigration enforcement",
        "minneapolis-mn/separation-ordinance",
        First,
    ),
    (
        "keep ICE off city parking",
        "minneapolis-mn/parking-lot-executive-order",
        First,
    ),
    (
        "how do we ask for the national guard",
        "minneapolis-mn/national-guard-request-checklist",
        First,
    ),
    (
        "advice for mayors",
        "minneapolis-mn/frey-three-points",
        First,
    ),
    (
        "natinal gaurd checklst",
        "minneapolis-mn/national-guard-request-checklist",
        First,
    ),
    ("sanctuary", "minneapolis-mn/separation-ordinance", First),
    (
        "\"orange vests\"",
        "minnesota/guard-visible-identification",
        First,
    ),
    ("ordinances", "minneapolis-mn/separation-ordinance", First),
    (
        "activating the guard",
        "minneapolis-mn/national-guard-request-checklist",
        First,
    ),
    // Everyday words and synonyms.
    (
        "sanctuary city",
        "minneapolis-mn/separation-ordinance",
        First,
    ),
    (
        "non-cooperation ordinance",
        "minneapolis-mn/separation-ordinance",
        First,
    ),
    (
        "ICE parking lots",
        "minneapolis-mn/parking-lot-executive-order",
        First,
    ),
    (
        "can ICE use city parking garages",
        "minneapolis-mn/parking-lot-executive-order",
        First,
    ),
    (
        "what can a city do on its own property",
        "minneapolis-mn/parking-lot-executive-order",
        First,
    ),
    (
        "tabletop drill civil unrest",
        "minneapolis-mn/fema-emmitsburg-exercise",
        First,
    ),
    (
        "fema training",
        "minneapolis-mn/fema-emmitsburg-exercise",
        First,
    ),
    (
        "emergency management overhaul",
        "minneapolis-mn/after-action-recommendations",
        First,
    ),
    (
        "after action report",
        "minneapolis-mn/after-action-recommendations",
        First,
    ),
    (
        "list of steps for requesting the guard",
        "minneapolis-mn/national-guard-request-checklist",
        First,
    ),
    (
        "what if they federalize the guard",
        "minnesota/attorneys-general-ready-for-guard-federalization",
        First,
    ),
    (
        "nationalize the national guard",
        "minnesota/attorneys-general-ready-for-guard-federalization",
        Top3,
    ),
    (
        "white house back channel",
        "minneapolis-mn/back-channels-to-the-white-house",
        First,
    ),
    (
        "call with the president",
        "minnesota/composure-on-calls-with-the-president",
        First,
    ),
    ("record videos", "minnesota/document-on-video", First),
    (
        "film everything on your phone",
        "minnesota/document-on-video",
        First,
    ),
    (
        "business leaders and republicans",
        "minnesota/enlist-business-leaders-and-republicans",
        First,
    ),
    (
        "false claims about our policies",
        "minneapolis-mn/correct-false-claims-about-city-policy",
        First,
    ),
    (
        "precedent of submission",
        "minneapolis-mn/end-it-without-setting-a-precedent",
        First,
    ),
    (
        "governor mayor relationship",
        "minnesota/city-state-coordination-after-2020",
        First,
    ),
    (
        "angry residents",
        "minneapolis-mn/channel-anger-toward-peaceful-protest",
        First,
    ),
    (
        "donuts and hot chocolate",
        "minnesota/guard-visible-identification",
        First,
    ),
    (
        "deescalate",
        "minnesota/enlist-business-leaders-and-republicans",
        Top3,
    ),
    (
        "peaceful protests",
        "minnesota/keep-protests-peaceful",
        Top3,
    ),
    // Typos.
    // Two typos in long words whose stems stemming shortens or cannot find.
    (
        "seperatoin ordinance",
        "minneapolis-mn/separation-ordinance",
        First,
    ),
    ("ordinacnes", "minneapolis-mn/separation-ordinance", First),
    (
        "activaiton national guard",
        "minneapolis-mn/national-guard-request-checklist",
        First,
    ),
    (
        "seperation ordinance",
        "minneapolis-mn/separation-ordinance",
        First,
    ),
    (
        "emmitsberg",
        "minneapolis-mn/fema-emmitsburg-exercise",
        First,
    ),
    ("insurection act", "minnesota/keep-protests-peaceful", First),
    (
        "parkng lots",
        "minneapolis-mn/parking-lot-executive-order",
        First,
    ),
    (
        "the white hosue",
        "minneapolis-mn/back-channels-to-the-white-house",
        First,
    ),
    (
        "emergancy managment",
        "minneapolis-mn/after-action-recommendations",
        First,
    ),
    // Questions.
    (
        "how do we keep demonstrations peaceful",
        "minnesota/keep-protests-peaceful",
        First,
    ),
    (
        "should we stay quiet",
        "minneapolis-mn/dont-keep-your-head-down",
        First,
    ),
    (
        "how do I talk to the president without making it worse",
        "minnesota/composure-on-calls-with-the-president",
        First,
    ),
    (
        "staff told the governor to slow it down",
        "minnesota/composure-on-calls-with-the-president",
        First,
    ),
    (
        "other cities asking for advice",
        "minneapolis-mn/share-notes-with-other-cities",
        First,
    ),
    (
        "how to reach the white house",
        "minneapolis-mn/back-channels-to-the-white-house",
        Top3,
    ),
    (
        "what did the attorney general prepare",
        "minnesota/attorneys-general-ready-for-guard-federalization",
        Top3,
    ),
    (
        "can police help ICE?",
        "minneapolis-mn/separation-ordinance",
        Top3,
    ),
    // Filters and exclusions written in the query.
    (
        "guard kind:checklist",
        "minneapolis-mn/national-guard-request-checklist",
        First,
    ),
    (
        "protests jurisdiction:minnesota",
        "minnesota/keep-protests-peaceful",
        First,
    ),
    (
        "who enforces immigration law topic:policing",
        "minneapolis-mn/separation-ordinance",
        First,
    ),
    (
        "national guard -masks",
        "minnesota/attorneys-general-ready-for-guard-federalization",
        Top3,
    ),
];
