//! Typed configuration, layered: defaults, then the `[package.metadata.portal]`
//! table of `Leptos.toml`, then `PORTAL_*` environment variables. Validated at
//! boot; an error names the bad setting.

use serde::Deserialize;

/// Where the portal runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// Local development: plain HTTP allowed, pretty logs.
    Development,
    /// Production: HTTPS public URL required, JSON logs.
    Production,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line.
    Json,
}

/// The portal's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalConfig {
    /// `sqlite:data/portal.db` or `postgres://…` (`PORTAL_DATABASE_URL`).
    pub database_url: DatabaseUrl,
    /// `development` or `production` (`PORTAL_ENV`).
    pub environment: Environment,
    /// `pretty` or `json` (`PORTAL_LOG_FORMAT`); defaults by environment.
    pub log_format: LogFormat,
    /// The URL users reach the portal at (`PORTAL_PUBLIC_URL`); https makes cookies `Secure` and `__Host-`.
    pub public_url: Option<String>,
    /// Idle session timeout (`PORTAL_SESSION_IDLE_MINUTES`).
    pub session_idle_minutes: u32,
    /// Absolute session lifetime (`PORTAL_SESSION_ABSOLUTE_HOURS`).
    pub session_absolute_hours: u32,
    /// SLA badge window (`PORTAL_SLA_WINDOW_HOURS`).
    pub sla_window_hours: u32,
    /// How often latency counts are written and the heartbeat recorded (`PORTAL_METRICS_FLUSH_SECONDS`).
    pub metrics_flush_seconds: u32,
    /// How long shutdown waits for in-flight requests (`PORTAL_SHUTDOWN_GRACE_SECONDS`).
    pub shutdown_grace_seconds: u32,
    /// Sustained Attestation API requests per minute per API key (`PORTAL_API_RATE_PER_MINUTE`).
    pub api_rate_per_minute: u32,
    /// Requests an API key may make at once before the rate applies (`PORTAL_API_BURST`).
    pub api_burst: u32,
    /// Days a tenant's latest verified evidence keeps its paid entitlements (`PORTAL_EVIDENCE_MAX_AGE_DAYS`).
    pub evidence_max_age_days: u32,
    /// Hours after a month ends during which late usage still lands on that month's
    /// draft invoice; then it is issued and never changes (`PORTAL_INVOICE_GRACE_HOURS`).
    pub invoice_grace_hours: u32,
    /// Whether this process posts usage events to the billing ledger (`PORTAL_LEDGER_WORKER`,
    /// default true; several processes may all do it safely).
    pub ledger_worker: bool,
    /// Whether this process delivers queued tenant webhooks (`PORTAL_WEBHOOK_WORKER`, default
    /// true; several processes may all do it safely: each message is leased by one).
    pub webhook_worker: bool,
    /// Whether this process runs the hourly upkeep, once at start and then every hour
    /// (`PORTAL_MAINTENANCE_WORKER`, default true; with several processes one runs each
    /// period's jobs, by lease):
    /// session purge, month reconciliation, issuing due invoices, re-deciding entitlements,
    /// policy alerts and purging expired idempotency keys.
    pub maintenance_worker: bool,
    /// Where alerts are delivered as signed webhooks (`PORTAL_ALERT_WEBHOOK_URL`), if anywhere.
    pub alert_webhook_url: Option<String>,
    /// The `whsec_…` secret signing alert webhooks (`PORTAL_ALERT_WEBHOOK_SECRET`; never logged).
    pub alert_webhook_secret: Option<SecretText>,
    /// Bearer token a Prometheus scraper sends for `/metrics` (`PORTAL_METRICS_TOKEN`;
    /// never logged). Without it, `/metrics` answers only loopback peers not behind a proxy.
    pub metrics_token: Option<SecretText>,
    /// A header your reverse proxy sets to the client's address (e.g.
    /// `X-Forwarded-For`, its last entry is used) for login throttling
    /// (`PORTAL_CLIENT_IP_HEADER`); without it, the peer address.
    pub client_ip_header: Option<String>,
    /// Verifications and uploads one tenant may run at once (`PORTAL_TENANT_CONCURRENCY`, default 16).
    pub tenant_concurrency: u32,
    /// Longest a request may take, body included, before it is answered 408
    /// (`PORTAL_REQUEST_TIMEOUT_SECONDS`, default 60).
    pub request_timeout_seconds: u32,
    /// New release packs a tenant may upload in 24 hours (`PORTAL_PACK_UPLOADS_PER_DAY`, default 200).
    pub pack_uploads_per_day: u32,
    /// Megabytes of packs a tenant may store in all (`PORTAL_PACK_STORAGE_MB`, default 2048).
    pub pack_storage_mb: u32,
    /// Subnets outgoing requests may reach despite the SSRF guard (`PORTAL_OUTBOUND_ALLOWLIST`,
    /// comma-separated, e.g. `127.0.0.0/8`; development and tests).
    pub outbound_allowlist: Vec<crate::ssr::webhooks::ssrf::Subnet>,
    /// The GitHub-compatible releases API onboarding asks for a repository's latest release
    /// (`PORTAL_RELEASES_API_URL`: `https://api.github.com`, `https://ghe.example/api/v3`,
    /// `https://gitea.example/api/v1`).
    pub releases_api_url: String,
    /// Minutes without activity after which an onboarding session counts as abandoned
    /// (`PORTAL_ONBOARDING_ABANDON_MINUTES`, default 1440).
    pub onboarding_abandon_minutes: u32,
    /// A folder of OpenSLO files replacing the built-in SLOs (`PORTAL_SLO_DIR`).
    pub slo_dir: Option<String>,
    /// The SLOs in force: the built-in `slo/` files, or those of `slo_dir`,
    /// read and checked when the configuration loads.
    pub slos: Vec<crate::domain::slo::SloDefinition>,
}

impl Default for PortalConfig {
    fn default() -> Self {
        Self {
            database_url: DatabaseUrl("sqlite:data/portal.db".into()),
            environment: Environment::Development,
            log_format: LogFormat::Pretty,
            public_url: None,
            session_idle_minutes: 60,
            session_absolute_hours: 12,
            sla_window_hours: 24 * 30,
            metrics_flush_seconds: 10,
            shutdown_grace_seconds: 20,
            api_rate_per_minute: 6000,
            api_burst: 200,
            evidence_max_age_days: 90,
            invoice_grace_hours: 72,
            ledger_worker: true,
            webhook_worker: true,
            maintenance_worker: true,
            alert_webhook_url: None,
            alert_webhook_secret: None,
            metrics_token: None,
            client_ip_header: None,
            tenant_concurrency: 16,
            request_timeout_seconds: 60,
            pack_uploads_per_day: 200,
            pack_storage_mb: 2048,
            outbound_allowlist: Vec::new(),
            releases_api_url: "https://api.github.com".into(),
            onboarding_abandon_minutes: 1440,
            slo_dir: None,
            // Checked again (with the error reported) by `from_sources`; a unit test parses them.
            slos: crate::ssr::slo::definitions::builtin().unwrap_or_default(),
        }
    }
}

/// The database URL. Its `Debug` and [`DatabaseUrl::redacted`] hide a
/// Postgres password, so printing the configuration cannot leak it.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(pub String);

impl DatabaseUrl {
    /// The URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        let url = self.0.as_str();
        match (url.find("://"), url.rfind('@')) {
            (Some(s), Some(at)) if at > s => {
                let creds = &url[s + 3..at];
                match creds.split_once(':') {
                    Some((user, _)) => format!("{}://{user}:***@{}", &url[..s], &url[at + 1..]),
                    None => url.to_owned(),
                }
            }
            _ => url.to_owned(),
        }
    }

    /// The URL itself, for connecting.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for DatabaseUrl {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<&str> for DatabaseUrl {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DatabaseUrl({:?})", self.redacted())
    }
}

/// A secret setting: its `Debug` never shows the value, so it cannot reach a log.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretText(pub String);

impl std::fmt::Debug for SecretText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretText(***)")
    }
}

/// A setting that is missing or wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration error in {setting}: {message}")]
pub struct ConfigError {
    /// The setting's name (environment variable or file key).
    pub setting: String,
    /// What is wrong with it.
    pub message: String,
}

fn err(setting: &str, message: impl Into<String>) -> ConfigError {
    ConfigError { setting: setting.into(), message: message.into() }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLayer {
    database_url: Option<String>,
    environment: Option<Environment>,
    log_format: Option<LogFormat>,
    public_url: Option<String>,
    session_idle_minutes: Option<u32>,
    session_absolute_hours: Option<u32>,
    sla_window_hours: Option<u32>,
    metrics_flush_seconds: Option<u32>,
    shutdown_grace_seconds: Option<u32>,
    api_rate_per_minute: Option<u32>,
    api_burst: Option<u32>,
    evidence_max_age_days: Option<u32>,
    invoice_grace_hours: Option<u32>,
    ledger_worker: Option<bool>,
}

#[derive(Deserialize)]
struct LeptosToml {
    package: Option<PackageTable>,
}
#[derive(Deserialize)]
struct PackageTable {
    metadata: Option<MetadataTable>,
}
#[derive(Deserialize)]
struct MetadataTable {
    portal: Option<FileLayer>,
}

impl PortalConfig {
    /// Loads from `Leptos.toml` (if present) and the process environment.
    pub fn load(leptos_toml_path: &str) -> Result<Self, ConfigError> {
        let file = std::fs::read_to_string(leptos_toml_path).ok();
        Self::from_sources(file.as_deref(), &|k| std::env::var(k).ok())
    }

    /// Builds from a `Leptos.toml` text and an environment lookup (testable).
    pub fn from_sources(file: Option<&str>, env: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut c = Self::default();
        let mut log_format_set = false;
        if let Some(text) = file {
            let parsed: LeptosToml = toml::from_str(text).map_err(|e| err("Leptos.toml", e.to_string()))?;
            let layer = parsed.package.and_then(|p| p.metadata).and_then(|m| m.portal).unwrap_or_default();
            if let Some(v) = layer.database_url {
                c.database_url = DatabaseUrl(v);
            }
            if let Some(v) = layer.environment {
                c.environment = v;
            }
            if let Some(v) = layer.log_format {
                c.log_format = v;
                log_format_set = true;
            }
            if layer.public_url.is_some() {
                c.public_url = layer.public_url;
            }
            if let Some(v) = layer.session_idle_minutes {
                c.session_idle_minutes = v;
            }
            if let Some(v) = layer.session_absolute_hours {
                c.session_absolute_hours = v;
            }
            if let Some(v) = layer.sla_window_hours {
                c.sla_window_hours = v;
            }
            if let Some(v) = layer.metrics_flush_seconds {
                c.metrics_flush_seconds = v;
            }
            if let Some(v) = layer.shutdown_grace_seconds {
                c.shutdown_grace_seconds = v;
            }
            if let Some(v) = layer.api_rate_per_minute {
                c.api_rate_per_minute = v;
            }
            if let Some(v) = layer.api_burst {
                c.api_burst = v;
            }
            if let Some(v) = layer.evidence_max_age_days {
                c.evidence_max_age_days = v;
            }
            if let Some(v) = layer.invoice_grace_hours {
                c.invoice_grace_hours = v;
            }
            if let Some(v) = layer.ledger_worker {
                c.ledger_worker = v;
            }
        }
        if let Some(v) = env("PORTAL_DATABASE_URL") {
            c.database_url = DatabaseUrl(v);
        }
        if let Some(v) = env("PORTAL_ENV") {
            c.environment = match v.as_str() {
                "development" => Environment::Development,
                "production" => Environment::Production,
                _ => return Err(err("PORTAL_ENV", format!("'{v}' is not 'development' or 'production'"))),
            };
        }
        if let Some(v) = env("PORTAL_LOG_FORMAT") {
            c.log_format = match v.as_str() {
                "pretty" => LogFormat::Pretty,
                "json" => LogFormat::Json,
                _ => return Err(err("PORTAL_LOG_FORMAT", format!("'{v}' is not 'pretty' or 'json'"))),
            };
            log_format_set = true;
        }
        if !log_format_set && c.environment == Environment::Production {
            c.log_format = LogFormat::Json;
        }
        for (name, flag) in [
            ("PORTAL_LEDGER_WORKER", &mut c.ledger_worker),
            ("PORTAL_WEBHOOK_WORKER", &mut c.webhook_worker),
            ("PORTAL_MAINTENANCE_WORKER", &mut c.maintenance_worker),
        ] {
            if let Some(v) = env(name) {
                *flag = match v.as_str() {
                    "true" => true,
                    "false" => false,
                    _ => return Err(err(name, format!("'{v}' is not 'true' or 'false'"))),
                };
            }
        }
        if let Some(v) = env("PORTAL_ALERT_WEBHOOK_URL").filter(|v| !v.trim().is_empty()) {
            c.alert_webhook_url = Some(v);
        }
        c.slo_dir = env("PORTAL_SLO_DIR").filter(|v| !v.trim().is_empty());
        let slos = match &c.slo_dir {
            Some(dir) => crate::ssr::slo::definitions::load_dir(std::path::Path::new(dir)),
            None => crate::ssr::slo::definitions::builtin(),
        };
        c.slos = slos.map_err(|e| err("PORTAL_SLO_DIR", e.to_string()))?;
        if let Some(v) = env("PORTAL_CLIENT_IP_HEADER").filter(|v| !v.trim().is_empty()) {
            c.client_ip_header = Some(v.trim().to_ascii_lowercase());
        }
        if let Some(v) = env("PORTAL_METRICS_TOKEN").filter(|v| !v.trim().is_empty()) {
            c.metrics_token = Some(SecretText(v.trim().to_owned()));
        }
        if let Some(v) = env("PORTAL_ALERT_WEBHOOK_SECRET").filter(|v| !v.trim().is_empty()) {
            c.alert_webhook_secret = Some(SecretText(v));
        }
        if let Some(v) = env("PORTAL_OUTBOUND_ALLOWLIST") {
            c.outbound_allowlist = v
                .split(',')
                .filter(|s| !s.trim().is_empty())
                .map(crate::ssr::webhooks::ssrf::Subnet::parse)
                .collect::<Result<_, _>>()
                .map_err(|e| err("PORTAL_OUTBOUND_ALLOWLIST", e))?;
        }
        if let Some(v) = env("PORTAL_RELEASES_API_URL").filter(|v| !v.trim().is_empty()) {
            c.releases_api_url = v.trim().trim_end_matches('/').to_owned();
        }
        if let Some(v) = env("PORTAL_PUBLIC_URL") {
            c.public_url = Some(v);
        }
        let num = |name: &str, current: u32| -> Result<u32, ConfigError> {
            match env(name) {
                None => Ok(current),
                Some(v) => v.trim().parse().map_err(|_| err(name, format!("'{v}' is not a whole number"))),
            }
        };
        c.session_idle_minutes = num("PORTAL_SESSION_IDLE_MINUTES", c.session_idle_minutes)?;
        c.session_absolute_hours = num("PORTAL_SESSION_ABSOLUTE_HOURS", c.session_absolute_hours)?;
        c.sla_window_hours = num("PORTAL_SLA_WINDOW_HOURS", c.sla_window_hours)?;
        c.metrics_flush_seconds = num("PORTAL_METRICS_FLUSH_SECONDS", c.metrics_flush_seconds)?;
        c.shutdown_grace_seconds = num("PORTAL_SHUTDOWN_GRACE_SECONDS", c.shutdown_grace_seconds)?;
        c.api_rate_per_minute = num("PORTAL_API_RATE_PER_MINUTE", c.api_rate_per_minute)?;
        c.api_burst = num("PORTAL_API_BURST", c.api_burst)?;
        c.tenant_concurrency = num("PORTAL_TENANT_CONCURRENCY", c.tenant_concurrency)?;
        c.request_timeout_seconds = num("PORTAL_REQUEST_TIMEOUT_SECONDS", c.request_timeout_seconds)?;
        c.pack_uploads_per_day = num("PORTAL_PACK_UPLOADS_PER_DAY", c.pack_uploads_per_day)?;
        c.pack_storage_mb = num("PORTAL_PACK_STORAGE_MB", c.pack_storage_mb)?;
        c.evidence_max_age_days = num("PORTAL_EVIDENCE_MAX_AGE_DAYS", c.evidence_max_age_days)?;
        c.invoice_grace_hours = num("PORTAL_INVOICE_GRACE_HOURS", c.invoice_grace_hours)?;
        c.onboarding_abandon_minutes = num("PORTAL_ONBOARDING_ABANDON_MINUTES", c.onboarding_abandon_minutes)?;
        c.validate()?;
        Ok(c)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if !(self.database_url.starts_with("sqlite:")
            || self.database_url.starts_with("postgres://")
            || self.database_url.starts_with("postgresql://"))
        {
            return Err(err("PORTAL_DATABASE_URL", "must start with sqlite: or postgres://"));
        }
        if let Some(url) = &self.public_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            return Err(err("PORTAL_PUBLIC_URL", "must be an http:// or https:// URL"));
        }
        if self.environment == Environment::Production
            && !self.public_url.as_deref().is_some_and(|u| u.starts_with("https://"))
        {
            return Err(err("PORTAL_PUBLIC_URL", "production needs the https:// URL users reach the portal at"));
        }
        if self.session_idle_minutes == 0 {
            return Err(err("PORTAL_SESSION_IDLE_MINUTES", "must be at least 1"));
        }
        if self.session_absolute_hours == 0
            || u64::from(self.session_idle_minutes) > u64::from(self.session_absolute_hours) * 60
        {
            return Err(err(
                "PORTAL_SESSION_ABSOLUTE_HOURS",
                "must be at least 1 and not shorter than the idle timeout",
            ));
        }
        if self.sla_window_hours == 0 {
            return Err(err("PORTAL_SLA_WINDOW_HOURS", "must be at least 1"));
        }
        if self.api_rate_per_minute == 0 {
            return Err(err("PORTAL_API_RATE_PER_MINUTE", "must be at least 1"));
        }
        if self.tenant_concurrency == 0 {
            return Err(err("PORTAL_TENANT_CONCURRENCY", "must be at least 1"));
        }
        if self.request_timeout_seconds == 0 {
            return Err(err("PORTAL_REQUEST_TIMEOUT_SECONDS", "must be at least 1"));
        }
        if self.api_burst == 0 {
            return Err(err("PORTAL_API_BURST", "must be at least 1"));
        }
        if let Some(url) = &self.alert_webhook_url {
            let https = url.starts_with("https://");
            if !(https || url.starts_with("http://")) {
                return Err(err("PORTAL_ALERT_WEBHOOK_URL", "must be an http:// or https:// URL"));
            }
            if self.environment == Environment::Production && !https {
                return Err(err("PORTAL_ALERT_WEBHOOK_URL", "must be https:// in production"));
            }
            match &self.alert_webhook_secret {
                None => return Err(err("PORTAL_ALERT_WEBHOOK_SECRET", "needed with PORTAL_ALERT_WEBHOOK_URL")),
                Some(s) if crate::ssr::webhooks::scheme::Secret::parse(&s.0).is_err() => {
                    return Err(err("PORTAL_ALERT_WEBHOOK_SECRET", "must be whsec_ followed by base64"));
                }
                Some(_) => {}
            }
        }
        if !(self.releases_api_url.starts_with("https://") || self.releases_api_url.starts_with("http://")) {
            return Err(err("PORTAL_RELEASES_API_URL", "must be an http(s):// URL"));
        }
        if self.onboarding_abandon_minutes == 0 {
            return Err(err("PORTAL_ONBOARDING_ABANDON_MINUTES", "must be at least 1"));
        }
        if self.evidence_max_age_days == 0 {
            return Err(err("PORTAL_EVIDENCE_MAX_AGE_DAYS", "must be at least 1"));
        }
        if self.metrics_flush_seconds == 0 {
            return Err(err("PORTAL_METRICS_FLUSH_SECONDS", "must be at least 1"));
        }
        Ok(())
    }

    /// The SSRF guard's policy: http only in development, plus the operator allowlist.
    pub fn outbound(&self) -> crate::ssr::webhooks::ssrf::OutboundPolicy {
        crate::ssr::webhooks::ssrf::OutboundPolicy {
            allow_http: self.environment == Environment::Development,
            allowlist: self.outbound_allowlist.clone(),
        }
    }

    /// Cookies get `Secure` (and the `__Host-` name) when the portal is served over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.as_deref().is_some_and(|u| u.starts_with("https://"))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_passwords() {
        let redact = |url: &str| super::DatabaseUrl(url.to_owned()).redacted();
        assert_eq!(redact("postgres://u:secret@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(redact("sqlite:data/portal.db"), "sqlite:data/portal.db");
        assert!(!format!("{:?}", super::DatabaseUrl("postgres://u:secret@h/db".into())).contains("secret"));
    }

    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn layers_apply_in_order() {
        let file = "[package.metadata.portal]\ndatabase_url = \"sqlite:file.db\"\nsession_idle_minutes = 30\n";
        let c = PortalConfig::from_sources(Some(file), &env_of(&[])).unwrap_or_default();
        assert_eq!(c.database_url, "sqlite:file.db");
        assert_eq!(c.session_idle_minutes, 30);
        let c = PortalConfig::from_sources(Some(file), &env_of(&[("PORTAL_DATABASE_URL", "postgres://x/y")]))
            .unwrap_or_default();
        assert_eq!(c.database_url, "postgres://x/y");
        assert_eq!(c.session_idle_minutes, 30);
    }

    #[test]
    fn bad_settings_are_named() {
        let e = PortalConfig::from_sources(None, &env_of(&[("PORTAL_SESSION_IDLE_MINUTES", "ten")])).unwrap_err();
        assert_eq!(e.setting, "PORTAL_SESSION_IDLE_MINUTES");
        let e = PortalConfig::from_sources(None, &env_of(&[("PORTAL_DATABASE_URL", "mysql://x")])).unwrap_err();
        assert_eq!(e.setting, "PORTAL_DATABASE_URL");
        let e = PortalConfig::from_sources(None, &env_of(&[("PORTAL_ENV", "production")])).unwrap_err();
        assert_eq!(e.setting, "PORTAL_PUBLIC_URL");
        let e = PortalConfig::from_sources(Some("[package.metadata.portal]\nnope = 1\n"), &env_of(&[])).unwrap_err();
        assert_eq!(e.setting, "Leptos.toml");
    }

    #[test]
    fn slos_are_the_builtin_files_or_a_folder_that_must_be_valid() {
        let c = PortalConfig::from_sources(None, &env_of(&[])).unwrap();
        assert_eq!(c.slos.len(), 5);
        let e = PortalConfig::from_sources(None, &env_of(&[("PORTAL_SLO_DIR", "/nonexistent/slo")])).unwrap_err();
        assert_eq!(e.setting, "PORTAL_SLO_DIR");
        assert!(e.message.contains("cannot read the folder"), "{e}");
        let dir = std::env::temp_dir().join(format!("slo-config-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let own = include_str!("../../../slo/availability.yaml").replace("target: 0.9995", "target: 0.999");
        std::fs::write(dir.join("availability.yaml"), &own).unwrap();
        let c = PortalConfig::from_sources(None, &env_of(&[("PORTAL_SLO_DIR", dir.to_str().unwrap())])).unwrap();
        assert_eq!(
            c.slos.iter().map(|s| (s.name.as_str(), s.target_ppm)).collect::<Vec<_>>(),
            [("availability", 999_000)]
        );
        std::fs::write(dir.join("availability.yaml"), own.replace("target: 0.999", "target: 2")).unwrap();
        let e = PortalConfig::from_sources(None, &env_of(&[("PORTAL_SLO_DIR", dir.to_str().unwrap())])).unwrap_err();
        assert!(e.message.contains("availability.yaml: spec.objectives[0].target"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn production_defaults_to_json_and_secure_cookies() {
        let c = PortalConfig::from_sources(
            None,
            &env_of(&[("PORTAL_ENV", "production"), ("PORTAL_PUBLIC_URL", "https://portal.example.com")]),
        )
        .unwrap_or_default();
        assert_eq!(c.log_format, LogFormat::Json);
        assert!(c.secure_cookies());
    }
}
