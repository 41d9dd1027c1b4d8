//! Who is asking: browser sessions (cookie + CSRF token), API tokens (Bearer), and the client
//! address used to rate-limit sign-ins.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use subtle::ConstantTimeEq;

use super::error::{ApiError, AppError, PageError};
use super::state::AppState;
use crate::accounts::SignedIn;
use crate::config::Config;
use crate::playbook::Reader;
use crate::store::{User, reader_of};
use crate::web::form::FormData;
use crate::web::paths;

/// The session cookie.
pub const SESSION_COOKIE: &str = "cpb_session";
/// The cookie that tells an entry's page it was just saved by this browser (its id; a
/// minute long), so the page can say "Saved" once.
pub const SAVED_COOKIE: &str = "cpb_saved";
/// The cookie that carries the sign-in form's CSRF token (there is no session yet).
pub const LOGIN_CSRF_COOKIE: &str = "cpb_login_csrf";

/// The one shape of every cookie the app sets: `Path=/`, `HttpOnly`, `SameSite=Lax`, lasting
/// `max_age_secs` (0 removes it from the browser), `Secure` when the configuration asks.
pub fn app_cookie(
    config: &Config,
    name: &'static str,
    value: String,
    max_age_secs: i64,
) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::seconds(max_age_secs))
        .secure(config.cookies_secure())
        .build()
}

/// The cookie that removes `name` from the browser: empty, with `Max-Age=0`.
pub fn expired_cookie(config: &Config, name: &'static str) -> Cookie<'static> {
    app_cookie(config, name, String::new(), 0)
}

/// Checks a submitted CSRF token. The comparison takes the same time wherever the two differ
/// (tokens of different lengths are simply unequal).
pub fn check_csrf(expected: &str, submitted: &str) -> Result<(), AppError> {
    if !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(submitted.as_bytes())) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "This form has expired or did not come from this site. Go back, reload the page and try again.".into(),
        ))
    }
}

/// The session, if the request has a live one.
pub struct MaybeSession(pub Option<SignedIn>);

impl FromRequestParts<AppState> for MaybeSession {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(token) = CookieJar::from_headers(&parts.headers)
            .get(SESSION_COOKIE)
            .map(|cookie| cookie.value().to_owned())
        else {
            return Ok(MaybeSession(None));
        };
        let session = state
            .with_accounts(move |accounts| accounts.session(&token))
            .await?;
        Ok(MaybeSession(session))
    }
}

/// A page that needs a signed-in user: others are sent to the sign-in page.
pub struct RequireSession(pub SignedIn);

/// Sends the browser to sign in, then back.
pub struct SignInFirst(String);

impl IntoResponse for SignInFirst {
    fn into_response(self) -> Response {
        Redirect::to(&paths::login_then(&self.0)).into_response()
    }
}

impl FromRequestParts<AppState> for RequireSession {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let MaybeSession(session) = MaybeSession::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let session =
            session.ok_or_else(|| SignInFirst(parts.uri.path().to_owned()).into_response())?;
        // Until the one-time password is replaced, the account page (to replace it) and
        // signing out are all a session can do.
        let path = parts.uri.path();
        if session.user.must_change_password && !ONE_TIME_PASSWORD_PATHS.contains(&path) {
            return Err(Redirect::to(paths::ACCOUNT).into_response());
        }
        Ok(RequireSession(session))
    }
}

/// A form posted by a signed-in user, its CSRF token checked against the session's: every
/// browser write takes this, so no handler can forget the check. Others are sent to sign in
/// (as with `RequireSession`); a missing or wrong token is 403.
pub struct SessionForm {
    /// The session.
    pub session: SignedIn,
    /// The form's fields.
    pub form: FormData,
}

impl FromRequest<AppState> for SessionForm {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let RequireSession(session) = RequireSession::from_request_parts(&mut parts, state).await?;
        let body = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        let form = FormData::parse(&body);
        check_csrf(&session.csrf_token, form.get("csrf_token"))
            .map_err(|e| PageError(e).into_response())?;
        Ok(SessionForm { session, form })
    }
}

/// What a session still on its one-time password may reach.
const ONE_TIME_PASSWORD_PATHS: [&str; 3] = [paths::ACCOUNT, paths::ACCOUNT_PASSWORD, paths::LOGOUT];

/// The token of an `Authorization: Bearer <token>` header, if the request has one.
fn bearer_token(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// The user of a valid, unrevoked API token.
pub struct ApiUser(pub User);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let unauthorized = || {
            ApiError(AppError::Unauthorized(
                "send a valid API token: Authorization: Bearer <token>".into(),
            ))
        };
        let token = bearer_token(parts).ok_or_else(unauthorized)?;
        let action = format!("{} {}", parts.method, parts.uri.path());
        let user = state
            .with_accounts(move |accounts| accounts.user_by_token(&token, &action))
            .await?;
        user.map(ApiUser).ok_or_else(unauthorized)
    }
}

/// Who is reading: the user of a valid API token (`Authorization: Bearer`), else of the
/// browser session, else nobody (an anonymous reader). A token that is not valid (revoked,
/// mistyped) reads as nobody: it never reads more, and reading needs no token. While the
/// database cannot be reached, everyone reads as nobody too: searches keep answering from
/// the local index (public entries only) rather than failing with the sign-in lookup.
pub struct Viewer(pub Option<User>);

impl Viewer {
    /// What this viewer may read.
    pub fn reader(&self) -> Reader {
        reader_of(self.0.as_ref())
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // The answer to a failed lookup: none (read as nobody) when the database is away.
        let refusal = |e: AppError, parts: &Parts| -> Option<Response> {
            if let AppError::Unavailable(cause) = &e {
                tracing::warn!("the database is unreachable; reading as nobody: {cause}");
                return None;
            }
            Some(if parts.uri.path().starts_with("/api/") {
                ApiError(e).into_response()
            } else {
                PageError(e).into_response()
            })
        };
        if let Some(token) = bearer_token(parts) {
            return match state
                .with_accounts(move |accounts| accounts.reader_by_token(&token))
                .await
            {
                Ok(user) => Ok(Viewer(user)),
                Err(e) => refusal(e, parts).map_or(Ok(Viewer(None)), Err),
            };
        }
        match MaybeSession::from_request_parts(parts, state).await {
            Ok(MaybeSession(session)) => Ok(Viewer(session.map(|s| s.user))),
            Err(PageError(e)) => refusal(e, parts).map_or(Ok(Viewer(None)), Err),
        }
    }
}

/// The client's address: the socket's peer, or `X-Forwarded-For`'s last hop when trusted.
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.config.trust_forwarded_for
            && let Some(ip) = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|v| v.trim().parse::<IpAddr>().ok())
        {
            return Ok(ClientIp(ip));
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
        Ok(ClientIp(peer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_cookies_keep_their_attributes() {
        let mut config = Config::new("playbook", "data");
        let text = app_cookie(&config, SESSION_COOKIE, "a1b2".into(), 3600).to_string();
        let mut parts: Vec<&str> = text.split("; ").collect();
        parts.sort_unstable();
        assert_eq!(
            parts,
            [
                "HttpOnly",
                "Max-Age=3600",
                "Path=/",
                "SameSite=Lax",
                "cpb_session=a1b2"
            ]
        );
        config.secure_cookies = true;
        let text = expired_cookie(&config, LOGIN_CSRF_COOKIE).to_string();
        assert!(text.starts_with("cpb_login_csrf=; "), "{text}");
        assert!(text.contains("; Max-Age=0"), "{text}");
        assert!(text.contains("; Secure"), "{text}");
    }

    #[test]
    fn a_csrf_token_must_match_in_full() {
        assert!(check_csrf("a1b2c3", "a1b2c3").is_ok());
        assert!(check_csrf("a1b2c3", "a1b2c4").is_err());
        assert!(
            check_csrf("a1b2c3", "a1b2c").is_err(),
            "a prefix is not the token"
        );
        assert!(
            check_csrf("a1b2c3", "a1b2c3d").is_err(),
            "nor is a longer one"
        );
        assert!(check_csrf("", "").is_err(), "no expected token, no pass");
    }
}
