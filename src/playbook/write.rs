//! Writing entries, jurisdictions and source declarations back to the playbook file format, so
//! contributed entries can be stored, exported and read again without loss.

use super::entry::{EntryFields, EntryMeta};
use super::jurisdiction::{Jurisdiction, JurisdictionFields};
use super::source::DeclaredSource;

/// The front matter of `meta` as TOML.
pub fn front_matter_toml(meta: &EntryMeta) -> String {
    // Serializing plain strings, dates, lists and tables cannot fail.
    toml::to_string(&EntryFields::from(meta)).unwrap_or_default()
}

/// A whole entry file: `+++`, the front matter, `+++`, the body.
pub fn entry_file(meta: &EntryMeta, body_markdown: &str) -> String {
    format!(
        "+++\n{}+++\n{}\n",
        front_matter_toml(meta),
        body_markdown.trim_end()
    )
}

/// A jurisdiction's `_index.md`.
pub fn jurisdiction_file(jurisdiction: &Jurisdiction) -> String {
    let fields = JurisdictionFields {
        name: Some(jurisdiction.name.clone()),
        state: jurisdiction.state.clone(),
        level: Some(jurisdiction.level.as_str().to_owned()),
    };
    format!(
        "+++\n{}+++\n{}\n",
        toml::to_string(&fields).unwrap_or_default(),
        jurisdiction.body_markdown.trim_end()
    )
}

/// A source declaration, `_sources/<id>.md`.
pub fn source_declaration_file(source: &DeclaredSource) -> String {
    format!(
        "+++\n{}+++\n{}\n",
        toml::to_string(&source.fields()).unwrap_or_default(),
        source.description_markdown.trim_end()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playbook::front_matter::{
        parse_entry_meta, parse_jurisdiction, parse_source_declaration, split_front_matter,
    };
    use crate::playbook::{Level, Slug};

    #[test]
    fn an_entry_survives_a_round_trip_through_its_file() {
        let written = r#"+++
title = "Title with \"quotes\" and \\ backslash"
summary = """One line.
Another line."""
kind = "executive-order"
topics = ["city-property"]
date = 2026-01-27
status = "template"
related = ["a-b/c"]

[[sources]]
title = "Source"
publisher = "POLITICO"
date = 2026-02-01
url = "https://example.org/x"
quote = "“Curly” quotes — and ’apostrophes’"
+++
"#;
        let fields = split_front_matter(written)
            .expect("splits")
            .parse()
            .expect("TOML")
            .fields::<EntryFields>()
            .expect("fields");
        let meta = EntryMeta::parse(&fields).expect("valid");
        let text = entry_file(&meta, "Body\n\n- [ ] step");
        assert!(
            text.contains("\ndate = 2026-01-27\n"),
            "a TOML date: {text}"
        );
        let split = split_front_matter(&text).expect("splits");
        let parsed = parse_entry_meta(split).expect("parses");
        assert_eq!(parsed.meta, meta);
        assert_eq!(split.body.trim(), "Body\n\n- [ ] step");
    }

    #[test]
    fn a_declared_source_survives_a_round_trip_through_its_file() {
        let written = "+++\ntitle = \"Council minutes, \\\"May\\\"\"\npublisher = \"City of Riverton\"\nkind = \"report\"\npublished = 2026-02-01\nurl = \"https://example.org/minutes\"\ntext_may_be_shown = true\n+++\nThe minutes.\n";
        let id = crate::playbook::SourceId::parse("council-minutes").expect("id");
        let split = split_front_matter(written).expect("splits");
        let declared = parse_source_declaration(id.clone(), split).expect("valid");
        assert!(declared.text_may_be_shown);
        let text = source_declaration_file(&declared);
        let again = parse_source_declaration(id, split_front_matter(&text).expect("splits"));
        assert_eq!(again.expect("valid"), declared);
    }

    #[test]
    fn an_entry_citing_a_declared_source_writes_only_its_id_and_quote() {
        let written = "+++\ntitle = \"T\"\nsummary = \"S\"\nkind = \"practice\"\n\n[[sources]]\nsource = \"council-minutes\"\nquote = \"We met.\"\n+++\n";
        let parsed = parse_entry_meta(split_front_matter(written).expect("splits")).expect("valid");
        let text = entry_file(&parsed.meta, "Body");
        assert!(
            text.contains("[[sources]]\nsource = \"council-minutes\"\nquote = \"We met.\"\n"),
            "{text}"
        );
        assert_eq!(
            parse_entry_meta(split_front_matter(&text).expect("splits"))
                .expect("valid")
                .meta,
            parsed.meta
        );
    }

    #[test]
    fn a_jurisdiction_survives_a_round_trip_through_its_file() {
        let slug = Slug::parse("riverton-or").expect("slug");
        let fields = JurisdictionFields {
            name: Some("Riverton \"River\" City".into()),
            state: Some("OR".into()),
            level: Some("city".into()),
        };
        let jurisdiction = Jurisdiction::parse(slug.clone(), &fields, "A town.").expect("valid");
        assert_eq!(jurisdiction.level, Level::City);
        let text = jurisdiction_file(&jurisdiction);
        let split = split_front_matter(&text).expect("splits");
        assert_eq!(
            parse_jurisdiction(slug, split).expect("parses"),
            jurisdiction
        );
    }
}
