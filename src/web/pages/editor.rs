//! Adding and editing contributed entries in the browser: `/entries/new`,
//! `/entries/{jurisdiction}/{slug}/edit`, with a server-side preview, field-level errors that
//! keep the input, and retire/restore.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use serde_json::Value;

use super::entry::parse_id;
use super::{render, visibility_words};
use crate::accounts::SignedIn;
use crate::catalog::EntryView;
use crate::playbook::entry::{EntryInput, FieldErrors, SourceFields};
use crate::playbook::markdown::render_html;
use crate::playbook::{EntryId, Kind, Status, TopicLabels, Visibility};
use crate::search::{Filter, SearchRequest};
use crate::store::Role;
use crate::web::assets::{EDITOR_SCRIPT_PATH, Layout};
use crate::web::auth::{RequireSession, SAVED_COOKIE, SessionForm, app_cookie};
use crate::web::error::{AppError, PageError};
use crate::web::form::FormData;
use crate::web::paths;
use crate::web::state::AppState;

/// The most topics the editor offers as boxes (the most used); others are typed.
const MAX_TOPIC_CHOICES: usize = 40;

/// How long the entry's page may still say "Saved" after a save, in seconds.
const SAVED_NOTICE_SECS: i64 = 60;

/// An `<option>` of a select.
struct SelectOption {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

/// One choice of who may read the entry, in plain words.
struct VisibilityChoice {
    value: &'static str,
    label: String,
    checked: bool,
}

/// One source's group of fields.
struct SourceRow {
    index: usize,
    number: usize,
    input: SourceFields,
    /// The declared sources it may name, the one it names selected.
    choices: Vec<SourceChoice>,
}

/// A declared source an entry may cite, as an `<option>`.
struct SourceChoice {
    value: String,
    label: String,
    selected: bool,
}

/// The declared sources an entry may cite: (id, what the choice says).
type Declared = Vec<(String, String)>;

/// The declared sources, as the editor offers them.
fn declared_sources(state: &AppState) -> Declared {
    state
        .catalog
        .provenance()
        .declared()
        .values()
        .map(|source| {
            let details = &source.details;
            let label = match &details.publisher {
                Some(publisher) => format!("{} ({publisher})", details.title),
                None => details.title.clone(),
            };
            (source.id.to_string(), label)
        })
        .collect()
}

/// The choices of one source's group: every declared source, and the id it names if that is
/// not declared (so an edit does not lose it).
fn source_choices(declared: &Declared, named: Option<&str>) -> Vec<SourceChoice> {
    let named = named.map(str::trim).filter(|id| !id.is_empty());
    let mut choices: Vec<SourceChoice> = declared
        .iter()
        .map(|(id, label)| SourceChoice {
            value: id.clone(),
            label: label.clone(),
            selected: named == Some(id.as_str()),
        })
        .collect();
    if let Some(named) = named
        && !choices.iter().any(|c| c.selected)
    {
        choices.push(SourceChoice {
            value: named.to_owned(),
            label: format!("{named} (not declared)"),
            selected: true,
        });
    }
    choices
}

#[derive(Template)]
#[template(path = "editor.html")]
struct EditorPage {
    layout: Layout,
    heading: String,
    action_url: String,
    csrf_token: String,
    is_new: bool,
    show_jurisdiction: bool,
    jurisdiction: String,
    input: EntryInput,
    sources: Vec<SourceRow>,
    /// Whether the playbook declares sources an entry may name.
    offers_declared: bool,
    kinds: Vec<SelectOption>,
    statuses: Vec<SelectOption>,
    errors: FieldErrors,
    form_error: Option<String>,
    preview_html: Option<String>,
    message: String,
    entry_href: Option<String>,
    retire_url: Option<String>,
    restore_url: Option<String>,
    /// The revision the form started from (edits only): a save is refused if another was
    /// saved since.
    base_revision: Option<u32>,
    /// The revisions saved since the form's first base, when a save was refused for them.
    changed_since: Vec<ChangeLink>,
    /// With a preview: the kind's name and the sources, as the entry's page will show them.
    preview_kind: Option<&'static str>,
    preview_sources: Vec<PreviewSource>,
    /// The topics entries already use, to pick from; those of the entry ticked.
    known_topics: Vec<TopicChoice>,
    /// The entry's topics no entry uses yet, as typed (comma-separated).
    other_topics: String,
    /// Who may read it, in plain words, the entry's choice checked.
    visibility_choices: Vec<VisibilityChoice>,
    /// Whether the entry is (or, new, starts as) a draft: only its city's staff read it.
    is_draft: bool,
    /// The editor's script (fills the address from the title).
    editor_script: &'static str,
}

/// A topic entries already use, as a box to tick.
struct TopicChoice {
    slug: String,
    label: String,
    checked: bool,
}

/// A revision saved by someone else while the form was open, linked to its changes.
struct ChangeLink {
    href: String,
    number: u32,
    author: String,
    when: String,
    message: String,
}

/// A source as the preview shows it: its title (a declared source's, by its id) and quote.
struct PreviewSource {
    title: String,
    quote: Option<String>,
}

/// One problem of the form, as the summary at the top lists it: linked to its field.
struct ErrorLink {
    href: String,
    text: String,
}

/// The form's fields in the order they appear (the summary lists problems in that order).
const FORM_ORDER: [&str; 13] = [
    "slug",
    "jurisdiction",
    "title",
    "summary",
    "kind",
    "topics",
    "date",
    "reviewed",
    "status",
    "related",
    "sources",
    "body_markdown",
    "message",
];

/// The element id and the words for a field key (`title`, `sources[1].url`).
fn field_anchor_and_label(key: &str) -> (String, String) {
    if let Some(rest) = key.strip_prefix("sources[")
        && let Some((index, field)) = rest.split_once("].")
        && let Ok(index) = index.parse::<usize>()
    {
        let field_words = match field {
            "source" => "declared source",
            other => other,
        };
        return (
            format!("source_{field}_{index}"),
            format!("Source {}, {field_words}", index + 1),
        );
    }
    let label = match key {
        "slug" => "Address (slug)",
        "body_markdown" => "Body",
        "message" => "What changed",
        "related" => "Related entries",
        other => return (other.to_owned(), capitalized(other)),
    };
    (key.to_owned(), label.to_owned())
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

impl EditorPage {
    /// Every problem of the form, in the form's order, each linked to its field.
    fn error_summary(&self) -> Vec<ErrorLink> {
        let place = |key: &str| {
            let root = key.split('[').next().unwrap_or(key);
            FORM_ORDER
                .iter()
                .position(|f| *f == root)
                .unwrap_or(FORM_ORDER.len())
        };
        let mut problems: Vec<(&String, &String)> = self.errors.0.iter().collect();
        problems.sort_by_key(|(key, _)| place(key));
        problems
            .into_iter()
            .map(|(key, message)| {
                let (anchor, label) = field_anchor_and_label(key);
                ErrorLink {
                    href: format!("#{anchor}"),
                    text: format!("{label}: {message}"),
                }
            })
            .collect()
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }

    fn source_error(&self, index: &usize, field: &str) -> Option<&str> {
        self.errors.get(&format!("sources[{index}].{field}"))
    }
}

/// What the form is for.
enum Target {
    New,
    Edit { id: EntryId, retired: bool },
}

struct FormState {
    input: EntryInput,
    message: String,
    errors: FieldErrors,
    form_error: Option<String>,
    preview_html: Option<String>,
    base_revision: Option<u32>,
    changed_since: Vec<ChangeLink>,
}

impl FormState {
    /// A form showing `input`, with nothing to report yet.
    fn of(input: EntryInput, message: String, base_revision: Option<u32>) -> FormState {
        FormState {
            input,
            message,
            errors: FieldErrors::default(),
            form_error: None,
            preview_html: None,
            base_revision,
            changed_since: Vec::new(),
        }
    }
}

fn editor_page(
    session: &SignedIn,
    target: &Target,
    form: FormState,
    declared: &Declared,
    topics_in_use: &[String],
    topic_labels: &TopicLabels,
    city_name: &str,
) -> EditorPage {
    let input = form.input;
    let visibility = input
        .fields
        .visibility
        .as_deref()
        .and_then(Visibility::parse)
        .unwrap_or_default();
    let visibility_choices = Visibility::ALL
        .into_iter()
        .map(|choice| VisibilityChoice {
            value: choice.as_str(),
            label: visibility_words(choice, city_name),
            checked: choice == visibility,
        })
        .collect();
    let is_draft = input.fields.draft.unwrap_or(false);
    let chosen: Vec<String> = input
        .fields
        .topics
        .0
        .iter()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    let known_topics = topics_in_use
        .iter()
        .map(|slug| TopicChoice {
            label: topic_labels.label(slug),
            checked: chosen.contains(slug),
            slug: slug.clone(),
        })
        .collect();
    let other_topics = chosen
        .iter()
        .filter(|t| !topics_in_use.contains(t))
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let mut source_inputs: Vec<SourceFields> = input
        .fields
        .sources
        .iter()
        .filter(|s| !s.is_blank())
        .cloned()
        .collect();
    // Always offer an empty group, so a source can be added without JavaScript.
    source_inputs.push(SourceFields::default());
    if source_inputs.len() < 2 {
        source_inputs.push(SourceFields::default());
    }
    let errors = form.errors;
    let preview_sources = if form.preview_html.is_some() {
        preview_sources(&source_inputs, declared)
    } else {
        Vec::new()
    };
    let preview_kind = input
        .fields
        .kind
        .as_deref()
        .and_then(Kind::parse)
        .map(Kind::label);
    let sources = source_inputs
        .into_iter()
        .enumerate()
        .map(|(index, input)| SourceRow {
            index,
            number: index + 1,
            choices: source_choices(declared, input.source.as_deref()),
            input,
        })
        .collect();
    let kinds = Kind::ALL
        .into_iter()
        .map(|k| SelectOption {
            value: k.as_str(),
            label: k.label(),
            selected: input.fields.kind.as_deref() == Some(k.as_str()),
        })
        .collect();
    let current_status = input.fields.status.clone().unwrap_or_default();
    let mut statuses = vec![SelectOption {
        value: "",
        label: "(none)",
        selected: current_status.is_empty(),
    }];
    statuses.extend(Status::ALL.into_iter().map(|s| SelectOption {
        value: s.as_str(),
        label: s.label(),
        selected: current_status == s.as_str(),
    }));
    let (heading, action_url, entry_href, retire_url, restore_url) = match target {
        Target::New => (
            "Add an entry".to_owned(),
            "/entries/new".to_owned(),
            None,
            None,
            None,
        ),
        Target::Edit { id, retired } => {
            let is_admin = session.user.role == Role::Admin;
            (
                format!(
                    "Edit: {}",
                    input.fields.title.as_deref().unwrap_or_default()
                ),
                paths::entry_edit(id),
                Some(paths::entry(id)),
                (!retired).then(|| paths::entry_retire(id)),
                (*retired && is_admin).then(|| paths::entry_restore(id)),
            )
        }
    };
    let jurisdiction = input.jurisdiction.as_ref().map_or_else(
        || session.user.jurisdiction.to_string(),
        |j| j.slug().to_owned(),
    );
    EditorPage {
        layout: Layout::new(heading.clone()),
        heading,
        action_url,
        csrf_token: session.csrf_token.clone(),
        is_new: matches!(target, Target::New),
        show_jurisdiction: matches!(target, Target::New) && session.user.role == Role::Admin,
        jurisdiction,
        sources,
        offers_declared: !declared.is_empty(),
        kinds,
        statuses,
        errors,
        form_error: form.form_error,
        preview_html: form.preview_html,
        message: form.message,
        entry_href,
        retire_url,
        restore_url,
        base_revision: form.base_revision,
        changed_since: form.changed_since,
        preview_kind,
        preview_sources,
        known_topics,
        other_topics,
        visibility_choices,
        is_draft,
        editor_script: EDITOR_SCRIPT_PATH.as_str(),
        input,
    }
}

/// The topics live entries use, most used first, for the editor to offer.
async fn topics_in_use(state: &AppState) -> Result<Vec<String>, AppError> {
    let results = state
        .search(SearchRequest {
            limit: 1,
            ..SearchRequest::default()
        })
        .await?;
    let mut topics: Vec<(String, u64)> = results.facets[Filter::Topic]
        .iter()
        .map(|(slug, count)| (slug.clone(), *count))
        .collect();
    topics.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(topics
        .into_iter()
        .take(MAX_TOPIC_CHOICES)
        .map(|(slug, _)| slug)
        .collect())
}

/// The filled-in source groups as the preview lists them.
fn preview_sources(sources: &[SourceFields], declared: &Declared) -> Vec<PreviewSource> {
    sources
        .iter()
        .filter(|s| !s.is_blank())
        .map(|s| {
            let declared_title = s.source.as_deref().and_then(|id| {
                declared
                    .iter()
                    .find(|(declared_id, _)| declared_id == id)
                    .map(|(_, label)| label.clone())
            });
            PreviewSource {
                title: declared_title
                    .or_else(|| s.title.clone())
                    .unwrap_or_else(|| "(a source without a title)".to_owned()),
                quote: s.quote.clone().filter(|q| !q.trim().is_empty()),
            }
        })
        .collect()
}

/// The revision a submitted form started from: its `base_revision` field, when present.
fn base_of(form: &FormData) -> Result<Option<u32>, AppError> {
    let raw = form.get("base_revision").trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse()
        .map(Some)
        .map_err(|_| AppError::BadRequest("the form's base revision is not a number".into()))
}

/// Reads the editor form into an `EntryInput`. Each field is named as in front matter and
/// JSON; a source's fields are `source_<field>_<n>` (its declared source's id is
/// `source_source_<n>`). Blank fields count as absent.
fn read_form(form: &FormData, target: &Target) -> Result<EntryInput, FieldErrors> {
    let mut object = serde_json::Map::new();
    let mut sources: BTreeMap<usize, serde_json::Map<String, Value>> = BTreeMap::new();
    for (name, value) in form.fields() {
        if value.trim().is_empty() {
            continue;
        }
        let source_field = name.strip_prefix("source_").and_then(|rest| {
            let (field, index) = rest.rsplit_once('_')?;
            Some((field, index.parse::<usize>().ok()?))
        });
        match source_field {
            Some((field, index)) => {
                let value = if field == "url" {
                    with_scheme(value)
                } else {
                    value.to_owned()
                };
                sources
                    .entry(index)
                    .or_default()
                    .insert(field.to_owned(), Value::from(value));
            }
            // Topics come from the boxes of those in use and the box of new ones, and the
            // draft state from the button pressed: below.
            None if name == "topics" || name == "draft" => {}
            None => {
                object.insert(name.to_owned(), Value::from(value));
            }
        }
    }
    let topics: Vec<&str> = form
        .all("topics")
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .collect();
    if !topics.is_empty() {
        object.insert("topics".into(), Value::from(topics.join(", ")));
    }
    object.insert(
        "sources".into(),
        Value::Array(sources.into_values().map(Value::Object).collect()),
    );
    // Publish and Save as draft say so; Save and Preview keep what the form holds.
    let draft = match form.get("action") {
        "publish" => false,
        "unpublish" => true,
        _ => form.get("draft") == "yes",
    };
    object.insert("draft".into(), Value::Bool(draft));
    if let Target::Edit { id, .. } = target {
        object.insert("slug".into(), Value::from(id.slug.as_str()));
    }
    EntryInput::from_json(&Value::Object(object))
}

/// A web address as people type it: `www.example.gov/page` gets `https://`. One that names
/// a scheme of its own is kept as typed (and refused unless it is http or https).
fn with_scheme(typed: &str) -> String {
    let typed = typed.trim();
    let scheme = typed.split_once(':').map(|(scheme, _)| scheme);
    let names_scheme = scheme.is_some_and(|s| {
        s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
            // `example.gov:8080/x` names a host and port, not a scheme.
            && !s.contains('.')
    });
    if names_scheme || !typed.contains('.') || typed.contains(char::is_whitespace) {
        typed.to_owned()
    } else {
        format!("https://{}", typed.trim_start_matches('/'))
    }
}

fn respond(status: StatusCode, page: &impl Template) -> Result<Response, PageError> {
    Ok((status, render(page)?).into_response())
}

/// The editor showing `form`, answered with `status`; the sources and topics to offer are
/// gathered only here, when a form is shown (a save that succeeds needs neither).
async fn respond_editor(
    state: &AppState,
    session: &SignedIn,
    target: &Target,
    form: FormState,
    status: StatusCode,
) -> Result<Response, PageError> {
    let declared = declared_sources(state);
    let topics = topics_in_use(state).await?;
    let city = session.user.jurisdiction.clone();
    let city_name = state
        .with_catalog(move |catalog| catalog.jurisdiction(city.as_str()))
        .await?
        .map_or_else(|| session.user.jurisdiction.to_string(), |j| j.name);
    respond(
        status,
        &editor_page(
            session,
            target,
            form,
            &declared,
            &topics,
            state.catalog.curated().topic_labels(),
            &city_name,
        ),
    )
}

/// `GET /entries/new`
pub async fn new_form(
    State(state): State<AppState>,
    RequireSession(session): RequireSession,
) -> Result<Response, PageError> {
    // A new entry starts as a draft: its city sees it until someone publishes it.
    let mut input = EntryInput::default();
    input.fields.draft = Some(true);
    let form = FormState::of(input, String::new(), None);
    respond_editor(&state, &session, &Target::New, form, StatusCode::OK).await
}

/// `POST /entries/new`
pub async fn create(
    State(state): State<AppState>,
    SessionForm { session, form }: SessionForm,
) -> Result<Response, PageError> {
    submit(state, session, Target::New, form).await
}

/// Loads the contributed entry `id` for editing by `session`'s user.
async fn editable(
    state: &AppState,
    session: &SignedIn,
    jurisdiction: &str,
    slug: &str,
) -> Result<(EntryId, EntryView), PageError> {
    let id = parse_id(jurisdiction, slug)?;
    let (user, lookup) = (session.user.clone(), id.clone());
    let found = state
        .with_catalog(move |catalog| catalog.editable(&user, &lookup))
        .await?;
    Ok((id, found))
}

/// `GET /entries/{jurisdiction}/{slug}/edit`
pub async fn edit_form(
    State(state): State<AppState>,
    RequireSession(session): RequireSession,
    Path((jurisdiction, slug)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (id, found) = editable(&state, &session, &jurisdiction, &slug).await?;
    let form = FormState::of(
        EntryInput::of_entry(&id.slug, &found.entry.meta, &found.entry.body_markdown),
        String::new(),
        found.revision.as_ref().map(|r| r.number),
    );
    let target = Target::Edit {
        id,
        retired: found.retired,
    };
    respond_editor(&state, &session, &target, form, StatusCode::OK).await
}

/// `POST /entries/{jurisdiction}/{slug}/edit`
pub async fn update(
    State(state): State<AppState>,
    Path((jurisdiction, slug)): Path<(String, String)>,
    SessionForm { session, form }: SessionForm,
) -> Result<Response, PageError> {
    let (id, found) = editable(&state, &session, &jurisdiction, &slug).await?;
    submit(
        state,
        session,
        Target::Edit {
            id,
            retired: found.retired,
        },
        form,
    )
    .await
}

/// The change message of a form, trimmed and capped.
fn change_message(form: &FormData) -> String {
    form.get("message")
        .trim()
        .chars()
        .take(crate::catalog::MAX_MESSAGE_CHARS)
        .collect()
}

/// The problems of a form's input, and its body rendered unless the body itself has one (too
/// large or too deep to render in a moment). Not kept: a preview is seen once. Blocking.
fn preview(input: &EntryInput) -> (FieldErrors, Option<String>) {
    let errors: FieldErrors = match input.parse() {
        Ok(_) => FieldErrors::default(),
        Err(problems) => problems.into(),
    };
    let html = errors
        .get("body_markdown")
        .is_none()
        .then(|| render_html(&input.body_markdown));
    (errors, html)
}

async fn submit(
    state: AppState,
    session: SignedIn,
    target: Target,
    form: FormData,
) -> Result<Response, PageError> {
    let message = change_message(&form);
    let base = match target {
        Target::New => None,
        Target::Edit { .. } => base_of(&form)?,
    };
    let input = match read_form(&form, &target) {
        Ok(input) => input,
        Err(errors) => {
            let page = FormState {
                errors,
                form_error: Some("The entry was not saved: the form could not be read.".into()),
                ..FormState::of(EntryInput::default(), message, base)
            };
            return respond_editor(
                &state,
                &session,
                &target,
                page,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let mut state_of_form = FormState::of(input.clone(), message.clone(), base);
    if form.get("action") == "preview" {
        let (errors, preview_html) = state.run_blocking(move |_| preview(&input)).await?;
        state_of_form.errors = errors;
        state_of_form.preview_html = preview_html;
        return respond_editor(&state, &session, &target, state_of_form, StatusCode::OK).await;
    }
    state.allow_write(&session.user)?;
    let user = session.user.clone();
    let write_target = match &target {
        Target::New => None,
        Target::Edit { id, .. } => Some(id.clone()),
    };
    let result = state
        .with_catalog(move |catalog| match &write_target {
            None => catalog.create(&user, &input, &message),
            Some(id) => catalog.update(&user, id, &input, &message, base),
        })
        .await;
    match result {
        Ok(saved) => {
            // The entry's page says "Saved" once, to this browser.
            let saved_cookie = app_cookie(
                &state.config,
                SAVED_COOKIE,
                saved.entry.id.to_string(),
                SAVED_NOTICE_SECS,
            );
            Ok((
                CookieJar::new().add(saved_cookie),
                Redirect::to(&paths::entry(&saved.entry.id)),
            )
                .into_response())
        }
        Err(AppError::Unprocessable(errors)) => {
            state_of_form.errors = errors;
            state_of_form.form_error =
                Some("The entry was not saved: correct the fields marked below.".into());
            respond_editor(
                &state,
                &session,
                &target,
                state_of_form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(AppError::Conflict(message)) => {
            state_of_form
                .errors
                .add("slug", format!("{message}: choose another slug"));
            state_of_form.form_error =
                Some("The entry was not saved: its address is taken.".into());
            respond_editor(
                &state,
                &session,
                &target,
                state_of_form,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(AppError::PreconditionFailed(_)) => {
            let Target::Edit { id, .. } = &target else {
                return Err(AppError::internal("a new entry had a base revision").into());
            };
            let since = changes_since(&state, &session, id, base.unwrap_or(0)).await?;
            state_of_form.base_revision = since.last().map(|c| c.number).or(base);
            state_of_form.form_error = Some(
                "Not saved: someone saved this entry after you opened this form. Your text is \
                 kept below; see what they changed, then save again to replace their version \
                 with yours."
                    .into(),
            );
            state_of_form.changed_since = since;
            respond_editor(
                &state,
                &session,
                &target,
                state_of_form,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

/// The revisions of `id` after `base`, as links to what each changed.
async fn changes_since(
    state: &AppState,
    session: &SignedIn,
    id: &EntryId,
    base: u32,
) -> Result<Vec<ChangeLink>, AppError> {
    let (viewer, lookup) = (session.user.clone(), id.clone());
    let (_, revisions) = state
        .with_catalog(move |catalog| catalog.revisions_for(Some(&viewer), &lookup))
        .await?;
    Ok(revisions
        .into_iter()
        .filter(|r| r.number > base)
        .map(|r| ChangeLink {
            href: paths::entry_revision(id, r.number),
            number: r.number,
            author: r.author.unwrap_or_else(|| "unknown".into()),
            when: r.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            message: r.message,
        })
        .collect())
}

async fn set_retired(
    state: AppState,
    session: SignedIn,
    jurisdiction: String,
    slug: String,
    form: FormData,
    retired: bool,
) -> Result<Response, PageError> {
    let (id, found) = editable(&state, &session, &jurisdiction, &slug).await?;
    let message = change_message(&form);
    let base = base_of(&form)?;
    // Only an admin can undo a retirement: the editor's button asks first.
    if retired && form.get("confirm") != "yes" {
        let page = RetirePage {
            layout: Layout::new(format!("Retire: {}", found.entry.meta.title())),
            title: found.entry.meta.title().to_owned(),
            action_url: paths::entry_retire(&id),
            cancel_href: paths::entry_edit(&id),
            csrf_token: session.csrf_token.clone(),
            message,
            base_revision: base.or(found.revision.as_ref().map(|r| r.number)),
        };
        return respond(StatusCode::OK, &page);
    }
    state.allow_write(&session.user)?;
    let user = session.user.clone();
    let target = id.clone();
    state
        .with_catalog(move |catalog| catalog.set_retired(&user, &target, retired, &message, base))
        .await?;
    Ok(Redirect::to(&paths::entry(&id)).into_response())
}

/// The question asked before an entry is retired.
#[derive(Template)]
#[template(path = "retire.html")]
struct RetirePage {
    layout: Layout,
    title: String,
    action_url: String,
    cancel_href: String,
    csrf_token: String,
    message: String,
    base_revision: Option<u32>,
}

/// `POST /entries/{jurisdiction}/{slug}/retire`
pub async fn retire(
    State(state): State<AppState>,
    Path((jurisdiction, slug)): Path<(String, String)>,
    SessionForm { session, form }: SessionForm,
) -> Result<Response, PageError> {
    set_retired(state, session, jurisdiction, slug, form, true).await
}

/// `POST /entries/{jurisdiction}/{slug}/restore`
pub async fn restore(
    State(state): State<AppState>,
    Path((jurisdiction, slug)): Path<(String, String)>,
    SessionForm { session, form }: SessionForm,
) -> Result<Response, PageError> {
    set_retired(state, session, jurisdiction, slug, form, false).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_web_address_without_a_scheme_gets_https() {
        assert_eq!(
            with_scheme("www.minneapolismn.gov/news"),
            "https://www.minneapolismn.gov/news"
        );
        assert_eq!(with_scheme(" example.gov "), "https://example.gov");
        assert_eq!(
            with_scheme("example.gov:8080/x"),
            "https://example.gov:8080/x"
        );
        for kept in [
            "https://example.gov",
            "http://example.gov",
            "javascript:alert(1)",
            "mailto:a@b.example",
            "not an address",
            "localhost",
        ] {
            assert_eq!(with_scheme(kept), kept);
        }
    }
}
