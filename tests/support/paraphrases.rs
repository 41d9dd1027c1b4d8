//! The judged set of question search (issue 17): questions a staffer might type in their own
//! words, sharing few words with the entry that answers them, each with that entry. Written
//! from the entries' titles and summaries before any ranking was looked at, and not tuned
//! against it since: a query that fails stays here and is reported.

/// (what the staffer types, the entry that answers it)
pub const PARAPHRASES: &[(&str, &str)] = &[
    // City property.
    (
        "can we bar agents from the city's car parks",
        "minneapolis-mn/parking-lot-executive-order",
    ),
    (
        "stop federal officers from staging in municipal garages",
        "minneapolis-mn/parking-lot-executive-order",
    ),
    // Local police and deportations.
    (
        "do our cops have to help with deportations",
        "minneapolis-mn/separation-ordinance",
    ),
    (
        "law that keeps local officers out of deportation work",
        "minneapolis-mn/separation-ordinance",
    ),
    // The Guard.
    (
        "who do we call to get the guard out",
        "minneapolis-mn/national-guard-request-checklist",
    ),
    (
        "what paperwork do we need to bring in troops",
        "minneapolis-mn/national-guard-request-checklist",
    ),
    (
        "soldiers with covered faces scare people, how do we make troops recognizable",
        "minnesota/guard-visible-identification",
    ),
    (
        "what should troops wear so residents know who they are",
        "minnesota/guard-visible-identification",
    ),
    (
        "what if Washington takes control of our state soldiers",
        "minnesota/attorneys-general-ready-for-guard-federalization",
    ),
    (
        "legal plan if the federal government seizes command of the state militia",
        "minnesota/attorneys-general-ready-for-guard-federalization",
    ),
    (
        "the governor and the mayor blamed each other last time",
        "minnesota/city-state-coordination-after-2020",
    ),
    (
        "how did the state and city work together on troops this time",
        "minnesota/city-state-coordination-after-2020",
    ),
    // Preparing.
    (
        "how many federal agents came to town compared to our officers",
        "minneapolis-mn/scale-of-the-surge",
    ),
    (
        "how big was the deployment",
        "minneapolis-mn/scale-of-the-surge",
    ),
    (
        "practice for riots before they happen",
        "minneapolis-mn/fema-emmitsburg-exercise",
    ),
    (
        "training simulation for a city-wide disaster",
        "minneapolis-mn/fema-emmitsburg-exercise",
    ),
    (
        "lessons from the review after the 2020 riots",
        "minneapolis-mn/after-action-recommendations",
    ),
    (
        "raise the alarm before someone gets hurt",
        "minneapolis-mn/warn-early-and-in-public",
    ),
    // Washington.
    (
        "how do we get a direct line to the president's people",
        "minneapolis-mn/back-channels-to-the-white-house",
    ),
    (
        "nobody in the administration is returning our calls",
        "minneapolis-mn/back-channels-to-the-white-house",
    ),
    (
        "the mayor is furious, how should he handle talking to Trump",
        "minnesota/composure-on-calls-with-the-president",
    ),
    (
        "stay calm when the president phones",
        "minnesota/composure-on-calls-with-the-president",
    ),
    (
        "getting corporate executives and conservatives to lobby the administration",
        "minnesota/enlist-business-leaders-and-republicans",
    ),
    (
        "ask companies and GOP lawmakers to help calm things down",
        "minnesota/enlist-business-leaders-and-republicans",
    ),
    (
        "the White House claims we agreed to cooperate",
        "minneapolis-mn/administration-account-of-the-ending",
    ),
    (
        "new person put in charge of the federal operation",
        "minnesota/change-of-federal-commander",
    ),
    // Residents and protest.
    (
        "should residents film the agents",
        "minnesota/document-on-video",
    ),
    (
        "tell people to record what they witness",
        "minnesota/document-on-video",
    ),
    (
        "if demonstrations turn violent the president could send in the military",
        "minnesota/keep-protests-peaceful",
    ),
    (
        "avoid giving Washington an excuse to use troops against marchers",
        "minnesota/keep-protests-peaceful",
    ),
    (
        "our residents are furious and we need to direct that energy",
        "minneapolis-mn/channel-anger-toward-peaceful-protest",
    ),
    // Speaking up.
    (
        "people are spreading lies about our policy",
        "minneapolis-mn/correct-false-claims-about-city-policy",
    ),
    (
        "set the record straight when officials misstate our rules",
        "minneapolis-mn/correct-false-claims-about-city-policy",
    ),
    (
        "staying silent won't protect your city",
        "minneapolis-mn/dont-keep-your-head-down",
    ),
    (
        "should we lie low so we don't attract attention",
        "minneapolis-mn/dont-keep-your-head-down",
    ),
    (
        "the feds will call the victim a terrorist, how do we respond",
        "minneapolis-mn/federal-framing-of-the-shootings",
    ),
    (
        "what will Washington say after agents kill someone",
        "minneapolis-mn/federal-framing-of-the-shootings",
    ),
    (
        "top tips from the mayor for his colleagues",
        "minneapolis-mn/frey-three-points",
    ),
    // Politics.
    (
        "how to wind down the operation without looking like we caved",
        "minneapolis-mn/end-it-without-setting-a-precedent",
    ),
    (
        "don't let them bully us into a deal",
        "minneapolis-mn/end-it-without-setting-a-precedent",
    ),
    (
        "progressives on the council say we aren't doing enough",
        "minneapolis-mn/pressure-from-your-own-side",
    ),
    (
        "left-wing critics want an emergency declaration",
        "minneapolis-mn/pressure-from-your-own-side",
    ),
    (
        "talk to places that went through this before us",
        "minneapolis-mn/share-notes-with-other-cities",
    ),
    (
        "scandals that make the governor vulnerable",
        "minnesota/political-weak-spots",
    ),
    (
        "do surveys show the country turning against the immigration raids",
        "minnesota/public-opinion-as-a-signal",
    ),
];
