//! Accounts under a shared service: signing in returns only to this site, a one-time password
//! opens nothing but the password form, password changes are limited and must change the
//! password, account pages are not cached, and users can be disabled, enabled and given a new
//! one-time password (issue 18).

mod support;

use axum::http::StatusCode;
use support::accounts::*;
use support::app::*;
use support::cli::*;

#[tokio::test]
async fn signing_in_returns_only_to_a_path_of_this_site() {
    let (_data, app, team) = setup();
    for (next, expected) in [
        ("/entries/new", "/entries/new"),
        ("/search?q=guard", "/search?q=guard"),
        ("/\t/evil.example", "/account"),
        ("/\n/evil.example", "/account"),
        ("/entries\r\nSet-Cookie: x=1", "/account"),
        ("//evil.example", "/account"),
    ] {
        let mut browser = Browser::new(&app);
        browser
            .sign_in(&team.alice.email, PASSWORD, next)
            .await
            .expect_redirect(expected, &format!("{next:?}"));
    }
}

#[tokio::test]
async fn a_one_time_password_opens_only_the_password_form() {
    let data = DataDir::new();
    let email = "first@minneapolis.example";
    let one_time = cli_add_user(data.path(), email, CITY_A, "editor");
    let app = data.app();
    let mut browser = Browser::new(&app);
    browser
        .sign_in(email, &one_time, "/account")
        .await
        .expect_redirect("/account", "signed in");
    browser
        .get("/entries/new")
        .await
        .expect_redirect("/account", "no editor before the password is changed");
    let csrf = browser.csrf_of("/account").await;
    browser
        .post(
            "/account/tokens",
            &[("csrf_token", &csrf), ("label", "too early")],
        )
        .await
        .expect_redirect("/account", "no API token either");
    let account = browser
        .get("/account")
        .await
        .expect(StatusCode::OK, "account");
    assert!(!account.body.contains("too early"), "no token was made");

    // The new password must be new.
    let same = [
        ("csrf_token", csrf.as_str()),
        ("current_password", one_time.as_str()),
        ("new_password", one_time.as_str()),
        ("confirm_password", one_time.as_str()),
    ];
    let refused = browser.post("/account/password", &same).await.expect(
        StatusCode::UNPROCESSABLE_ENTITY,
        "the one-time password again",
    );
    assert!(
        refused.body.contains("password you have now"),
        "{}",
        refused.body
    );

    let chosen = "harbor ferry lantern 7";
    let change = [
        ("csrf_token", csrf.as_str()),
        ("current_password", one_time.as_str()),
        ("new_password", chosen),
        ("confirm_password", chosen),
    ];
    browser
        .post("/account/password", &change)
        .await
        .expect_redirect("/account?password=changed", "changed");
    browser.get("/entries/new").await.expect(
        StatusCode::OK,
        "the editor, once the password is the user's own",
    );
}

#[tokio::test]
async fn password_changes_are_limited_per_user() {
    let (data, app, team) = setup();
    let (cookie, csrf) = data.session(&team.alice);
    let mut browser = Browser::with_session(&app, &cookie);
    let wrong = [
        ("csrf_token", csrf.as_str()),
        ("current_password", "not the password at all"),
        ("new_password", "harbor ferry lantern 7"),
        ("confirm_password", "harbor ferry lantern 7"),
    ];
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(browser.post("/account/password", &wrong).await.status);
    }
    assert!(
        statuses[..10]
            .iter()
            .all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY),
        "{statuses:?}"
    );
    assert_eq!(statuses[10], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
}

#[tokio::test]
async fn account_pages_are_never_cached_and_tokens_can_all_be_revoked() {
    let (data, app, team) = setup();
    let (cookie, csrf) = data.session(&team.alice);
    let mut browser = Browser::with_session(&app, &cookie);
    let account = browser
        .get("/account")
        .await
        .expect(StatusCode::OK, "account");
    assert_eq!(account.header("cache-control"), "no-store");
    let made = browser
        .post(
            "/account/tokens",
            &[("csrf_token", &csrf), ("label", "intranet")],
        )
        .await
        .expect(StatusCode::OK, "a new token");
    assert_eq!(
        made.header("cache-control"),
        "no-store",
        "the page shows a token"
    );

    let body = entry("before-revoking", "beforerevoking");
    app.create(&team.alice.token, &body).await;
    browser
        .post("/account/tokens/revoke-all", &[("csrf_token", &csrf)])
        .await
        .expect_redirect("/account", "revoked");
    app.post_entry(&team.alice.token, &entry("after-revoking", "afterrevoking"))
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "unauthorized", "a revoked token");
}

/// How many audit records have this action.
fn audited(data: &std::path::Path, action: &str) -> i64 {
    let conn = rusqlite::Connection::open(data.join(city_playbook::store::DATABASE_FILE))
        .expect("the database opens");
    conn.query_row(
        "SELECT COUNT(*) FROM audit_log WHERE action = ?1",
        [action],
        |r| r.get(0),
    )
    .expect("counts")
}

#[tokio::test]
async fn offboarding_disables_enables_resets_and_lists_users() {
    let (data, app, team) = setup();
    let alice = &team.alice;
    let (cookie, _) = data.session(alice);
    let out = cli(data.path(), &["user", "disable", "--email", &alice.email]);
    assert!(out.contains("disabled"), "{out}");
    app.post_entry(&alice.token, &entry("while-disabled", "whiledisabled"))
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "unauthorized", "token revoked");
    let mut browser = Browser::with_session(&app, &cookie);
    browser
        .get("/account")
        .await
        .expect_redirect("/login?next=%2Faccount", "session ended");
    let mut fresh = Browser::new(&app);
    fresh
        .sign_in(&alice.email, PASSWORD, "/account")
        .await
        .expect(StatusCode::UNAUTHORIZED, "no sign-in while disabled");
    let listed = cli(data.path(), &["user", "list"]);
    let line = listed
        .lines()
        .find(|l| l.starts_with(&alice.email))
        .unwrap_or_default();
    assert!(line.ends_with("disabled"), "{listed}");

    cli(data.path(), &["user", "enable", "--email", &alice.email]);
    fresh
        .sign_in(&alice.email, PASSWORD, "/account")
        .await
        .expect_redirect("/account", "signs in again");
    app.post_entry(&alice.token, &entry("after-enabling", "afterenabling"))
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "unauthorized", "still revoked");

    let out = cli(
        data.path(),
        &["user", "reset-password", "--email", &alice.email],
    );
    let one_time = out.lines().last().unwrap_or_default().trim().to_owned();
    let mut again = Browser::new(&app);
    again
        .sign_in(&alice.email, PASSWORD, "/entries/new")
        .await
        .expect(StatusCode::UNAUTHORIZED, "the old password is gone");
    again
        .sign_in(&alice.email, &one_time, "/entries/new")
        .await
        .expect_redirect("/account", "the one-time password must be changed first");
    for action in ["user.disable", "user.enable", "user.reset-password"] {
        assert_eq!(audited(data.path(), action), 1, "{action}");
    }
}
