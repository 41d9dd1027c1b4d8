//! Who is asking: browser sessions (cookie + CSRF token), API tokens (Bearer), and the client
//! address used to rate-limit sign-ins.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use subtle::ConstantTimeEq;

use super::error::{ApiError, AppError, PageError};
use super::state::AppState;
use crate::accounts::SignedIn;
use crate::store::User;

/// The session cookie.
pub const SESSION_COOKIE: &str = "cpb_session";
/// The cookie that carries the sign-in form's CSRF token (there is no session yet).
pub const LOGIN_CSRF_COOKIE: &str = "cpb_login_csrf";

/// A value of a request cookie.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, `Secure` when asked.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let text =
        format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
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
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
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
        let next: String = form_urlencoded::byte_serialize(self.0.as_bytes()).collect();
        Redirect::to(&format!("/login?next={next}")).into_response()
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
        session
            .map(RequireSession)
            .ok_or_else(|| SignInFirst(parts.uri.path().to_owned()).into_response())
    }
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
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(unauthorized)?
            .to_owned();
        let action = format!("{} {}", parts.method, parts.uri.path());
        let user = state
            .with_accounts(move |accounts| accounts.user_by_token(&token, &action))
            .await?;
        user.map(ApiUser).ok_or_else(unauthorized)
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
    use super::check_csrf;

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
