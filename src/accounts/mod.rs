//! The accounts service: signing in, browser sessions, passwords and API tokens, with every
//! change recorded in the audit log. The web app and the command line both go through it;
//! neither touches the account store. Its work is blocking (the store, argon2): async callers
//! run it on a blocking thread.

pub mod secrets;

use std::sync::Arc;

use chrono::Utc;

use crate::playbook::Slug;
use crate::store::{AccountStore, Role, StoreError, TokenInfo, User, UserId};
use secrets::{
    SecretError, check_new_password, dummy_hash, hash_password, hash_token, new_api_token,
    new_feed_token, new_one_time_password, random_hex, verify_password,
};

/// The longest label an API token may have, in characters.
pub const MAX_TOKEN_LABEL_CHARS: usize = 80;

/// Why an account operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The store failed, or refused (a taken email, an unknown jurisdiction).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No randomness, or hashing failed.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// The input is not acceptable; the reason.
    #[error("{0}")]
    Invalid(String),
}

/// Why a password change was refused, in words for the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordRefusal {
    /// The current password given is not the user's.
    WrongCurrent,
    /// The new password and its confirmation differ.
    Mismatch,
    /// The new password is the current one.
    Unchanged,
    /// The new password is too weak; the reason.
    Weak(String),
}

impl PasswordRefusal {
    /// The form field the refusal is about.
    pub fn field(&self) -> &'static str {
        match self {
            PasswordRefusal::WrongCurrent => "current_password",
            PasswordRefusal::Mismatch => "confirm_password",
            PasswordRefusal::Unchanged | PasswordRefusal::Weak(_) => "new_password",
        }
    }

    /// The message shown beside the form.
    pub fn message(&self) -> String {
        match self {
            PasswordRefusal::WrongCurrent => "Your current password is not right.".into(),
            PasswordRefusal::Mismatch => "The new password and its confirmation differ.".into(),
            PasswordRefusal::Unchanged => {
                "Choose a new password: this one is the password you have now.".into()
            }
            PasswordRefusal::Weak(why) => format!("Choose a better password: {why}."),
        }
    }
}

/// A signed-in browser session.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// Who.
    pub user: User,
    /// The token every form of the session must carry.
    pub csrf_token: String,
    /// The hash of the session cookie (to end the session).
    pub token_hash: String,
}

/// Accounts, sessions and tokens over an account store.
#[derive(Clone)]
pub struct Accounts {
    store: Arc<dyn AccountStore>,
}

impl Accounts {
    /// The service over `store`.
    pub fn new(store: Arc<dyn AccountStore>) -> Self {
        Accounts { store }
    }

    /// The user whose email and password these are, or None (recorded as a failed sign-in
    /// from `client`). An unknown email takes as long as a wrong password.
    pub fn sign_in(
        &self,
        email: &str,
        password: &str,
        client: &str,
    ) -> Result<Option<User>, AccountError> {
        let email = email.trim();
        let user = self.store.user_by_email(email)?;
        let hash = user
            .as_ref()
            .map_or(dummy_hash(), |u| u.password_hash.as_str());
        let verified = verify_password(hash, password);
        match user.filter(|u| verified && !u.disabled) {
            Some(user) => Ok(Some(user)),
            None => {
                let detail = format!("{email} from {client}");
                self.store.audit(None, "signin.failure", &detail)?;
                Ok(None)
            }
        }
    }

    /// Starts a browser session for `user` lasting `hours`; returns the cookie's token.
    pub fn start_session(
        &self,
        user: &User,
        hours: i64,
        client: &str,
    ) -> Result<String, AccountError> {
        let token = random_hex(32)?;
        let csrf = random_hex(32)?;
        let expires = Utc::now() + chrono::Duration::hours(hours.max(1));
        self.store
            .add_session(&hash_token(&token), user.id, &csrf, expires)?;
        let detail = format!("{} from {client}", user.email);
        self.store.audit(Some(user.id), "signin.success", &detail)?;
        Ok(token)
    }

    /// The live session of a session cookie's token, if any.
    pub fn session(&self, cookie_token: &str) -> Result<Option<SignedIn>, AccountError> {
        let token_hash = hash_token(cookie_token);
        Ok(self.store.session(&token_hash)?.map(|s| SignedIn {
            user: s.user,
            csrf_token: s.csrf_token,
            token_hash,
        }))
    }

    /// Ends a session.
    pub fn end_session(&self, session: &SignedIn) -> Result<(), AccountError> {
        Ok(self.store.remove_session(&session.token_hash)?)
    }

    /// Changes `user`'s password after checking the current one, and ends every session of
    /// theirs. The outer error is a failure; the inner one, a refusal to show the user.
    pub fn change_password(
        &self,
        user: &User,
        current: &str,
        new: &str,
        confirm: &str,
    ) -> Result<Result<(), PasswordRefusal>, AccountError> {
        if !verify_password(&user.password_hash, current) {
            return Ok(Err(PasswordRefusal::WrongCurrent));
        }
        if new != confirm {
            return Ok(Err(PasswordRefusal::Mismatch));
        }
        if new == current {
            return Ok(Err(PasswordRefusal::Unchanged));
        }
        if let Err(why) = check_new_password(new) {
            return Ok(Err(PasswordRefusal::Weak(why)));
        }
        let hash = hash_password(new)?;
        self.store.set_password(user.id, &hash, false)?;
        self.store.audit(Some(user.id), "password.change", "")?;
        Ok(Ok(()))
    }

    /// A user's API tokens.
    pub fn tokens(&self, user: UserId) -> Result<Vec<TokenInfo>, AccountError> {
        Ok(self.store.tokens(user)?)
    }

    /// Makes an API token for `user` labelled `label` (trimmed and capped; a default when
    /// blank); returns the token, which is shown this once.
    pub fn create_token(&self, user: UserId, label: &str) -> Result<String, AccountError> {
        let label: String = label.trim().chars().take(MAX_TOKEN_LABEL_CHARS).collect();
        let label = if label.is_empty() {
            "API token"
        } else {
            &label
        };
        let (token, prefix, hash) = new_api_token()?;
        self.store.add_token(user, label, &prefix, &hash)?;
        self.store.audit(Some(user), "token.create", &prefix)?;
        Ok(token)
    }

    /// Revokes every live token of `user`; how many.
    pub fn revoke_all_tokens(&self, user: UserId) -> Result<usize, AccountError> {
        let mut revoked = 0;
        for token in self.store.tokens(user)? {
            if token.revoked_at.is_none() && self.revoke_token(Some(user), &token.id.to_string())? {
                revoked += 1;
            }
        }
        Ok(revoked)
    }

    /// Revokes a token of `user` (any user's when None) by id or prefix; false if none matched.
    pub fn revoke_token(
        &self,
        user: Option<UserId>,
        id_or_prefix: &str,
    ) -> Result<bool, AccountError> {
        let id_or_prefix = id_or_prefix.trim();
        let revoked = self.store.revoke_token(user, id_or_prefix)?;
        if revoked {
            self.store.audit(user, "token.revoke", id_or_prefix)?;
        }
        Ok(revoked)
    }

    /// The user of a live API token, recording its use for `action` (like `POST /api/entries`).
    pub fn user_by_token(&self, token: &str, action: &str) -> Result<Option<User>, AccountError> {
        let user = self.store.user_by_token(&hash_token(token))?;
        if let Some(user) = &user {
            self.store.audit(Some(user.id), "token.use", action)?;
        }
        Ok(user)
    }

    /// The user of a live API token, for reading: its use is recorded on the token (last
    /// used), not in the audit log, which keeps changes.
    pub fn reader_by_token(&self, token: &str) -> Result<Option<User>, AccountError> {
        Ok(self.store.user_by_token(&hash_token(token))?)
    }

    /// Makes `user` a private feed token, replacing any they had (the old address stops
    /// working); returns the token, which is shown this once.
    pub fn create_feed_token(&self, user: UserId) -> Result<String, AccountError> {
        let (token, hash) = new_feed_token()?;
        self.store.set_feed_token(user, Some(&hash))?;
        self.store.audit(Some(user), "feed_token.create", "")?;
        Ok(token)
    }

    /// Takes `user`'s private feed token away: their feed address stops working.
    pub fn revoke_feed_token(&self, user: UserId) -> Result<(), AccountError> {
        self.store.set_feed_token(user, None)?;
        self.store.audit(Some(user), "feed_token.revoke", "")?;
        Ok(())
    }

    /// When `user`'s private feed token was made, if they have one.
    pub fn feed_token_made(
        &self,
        user: UserId,
    ) -> Result<Option<chrono::DateTime<Utc>>, AccountError> {
        Ok(self.store.feed_token_made(user)?)
    }

    /// The user of a private feed token.
    pub fn user_by_feed_token(&self, token: &str) -> Result<Option<User>, AccountError> {
        Ok(self.store.user_by_feed_token(&hash_token(token))?)
    }

    /// A user by email.
    pub fn user_by_email(&self, email: &str) -> Result<Option<User>, AccountError> {
        Ok(self.store.user_by_email(email.trim())?)
    }

    /// Every user, by email.
    pub fn users(&self) -> Result<Vec<User>, AccountError> {
        Ok(self.store.users()?)
    }

    /// The user with this email, or why not.
    fn existing(&self, email: &str) -> Result<User, AccountError> {
        self.user_by_email(email)?
            .ok_or_else(|| AccountError::Invalid(format!("no user {}", email.trim())))
    }

    /// Disables a user: no sign-in, every session ended, every API token revoked (offboarding).
    pub fn disable(&self, email: &str) -> Result<User, AccountError> {
        let user = self.existing(email)?;
        self.store.set_disabled(user.id, true)?;
        self.store.audit(None, "user.disable", &user.email)?;
        Ok(user)
    }

    /// Enables a disabled user again (their revoked tokens stay revoked).
    pub fn enable(&self, email: &str) -> Result<User, AccountError> {
        let user = self.existing(email)?;
        self.store.set_disabled(user.id, false)?;
        self.store.audit(None, "user.enable", &user.email)?;
        Ok(user)
    }

    /// Gives a user a new one-time password (to change at the next sign-in), ending every
    /// session of theirs; returns the password, to hand over.
    pub fn reset_password(&self, email: &str) -> Result<String, AccountError> {
        let user = self.existing(email)?;
        let password = new_one_time_password()?;
        self.store
            .set_password(user.id, &hash_password(&password)?, true)?;
        self.store.audit(None, "user.reset-password", &user.email)?;
        Ok(password)
    }

    /// Adds a user of `jurisdiction` with a one-time password; returns the user's id and
    /// that password, to hand over.
    pub fn add_user(
        &self,
        email: &str,
        jurisdiction: &Slug,
        role: Role,
    ) -> Result<(UserId, String), AccountError> {
        let email = email.trim();
        if !email.contains('@') || email.len() > 254 || email.chars().any(char::is_whitespace) {
            return Err(AccountError::Invalid("not an email address".into()));
        }
        let password = new_one_time_password()?;
        let hash = hash_password(&password)?;
        let id = self.store.add_user(email, jurisdiction, role, &hash)?;
        self.store.audit(None, "user.add", email)?;
        Ok((id, password))
    }
}
