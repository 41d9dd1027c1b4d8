//! Security headers sent with every response.

use axum::http::{HeaderName, HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

/// Pages load only our own stylesheet and script (no inline script or style), fetch only from
/// here, no frames, no plugins, and forms post here.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; \
     frame-ancestors 'none'";

/// HSTS: browsers that reached the site over HTTPS keep to HTTPS for a year.
const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

/// The layers that add the security headers; `https` (the public URL is HTTPS) adds HSTS.
pub fn header_layers(https: bool) -> Vec<SetResponseHeaderLayer<HeaderValue>> {
    let headers: [(HeaderName, &'static str); 6] = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    let hsts = https.then_some((header::STRICT_TRANSPORT_SECURITY, STRICT_TRANSPORT_SECURITY));
    headers
        .into_iter()
        .chain(hsts)
        .map(|(name, value)| {
            SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
        })
        .collect()
}
