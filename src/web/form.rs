//! Reading `application/x-www-form-urlencoded` bodies, including repeated and indexed fields.

use std::collections::HashMap;

/// A submitted form's fields.
#[derive(Debug, Default)]
pub struct FormData {
    fields: HashMap<String, Vec<String>>,
}

impl FormData {
    /// Parses a form body.
    pub fn parse(body: &[u8]) -> FormData {
        let mut fields: HashMap<String, Vec<String>> = HashMap::new();
        for (key, value) in form_urlencoded::parse(body) {
            fields
                .entry(key.into_owned())
                .or_default()
                .push(value.into_owned());
        }
        FormData { fields }
    }

    /// The first value of a field, or "".
    pub fn get(&self, name: &str) -> &str {
        self.fields
            .get(name)
            .and_then(|values| values.first())
            .map_or("", String::as_str)
    }

    /// Every value of a field, in the order sent.
    pub fn all(&self, name: &str) -> &[String] {
        self.fields.get(name).map_or(&[], Vec::as_slice)
    }

    /// Each field with its first value, in no particular order.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields.iter().filter_map(|(name, values)| {
            values.first().map(|value| (name.as_str(), value.as_str()))
        })
    }

    /// A field's value, or None when absent or blank.
    pub fn optional(&self, name: &str) -> Option<String> {
        let value = self.get(name).trim();
        (!value.is_empty()).then(|| value.to_owned())
    }
}

/// A local path to return to after signing in; anything else becomes `/account`. Only a
/// path of this site qualifies: no control characters (browsers drop tabs and line breaks,
/// so `/\t/evil.example` would leave the site), no backslashes, and, read as a URL relative
/// to this site, still on this site. The path is returned as that reading writes it.
pub fn safe_next(next: &str) -> String {
    let fallback = || crate::web::paths::ACCOUNT.to_owned();
    let plain = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    if !plain {
        return fallback();
    }
    let Ok(base) = url::Url::parse("http://playbook.invalid/") else {
        return fallback();
    };
    match base.join(next) {
        Ok(joined) if joined.origin() == base.origin() => {
            let mut local = joined.path().to_owned();
            if let Some(query) = joined.query() {
                local.push('?');
                local.push_str(query);
            }
            local
        }
        _ => fallback(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next("/entries/new"), "/entries/new");
        assert_eq!(safe_next("/search?q=guard"), "/search?q=guard");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "evil",
            "/\t/evil.example",
            "/\n/evil.example",
            "/entries\r\nSet-Cookie: x=1",
            "/\u{7f}/x",
        ] {
            assert_eq!(safe_next(bad), "/account", "{bad}");
        }
    }
}
