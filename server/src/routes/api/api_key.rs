//! The API key of a machine request, as axum extractors: a handler names
//! the scope its route needs in its signature (`key: Key<Read>`), and the
//! request is refused before the handler runs, with 401 without a valid key
//! and 403 `insufficient_scope` naming the missing scope (see
//! [`app::domain::api_scope`]). [`AnyKey`] is for routes every key may call.

use crate::routes::error::{ApiCode, ApiError};
use app::domain::api_scope::{ApiScope, Scopes};
use app::ssr::AppState;
use app::ssr::identity::auth::authenticate_api_key;
use app::ssr::store::ApiKeyRow;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::marker::PhantomData;

/// A scope a route needs, named as a type so the extractor can carry it.
pub trait Needs: Send + Sync {
    /// The scope.
    const SCOPE: ApiScope;
}

macro_rules! scope_marker {
    ($($name:ident => $scope:ident),* $(,)?) => {$(
        #[doc = concat!("The `", stringify!($scope), "` scope.")]
        #[derive(Debug)]
        pub struct $name;
        impl Needs for $name {
            const SCOPE: ApiScope = ApiScope::$scope;
        }
    )*};
}
scope_marker!(Verify => Verify, Evidence => Evidence, Admin => Admin, Read => Read);

/// The caller's key, which has the scope `S`.
#[derive(Debug)]
pub struct Key<S> {
    /// The key's row (never the key itself).
    pub row: ApiKeyRow,
    _scope: PhantomData<S>,
}

impl<S: Needs> FromRequestParts<AppState> for Key<S> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let row = authenticate_api_key(state, &parts.headers).await?;
        if Scopes::parse(&row.scopes).is_ok_and(|s| s.allows(S::SCOPE)) {
            return Ok(Self { row, _scope: PhantomData });
        }
        Err(ApiError::new(
            ApiCode::InsufficientScope,
            format!(
                "This API key lacks the '{}' scope ({}). Create a key that has it on the API keys page.",
                S::SCOPE,
                S::SCOPE.label().to_lowercase()
            ),
        ))
    }
}

/// The caller's key, whatever its scopes.
#[derive(Debug)]
pub struct AnyKey(pub ApiKeyRow);

impl FromRequestParts<AppState> for AnyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self(authenticate_api_key(state, &parts.headers).await?))
    }
}
