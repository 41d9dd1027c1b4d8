//! Signing in and out, and the account page (password, API tokens).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use serde::Deserialize;

use super::render;
use crate::accounts::SignedIn;
use crate::accounts::secrets::random_hex;
use crate::store::{TokenInfo, User};
use crate::web::assets::Layout;
use crate::web::auth::{
    ClientIp, LOGIN_CSRF_COOKIE, MaybeSession, RequireSession, SESSION_COOKIE, SessionForm,
    app_cookie, check_csrf, expired_cookie,
};
use crate::web::error::{AppError, PageError};
use crate::web::form::{FormData, safe_next};
use crate::web::paths;
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    csrf_token: String,
    next: String,
    email: String,
    error: Option<&'static str>,
}

/// `?next=` on the sign-in page.
#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn login_page(
    state: &AppState,
    status: StatusCode,
    next: &str,
    email: &str,
    error: Option<&'static str>,
) -> Result<Response, PageError> {
    let csrf_token = random_hex(32).map_err(|e| AppError::internal(e.to_string()))?;
    let page = LoginPage {
        layout: Layout::new("Sign in"),
        csrf_token: csrf_token.clone(),
        next: safe_next(next),
        email: email.to_owned(),
        error,
    };
    let html = render(&page)?;
    let csrf_cookie = app_cookie(&state.config, LOGIN_CSRF_COOKIE, csrf_token, 3600);
    Ok((status, CookieJar::new().add(csrf_cookie), html).into_response())
}

/// `GET /login`
pub async fn login_form(
    State(state): State<AppState>,
    Query(query): Query<NextQuery>,
) -> Result<Response, PageError> {
    let next = query.next.unwrap_or_default();
    login_page(&state, StatusCode::OK, &next, "", None)
}

/// `POST /login`
pub async fn login(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    jar: CookieJar,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = FormData::parse(&body);
    check_csrf(
        jar.get(LOGIN_CSRF_COOKIE).map_or("", Cookie::value),
        form.get("csrf_token"),
    )?;
    if !state.login_limiter.allow(client) {
        tracing::warn!(%client, "sign-in rate limit reached");
        return Err(AppError::TooManyRequests.into());
    }
    let email = form.get("email").trim().to_owned();
    let password = form.get("password").to_owned();
    let (lookup, from) = (email.clone(), client.to_string());
    let user = state
        .with_password_work(move |accounts| accounts.sign_in(&lookup, &password, &from))
        .await?;
    let Some(user) = user else {
        return login_page(
            &state,
            StatusCode::UNAUTHORIZED,
            form.get("next"),
            &email,
            Some("Wrong email or password."),
        );
    };
    let session_cookie = start_session(&state, &user, &client.to_string()).await?;
    let next = if user.must_change_password {
        paths::ACCOUNT.to_owned()
    } else {
        safe_next(form.get("next"))
    };
    // Two cookies, one `Set-Cookie` header each: the session, and the sign-in form's CSRF
    // cookie removed now that it has served.
    let cookies = jar
        .add(session_cookie)
        .add(expired_cookie(&state.config, LOGIN_CSRF_COOKIE));
    Ok((cookies, Redirect::to(&next)).into_response())
}

/// Starts a session for `user` and returns its cookie.
async fn start_session(
    state: &AppState,
    user: &User,
    client: &str,
) -> Result<Cookie<'static>, AppError> {
    let hours = state.config.session_hours.max(1);
    let (user, client) = (user.clone(), client.to_owned());
    let token = state
        .with_accounts(move |accounts| accounts.start_session(&user, hours, &client))
        .await?;
    Ok(app_cookie(
        &state.config,
        SESSION_COOKIE,
        token,
        hours * 3600,
    ))
}

/// `POST /logout`
pub async fn logout(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    body: Bytes,
) -> Result<Response, PageError> {
    if let Some(session) = session {
        check_csrf(
            &session.csrf_token,
            FormData::parse(&body).get("csrf_token"),
        )?;
        state
            .with_accounts(move |accounts| accounts.end_session(&session))
            .await?;
    }
    let cleared = CookieJar::new().add(expired_cookie(&state.config, SESSION_COOKIE));
    Ok((cleared, Redirect::to(paths::HOME)).into_response())
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    email: String,
    jurisdiction: String,
    jurisdiction_href: String,
    role: &'static str,
    csrf_token: String,
    must_change_password: bool,
    tokens: Vec<TokenRow>,
    live_tokens: usize,
    new_token: Option<String>,
    notice: Option<String>,
    password_error: Option<PasswordError>,
    /// When the user's private feed address was made, if they have one.
    feed_made: Option<String>,
    /// A private feed address just made: shown this once.
    new_feed_url: Option<String>,
}

/// Why a password change was refused, and at which field.
struct PasswordError {
    field: &'static str,
    message: String,
}

impl AccountPage {
    /// The refusal's message when it is about `field`.
    fn password_error_at(&self, field: &str) -> Option<&str> {
        self.password_error
            .as_ref()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

struct TokenRow {
    id: i64,
    prefix: String,
    label: String,
    created: String,
    last_used: String,
    revoked: bool,
}

impl From<TokenInfo> for TokenRow {
    fn from(t: TokenInfo) -> Self {
        TokenRow {
            id: t.id,
            prefix: t.prefix,
            label: t.label,
            created: t.created_at.format("%Y-%m-%d").to_string(),
            last_used: t.last_used_at.map_or_else(
                || "never".to_owned(),
                |t| t.format("%Y-%m-%d %H:%M").to_string(),
            ),
            revoked: t.revoked_at.is_some(),
        }
    }
}

async fn account_page(
    state: &AppState,
    session: &SignedIn,
    status: StatusCode,
    notice: Option<String>,
    new_token: Option<String>,
    password_error: Option<PasswordError>,
) -> Result<Response, PageError> {
    account_page_with(
        state,
        session,
        status,
        notice,
        new_token,
        password_error,
        None,
    )
    .await
}

async fn account_page_with(
    state: &AppState,
    session: &SignedIn,
    status: StatusCode,
    notice: Option<String>,
    new_token: Option<String>,
    password_error: Option<PasswordError>,
    new_feed_url: Option<String>,
) -> Result<Response, PageError> {
    let user = session.user.clone();
    let user_id = user.id;
    let (tokens, feed_made) = state
        .with_accounts(move |accounts| {
            Ok((
                accounts.tokens(user_id)?,
                accounts.feed_token_made(user_id)?,
            ))
        })
        .await?;
    let slug = user.jurisdiction.clone();
    let jurisdiction = state
        .with_catalog(move |catalog| catalog.jurisdiction(slug.as_str()))
        .await?
        .map_or_else(|| user.jurisdiction.to_string(), |j| j.display_name());
    let page = AccountPage {
        layout: Layout::new("Your account"),
        email: user.email.clone(),
        jurisdiction,
        jurisdiction_href: paths::jurisdiction(&user.jurisdiction),
        role: user.role.as_str(),
        csrf_token: session.csrf_token.clone(),
        must_change_password: user.must_change_password,
        live_tokens: tokens.iter().filter(|t| t.revoked_at.is_none()).count(),
        tokens: tokens.into_iter().map(TokenRow::from).collect(),
        new_token,
        notice,
        password_error,
        feed_made: feed_made.map(|t| t.format("%Y-%m-%d").to_string()),
        new_feed_url,
    };
    // The page carries a CSRF token, and once a new API token: never kept by a cache.
    Ok((
        status,
        [(header::CACHE_CONTROL, "no-store")],
        render(&page)?,
    )
        .into_response())
}

/// Where a password change returns to: the account page, saying it was changed.
const PASSWORD_CHANGED: &str = "/account?password=changed";

/// `GET /account` (`?password=changed` after a password change says so)
pub async fn account(
    State(state): State<AppState>,
    RequireSession(session): RequireSession,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let changed = query.is_some_and(|q| q == "password=changed");
    let notice = changed.then(|| "Password changed.".to_owned());
    account_page(&state, &session, StatusCode::OK, notice, None, None).await
}

/// `POST /account/password`
pub async fn change_password(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    SessionForm { session, form }: SessionForm,
) -> Result<Response, PageError> {
    if !state.password_change_limiter.allow(session.user.id) {
        tracing::warn!(user = session.user.id, "password change rate limit reached");
        return Err(AppError::TooManyRequests.into());
    }
    let (current, new, confirm) = (
        form.get("current_password").to_owned(),
        form.get("new_password").to_owned(),
        form.get("confirm_password").to_owned(),
    );
    let user = session.user.clone();
    let changed = state
        .with_password_work(move |accounts| {
            accounts.change_password(&user, &current, &new, &confirm)
        })
        .await?;
    if let Err(refusal) = changed {
        return account_page(
            &state,
            &session,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            None,
            Some(PasswordError {
                field: refusal.field(),
                message: refusal.message(),
            }),
        )
        .await;
    }
    // Changing the password ends every session, this one too: start a fresh one.
    let mut user = session.user.clone();
    user.must_change_password = false;
    let session_cookie = start_session(&state, &user, &client.to_string()).await?;
    Ok((
        CookieJar::new().add(session_cookie),
        Redirect::to(PASSWORD_CHANGED),
    )
        .into_response())
}

/// `POST /account/tokens`
pub async fn create_token(
    State(state): State<AppState>,
    SessionForm { session, form }: SessionForm,
) -> Result<Response, PageError> {
    let label = form.get("label").to_owned();
    let user_id = session.user.id;
    let token = state
        .with_accounts(move |accounts| accounts.create_token(user_id, &label))
        .await?;
    let notice =
        Some("Your new API token is below. Copy it now: it will not be shown again.".to_owned());
    account_page(&state, &session, StatusCode::OK, notice, Some(token), None).await
}

/// `POST /account/feed`: a private feed address for the signed-in user, replacing theirs.
pub async fn create_feed(
    State(state): State<AppState>,
    SessionForm { session, .. }: SessionForm,
) -> Result<Response, PageError> {
    let user_id = session.user.id;
    let token = state
        .with_accounts(move |accounts| accounts.create_feed_token(user_id))
        .await?;
    let url = paths::absolute(&state.config.public_url(), &paths::private_feed(&token));
    let notice = Some(
        "Your private feed address is below. Copy it into your feed reader now: it will not be shown again."
            .to_owned(),
    );
    account_page_with(
        &state,
        &session,
        StatusCode::OK,
        notice,
        None,
        None,
        Some(url),
    )
    .await
}

/// `POST /account/feed/revoke`: the signed-in user's private feed address stops working.
pub async fn revoke_feed(
    State(state): State<AppState>,
    SessionForm { session, .. }: SessionForm,
) -> Result<Response, PageError> {
    let user_id = session.user.id;
    state
        .with_accounts(move |accounts| accounts.revoke_feed_token(user_id))
        .await?;
    let notice = Some("Your private feed address no longer works.".to_owned());
    account_page(&state, &session, StatusCode::OK, notice, None, None).await
}

/// `POST /account/tokens/revoke-all`: after a password change, tokens made before it may be
/// in the wrong hands too.
pub async fn revoke_all_tokens(
    State(state): State<AppState>,
    SessionForm { session, .. }: SessionForm,
) -> Result<Response, PageError> {
    let user_id = session.user.id;
    state
        .with_accounts(move |accounts| accounts.revoke_all_tokens(user_id))
        .await?;
    Ok(Redirect::to(paths::ACCOUNT).into_response())
}

/// `POST /account/tokens/{id}/revoke`
pub async fn revoke_token(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SessionForm { session, .. }: SessionForm,
) -> Result<Response, PageError> {
    let user_id = session.user.id;
    state
        .with_accounts(move |accounts| accounts.revoke_token(Some(user_id), &id.to_string()))
        .await?;
    Ok(Redirect::to(paths::ACCOUNT).into_response())
}
