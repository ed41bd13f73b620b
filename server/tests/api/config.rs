//! Leptos.toml loads, and agrees with the build settings cargo-leptos reads from Cargo.toml.

#[test]
fn leptos_toml_loads_and_matches_cargo_metadata() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let opts = server::startup::leptos_options(&format!("{root}/Leptos.toml")).expect("Leptos.toml loads");
    let cargo: toml::Value = std::fs::read_to_string(format!("{root}/Cargo.toml")).unwrap().parse().unwrap();
    let meta = &cargo["workspace"]["metadata"]["leptos"][0];
    assert_eq!(opts.output_name.as_ref(), meta["output-name"].as_str().unwrap());
    assert_eq!(opts.site_root.as_ref(), meta["site-root"].as_str().unwrap());
    assert_eq!(opts.site_pkg_dir.as_ref(), meta["site-pkg-dir"].as_str().unwrap());
    if std::env::var("LEPTOS_SITE_ADDR").is_err() {
        assert_eq!(opts.site_addr.to_string(), meta["site-addr"].as_str().unwrap());
    }
    let portal = app::ssr::config::PortalConfig::load(&format!("{root}/Leptos.toml")).expect("portal settings valid");
    assert!(portal.database_url.starts_with("sqlite:"));
}
