//! The app's OpenAPI document, and checking responses against it with a JSON Schema
//! validator: every API response a test receives is checked against the schema the document
//! gives for its method, path and status.

use std::sync::LazyLock;

use axum::http::{HeaderMap, Method, StatusCode};
use serde_json::Value;
use utoipa::OpenApi;

/// The document the app serves, as JSON.
pub fn document() -> &'static Value {
    static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
        serde_json::to_value(city_playbook::web::api::openapi::ApiDoc::openapi())
            .expect("the document is JSON")
    });
    &DOCUMENT
}

/// The document's path template that `path` is an instance of (`{name}` matches one
/// segment), if any.
fn template_of(path: &str) -> Option<&'static str> {
    let segments: Vec<&str> = path.split('/').collect();
    document()["paths"]
        .as_object()?
        .keys()
        .find_map(|template| {
            let parts: Vec<&str> = template.split('/').collect();
            let matches = parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(&segments)
                    .all(|(part, segment)| part.starts_with('{') || part == segment);
            matches.then_some(template.as_str())
        })
}

/// Checks an API response against the document: a JSON body of a documented operation must
/// match the schema documented for its status, and that status must be documented. Other
/// responses (pages, methods the path does not have, compressed bodies) are not checked.
pub fn check_reply(
    method: &Method,
    uri: &str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &str,
) {
    let path = uri.split('?').next().unwrap_or(uri);
    let json = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !path.starts_with("/api/") || !json || headers.contains_key("content-encoding") {
        return;
    }
    let Some(template) = template_of(path) else {
        return;
    };
    let method_name = method.as_str().to_ascii_lowercase();
    let Some(operation) = document()["paths"][template].get(&method_name) else {
        return;
    };
    let documented = operation["responses"].get(status.as_str()).is_some();
    let start: String = body.chars().take(300).collect();
    assert!(
        documented,
        "{method} {uri} answered {status}, which the OpenAPI document does not describe: {start}"
    );
    let instance: Value = serde_json::from_str(body)
        .unwrap_or_else(|e| panic!("{method} {uri}: not JSON ({e}): {body}"));
    let schema = operation_response_schema(document(), &method_name, template, status.as_u16());
    assert_valid(
        document(),
        schema,
        &instance,
        &format!("{method} {uri} ({status})"),
    );
}

/// Follows `$ref`s (local, `#/...`) until a schema or object that is not one.
pub fn resolve<'a>(doc: &'a Value, mut value: &'a Value) -> &'a Value {
    while let Some(reference) = value.get("$ref").and_then(Value::as_str) {
        let pointer = reference
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("only local $refs are supported: {reference}"));
        value = doc
            .pointer(pointer)
            .unwrap_or_else(|| panic!("dangling $ref {reference}"));
    }
    value
}

/// The JSON schema the document gives for `GET path`'s `status` response.
pub fn response_schema<'a>(doc: &'a Value, path: &str, status: u16) -> &'a Value {
    operation_response_schema(doc, "get", path, status)
}

/// The JSON schema the document gives for the `status` response of `method path`
/// (`method` in lower case, as the document writes it).
pub fn operation_response_schema<'a>(
    doc: &'a Value,
    method: &str,
    path: &str,
    status: u16,
) -> &'a Value {
    let operation = doc
        .get("paths")
        .and_then(|paths| paths.get(path))
        .and_then(|item| item.get(method))
        .unwrap_or_else(|| panic!("no {method} {path} in the document"));
    let response = operation
        .get("responses")
        .and_then(|responses| responses.get(status.to_string()))
        .unwrap_or_else(|| panic!("{method} {path} documents no {status} response"));
    resolve(doc, response)
        .pointer("/content/application~1json/schema")
        .unwrap_or_else(|| panic!("{method} {path} {status} has no application/json schema"))
}

/// The document's schemas made strict for checking responses: every object schema that
/// lists its properties refuses others (`unevaluatedProperties: false`), so a field the
/// document does not describe is reported. Schemas that other schemas extend with `allOf`
/// are left open; the extending schema is closed instead, over all its parts.
fn strict_components(doc: &Value) -> Value {
    fn extended(value: &Value, names: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::Array(parts)) = map.get("allOf") {
                    for part in parts {
                        if let Some(name) = part
                            .get("$ref")
                            .and_then(Value::as_str)
                            .and_then(|r| r.rsplit('/').next())
                        {
                            names.push(name.to_owned());
                        }
                    }
                }
                map.values().for_each(|v| extended(v, names));
            }
            Value::Array(items) => items.iter().for_each(|v| extended(v, names)),
            _ => {}
        }
    }
    fn close(value: &mut Value, open: &[String], name: Option<&str>) {
        match value {
            Value::Object(map) => {
                let lists = map.contains_key("properties") || map.contains_key("allOf");
                let nested_in_all_of = map.contains_key("properties")
                    && name.is_some_and(|n| open.iter().any(|o| o == n));
                for (key, child) in map.iter_mut() {
                    // Parts of an `allOf` are closed by the schema holding them.
                    if key != "allOf" {
                        close(child, open, None);
                    }
                }
                if lists && !nested_in_all_of {
                    map.insert("unevaluatedProperties".into(), Value::Bool(false));
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| close(v, open, None)),
            _ => {}
        }
    }
    let mut open = Vec::new();
    extended(doc, &mut open);
    let mut components = doc.get("components").cloned().unwrap_or(Value::Null);
    if let Some(Value::Object(schemas)) = components.get_mut("schemas") {
        for (name, schema) in schemas.iter_mut() {
            close(schema, &open, Some(name));
        }
    }
    components
}

/// Checks `instance` against `schema` (which may `$ref` into `doc`) with a JSON Schema
/// 2020-12 validator, the document's object schemas made strict (see `strict_components`);
/// every mismatch, each with where it is.
pub fn validate(doc: &Value, schema: &Value, instance: &Value) -> Vec<String> {
    let mut root = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": strict_components(doc),
    });
    let mut schema = schema.clone();
    if schema.get("properties").is_some() {
        schema["unevaluatedProperties"] = Value::Bool(false);
    }
    root["allOf"] = serde_json::json!([schema]);
    let validator = jsonschema::draft202012::new(&root)
        .unwrap_or_else(|e| panic!("the schema does not compile: {e}"));
    validator
        .iter_errors(instance)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect()
}

/// Fails the test with every mismatch between `instance` and `schema`.
pub fn assert_valid(doc: &Value, schema: &Value, instance: &Value, what: &str) {
    let problems = validate(doc, schema, instance);
    assert!(
        problems.is_empty(),
        "{what} does not match its schema:\n{}",
        problems.join("\n")
    );
}
