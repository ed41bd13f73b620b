//! A repository's latest release and its evidence pack, from a
//! GitHub-compatible releases API (`GET {base}/repos/{owner}/{name}/releases/latest`;
//! GitHub, GitHub Enterprise `/api/v3`, Gitea and Forgejo `/api/v1`). Every
//! request, and every redirect hop of the asset download, goes through the
//! SSRF guard; the pack is read into memory up to [`crate::ssr::evidence::packs::MAX_ZIP_BYTES`].

use crate::ssr::webhooks::ssrf::OutboundPolicy;
use serde::Deserialize;
use std::time::Duration;

/// Redirect hops followed for an asset download (GitHub serves assets from another host).
const MAX_REDIRECTS: usize = 3;
/// Largest release JSON read.
const MAX_RELEASE_JSON: usize = 1024 * 1024;

/// A release and the pack attached to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// The release's tag.
    pub tag: String,
    /// The pack asset's file name.
    pub asset_name: String,
    /// Where to download it.
    pub asset_url: String,
    /// When the release was created (ms), as the forge says.
    pub created_at: Option<i64>,
}

/// Why the release or its pack could not be had: reason code, what happened, what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    /// `release_not_found`, `pack_missing`, `releases_unreachable`, `ssrf_refused`, `pack_too_large`.
    pub reason: &'static str,
    /// What happened.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

fn source_error(reason: &'static str, message: impl Into<String>, fix: impl Into<String>) -> SourceError {
    SourceError { reason, message: message.into(), fix: fix.into() }
}

#[derive(Deserialize)]
struct ReleaseJson {
    tag_name: String,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    assets: Vec<AssetJson>,
}

#[derive(Deserialize)]
struct AssetJson {
    name: String,
    browser_download_url: String,
}

/// Whether an asset is an evidence pack: `pack.zip` or `*.pack.zip`.
pub fn is_pack_asset(name: &str) -> bool {
    name == "pack.zip" || name.ends_with(".pack.zip")
}

fn client(guard: &OutboundPolicy) -> Result<reqwest::Client, SourceError> {
    let hop_guard = guard.clone();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .no_proxy()
        .user_agent(concat!("trust-portal/", env!("CARGO_PKG_VERSION")))
        .dns_resolver(std::sync::Arc::new(crate::ssr::webhooks::ssrf::GuardedResolver::new(guard.clone())))
        .redirect(reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > MAX_REDIRECTS {
                attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
            } else if let Err(e) = hop_guard.check_url(attempt.url().as_str()) {
                attempt.error(e)
            } else {
                attempt.follow()
            }
        }))
        .build()
        .map_err(|e| source_error("releases_unreachable", e.to_string(), "report this to the portal operator"))
}

async fn read_capped(mut res: reqwest::Response, cap: usize) -> Result<Vec<u8>, SourceError> {
    let mut body = Vec::new();
    while let Some(chunk) = res
        .chunk()
        .await
        .map_err(|e| source_error("releases_unreachable", format!("reading the answer: {e}"), "try again"))?
    {
        if body.len() + chunk.len() > cap {
            return Err(source_error(
                "pack_too_large",
                format!("the download is larger than {} MiB", cap / (1024 * 1024)),
                "keep packs to release evidence (attestations, SBOMs, signatures)",
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn unreachable(host_hint: &str, e: &reqwest::Error) -> SourceError {
    if let Some(refused) = crate::ssr::webhooks::ssrf::Refused::in_error(e) {
        tracing::info!(host = %host_hint, detail = %refused.detail, "repository host refused by the SSRF guard");
        source_error(
            "ssrf_refused",
            format!("{host_hint}: refused: {}", refused.message),
            "the repository host must be a public HTTPS address",
        )
    } else {
        source_error(
            "releases_unreachable",
            format!("cannot reach {host_hint}: {e:#}"),
            "check the repository host is up and reachable from the portal, then try again",
        )
    }
}

/// The latest release of `repo` (`owner/name`) at `api_base`, and its pack asset.
pub async fn latest(guard: &OutboundPolicy, api_base: &str, repo: &str) -> Result<Release, SourceError> {
    let url = format!("{}/repos/{repo}/releases/latest", api_base.trim_end_matches('/'));
    let checked = guard
        .check_url(&url)
        .map_err(|e| source_error("ssrf_refused", e.to_string(), "the releases API must be a public HTTPS address"))?;
    let res = client(guard)?
        .get(checked)
        .header("accept", "application/vnd.github+json")
        .send()
        .await
        .map_err(|e| unreachable("the releases API", &e))?;
    match res.status().as_u16() {
        200 => {}
        404 => {
            return Err(source_error(
                "release_not_found",
                format!("{repo} has no published release at {api_base} (or the repository is not public)"),
                "publish a release (not a draft or pre-release) and attach its evidence pack",
            ));
        }
        s => {
            return Err(source_error(
                "releases_unreachable",
                format!("the releases API answered {s} for {repo}"),
                "try again later; if it persists, check the repository host",
            ));
        }
    }
    let body = read_capped(res, MAX_RELEASE_JSON).await?;
    let release: ReleaseJson = serde_json::from_slice(&body).map_err(|e| {
        source_error(
            "releases_unreachable",
            format!("the releases API answered something else than a release: {e}"),
            "check PORTAL_RELEASES_API_URL points at a GitHub-compatible API",
        )
    })?;
    let asset = release.assets.into_iter().find(|a| is_pack_asset(&a.name)).ok_or_else(|| {
        source_error(
            "pack_missing",
            format!("release {} of {repo} has no evidence pack attached", release.tag_name),
            "attach the zip from `trust-portal pack build` to the release as <name>.pack.zip",
        )
    })?;
    Ok(Release {
        tag: release.tag_name,
        asset_name: asset.name,
        asset_url: asset.browser_download_url,
        created_at: release.created_at.as_deref().and_then(crate::ssr::clock::parse_rfc3339),
    })
}

/// Downloads a release's pack (redirects followed through the guard, size capped).
pub async fn download(guard: &OutboundPolicy, release: &Release) -> Result<Vec<u8>, SourceError> {
    let checked = guard.check_url(&release.asset_url).map_err(|e| {
        source_error("ssrf_refused", e.to_string(), "the pack must be served from a public HTTPS address")
    })?;
    let res = client(guard)?
        .get(checked)
        .header("accept", "application/octet-stream")
        .send()
        .await
        .map_err(|e| unreachable("the pack download", &e))?;
    if !res.status().is_success() {
        return Err(source_error(
            "releases_unreachable",
            format!("downloading {} answered {}", release.asset_name, res.status()),
            "check the asset is public, then try again",
        ));
    }
    read_capped(res, crate::ssr::evidence::packs::MAX_ZIP_BYTES).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_assets_are_recognised_by_name() {
        assert!(is_pack_asset("pack.zip"));
        assert!(is_pack_asset("widgets-v1.0.0.pack.zip"));
        assert!(!is_pack_asset("source.zip"));
        assert!(!is_pack_asset("pack.zip.sig"));
    }

    #[tokio::test]
    async fn hostile_api_bases_are_refused_before_any_request() {
        let guard = OutboundPolicy { allow_http: false, allowlist: vec![] };
        for base in ["http://api.github.com", "https://127.0.0.1/api/v3", "https://user@evil.example@10.0.0.1"] {
            let e = latest(&guard, base, "acme/widgets").await.unwrap_err();
            assert_eq!(e.reason, "ssrf_refused", "{base}: {e:?}");
        }
    }
}
