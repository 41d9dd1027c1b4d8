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

/// A local path to return to after signing in; anything else becomes `/account`.
pub fn safe_next(next: &str) -> String {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.contains("://");
    if local {
        next.to_owned()
    } else {
        crate::web::paths::ACCOUNT.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next("/entries/new"), "/entries/new");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "evil",
        ] {
            assert_eq!(safe_next(bad), "/account", "{bad}");
        }
    }
}
