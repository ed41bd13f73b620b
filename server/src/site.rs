//! Where the portal finds its runtime Leptos options and its site (the
//! compiled wasm, CSS and public files), so the release binary runs from any
//! directory:
//!
//! - in a checkout, `Leptos.toml` in the working directory (what `make run`
//!   and the tests use);
//! - anywhere else, built-in defaults with the site beside the binary
//!   (`site/`, `../site` or `../share/trust-portal/site`, the layouts `make
//!   dist` and the Dockerfile produce), production mode.
//!
//! `LEPTOS_SITE_ROOT`, `LEPTOS_SITE_ADDR`, `LEPTOS_OUTPUT_NAME` and
//! `LEPTOS_ENV` override either.

use leptos::config::{Env, LeptosOptions, get_configuration};
use std::path::{Path, PathBuf};

/// The runtime options: from `leptos_toml` when that file exists here, else
/// the release defaults. `Err` says what is wrong in words.
pub fn options(leptos_toml: &str) -> Result<LeptosOptions, String> {
    if Path::new(leptos_toml).is_file() {
        return get_configuration(Some(leptos_toml))
            .map(|c| c.leptos_options)
            .map_err(|e| format!("{leptos_toml}: {e}"));
    }
    release_options(&|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()), std::env::current_exe().ok())
}

/// The release defaults, `LEPTOS_*` from `env` overriding them (testable).
pub fn release_options(env: &dyn Fn(&str) -> Option<String>, exe: Option<PathBuf>) -> Result<LeptosOptions, String> {
    let site_root = match env("LEPTOS_SITE_ROOT") {
        Some(root) => root,
        None => site_beside(exe.as_deref()).display().to_string(),
    };
    let addr = env("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
    let site_addr: std::net::SocketAddr = addr.parse().map_err(|e| format!("LEPTOS_SITE_ADDR {addr:?}: {e}"))?;
    let mode = match env("LEPTOS_ENV").as_deref().map(str::to_ascii_uppercase).as_deref() {
        None | Some("PROD" | "PRODUCTION") => Env::PROD,
        Some("DEV" | "DEVELOPMENT") => Env::DEV,
        Some(other) => return Err(format!("LEPTOS_ENV {other:?}: use PROD or DEV")),
    };
    Ok(LeptosOptions::builder()
        .output_name(env("LEPTOS_OUTPUT_NAME").unwrap_or_else(|| "trust-portal".into()))
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .site_addr(site_addr)
        .env(mode)
        .build())
}

/// The first site folder (one holding `pkg/`) beside the binary, or the
/// first place looked when there is none (serving then says so).
fn site_beside(exe: Option<&Path>) -> PathBuf {
    let Some(dir) = exe.and_then(Path::parent) else {
        return PathBuf::from("site");
    };
    let candidates = [dir.join("site"), dir.join("../site"), dir.join("../share/trust-portal/site")];
    candidates
        .iter()
        .find(|c| c.join("pkg").is_dir())
        .map_or_else(|| candidates[0].clone(), |c| c.canonicalize().unwrap_or_else(|_| c.clone()))
}

/// Before serving: the site's compiled files are where the options say, or
/// why not in words (without them every page still works, without JavaScript).
pub fn check_site(options: &LeptosOptions) -> Result<(), String> {
    let wasm = Path::new(&*options.site_root).join(&*options.site_pkg_dir).join(format!("{}.js", options.output_name));
    if wasm.is_file() {
        Ok(())
    } else {
        Err(format!(
            "the site is missing: no {} (build it with `make build` or `make dist`, or set LEPTOS_SITE_ROOT to the folder holding pkg/)",
            wasm.display()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn a_release_directory_finds_its_site_beside_the_binary() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("bin")).unwrap();
        std::fs::create_dir_all(dir.path().join("site/pkg")).unwrap();
        let exe = dir.path().join("bin/trust-portal");
        let o = release_options(&env_of(&[]), Some(exe.clone())).unwrap();
        assert_eq!(Path::new(&*o.site_root), dir.path().join("site").canonicalize().unwrap());
        assert_eq!(
            (o.env.clone(), o.site_addr.to_string(), &*o.output_name),
            (Env::PROD, "127.0.0.1:3000".into(), "trust-portal")
        );
        assert!(check_site(&o).unwrap_err().contains("trust-portal.js"), "pkg/ is there but not the build");
        std::fs::write(dir.path().join("site/pkg/trust-portal.js"), "").unwrap();
        assert_eq!(check_site(&o), Ok(()));
    }

    #[test]
    fn the_environment_overrides_and_bad_values_are_named() {
        let env =
            [("LEPTOS_SITE_ROOT", "/srv/portal/site"), ("LEPTOS_SITE_ADDR", "0.0.0.0:8080"), ("LEPTOS_ENV", "dev")];
        let o = release_options(&env_of(&env), None).unwrap();
        assert_eq!((&*o.site_root, o.site_addr.port(), o.env.clone()), ("/srv/portal/site", 8080, Env::DEV));
        let e = release_options(&env_of(&[("LEPTOS_SITE_ADDR", "localhost")]), None).unwrap_err();
        assert!(e.starts_with("LEPTOS_SITE_ADDR \"localhost\""), "{e}");
        let e = release_options(&env_of(&[("LEPTOS_ENV", "staging")]), None).unwrap_err();
        assert!(e.contains("PROD or DEV"), "{e}");
    }
}
