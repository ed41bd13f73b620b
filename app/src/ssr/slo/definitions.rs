//! SLO definitions as OpenSLO v1 files (`slo/*.yaml`).
//!
//! The portal ships the five files of the repository's `slo/` folder inside
//! the binary ([`builtin`]); `PORTAL_SLO_DIR` replaces them with a folder of
//! your own ([`load_dir`]). Either way every file is read and checked when
//! the portal starts, and a file that does not hold exactly what the portal
//! can measure stops the start with the file and the field named.
//!
//! The subset read: `apiVersion: openslo/v1`, `kind: SLO`, `metadata.name`
//! (a slug, unique) and `displayName`, `spec.description`, one rolling
//! `spec.timeWindow`, `budgetingMethod: Occurrences`, one objective's
//! `target` (a fraction, up to 6 decimals), and a `ratioMetric` indicator whose
//! `good` and `total` metric sources have `type: trust-portal` and name the
//! same recorded `events` (`api_requests`, `probes`, `pack_timings`,
//! `webhook_deliveries`, `usage_events`); `good` adds `within:` (a duration)
//! for the timed ones.

use crate::domain::sla::LATENCY_BOUNDS_MS;
use crate::domain::slo::{SliEvents, SloDefinition, parse_duration, parse_target};
use std::collections::BTreeSet;
use std::path::Path;
use yaml_rust2::{Yaml, YamlLoader};

/// The repository's `slo/` files, built into the binary.
const BUILTIN: [(&str, &str); 5] = [
    ("api-latency.yaml", include_str!("../../../../slo/api-latency.yaml")),
    ("availability.yaml", include_str!("../../../../slo/availability.yaml")),
    ("time-to-pack.yaml", include_str!("../../../../slo/time-to-pack.yaml")),
    ("webhook-delivery.yaml", include_str!("../../../../slo/webhook-delivery.yaml")),
    ("ledger-lag.yaml", include_str!("../../../../slo/ledger-lag.yaml")),
];

/// A file that is not a valid SLO for this portal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {field}: {message}")]
pub struct SloFileError {
    /// The file.
    pub file: String,
    /// The field (`spec.objectives[0].target`), or `-` for the whole file.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// The built-in SLOs (the repository's `slo/` folder).
pub fn builtin() -> Result<Vec<SloDefinition>, SloFileError> {
    collect(BUILTIN.iter().map(|(file, text)| ((*file).to_owned(), (*text).to_owned())))
}

/// Every `*.yaml` / `*.yml` file of `dir`, in name order; at least one.
pub fn load_dir(dir: &Path) -> Result<Vec<SloDefinition>, SloFileError> {
    let whole = |message: String| SloFileError { file: dir.display().to_string(), field: "-".into(), message };
    let entries = std::fs::read_dir(dir).map_err(|e| whole(format!("cannot read the folder: {e}")))?;
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(whole("holds no .yaml files".into()));
    }
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|e| SloFileError {
            file: path.display().to_string(),
            field: "-".into(),
            message: format!("cannot read: {e}"),
        })?;
        files.push((path.display().to_string(), text));
    }
    collect(files.into_iter())
}

fn collect(files: impl Iterator<Item = (String, String)>) -> Result<Vec<SloDefinition>, SloFileError> {
    let mut names = BTreeSet::new();
    let mut slos = Vec::new();
    for (file, text) in files {
        let slo = parse(&file, &text)?;
        if !names.insert(slo.name.clone()) {
            return Err(SloFileError {
                file,
                field: "metadata.name".into(),
                message: format!("another file already defines {:?}", slo.name),
            });
        }
        slos.push(slo);
    }
    Ok(slos)
}

/// Reads one OpenSLO file (`file` names it in errors).
pub fn parse(file: &str, text: &str) -> Result<SloDefinition, SloFileError> {
    let fail = |field: &str, message: String| SloFileError { file: file.into(), field: field.into(), message };
    let docs = YamlLoader::load_from_str(text).map_err(|e| fail("-", format!("not YAML: {e}")))?;
    let [doc] = docs.as_slice() else {
        return Err(fail("-", format!("holds {} YAML documents; one SLO per file", docs.len())));
    };
    let text_at = |field: &str, node: &Yaml| -> Result<String, SloFileError> {
        match node.as_str().map(str::trim) {
            Some(s) if !s.is_empty() => Ok(s.to_owned()),
            _ => Err(fail(field, "missing (a non-empty string)".into())),
        }
    };
    let expect = |field: &str, node: &Yaml, want: &str| -> Result<(), SloFileError> {
        match node.as_str() {
            Some(s) if s == want => Ok(()),
            other => Err(fail(field, format!("{other:?}: must be {want:?}"))),
        }
    };
    expect("apiVersion", &doc["apiVersion"], "openslo/v1")?;
    expect("kind", &doc["kind"], "SLO")?;
    let name = text_at("metadata.name", &doc["metadata"]["name"])?;
    crate::domain::text::Slug::parse(&name).map_err(|e| fail("metadata.name", e))?;
    let display_name = text_at("metadata.displayName", &doc["metadata"]["displayName"])?;
    let spec = &doc["spec"];
    let description = text_at("spec.description", &spec["description"])?;
    expect("spec.budgetingMethod", &spec["budgetingMethod"], "Occurrences")?;

    let window = one(&spec["timeWindow"]).ok_or_else(|| fail("spec.timeWindow", "needs exactly one window".into()))?;
    if window["isRolling"].as_bool() != Some(true) {
        return Err(fail("spec.timeWindow[0].isRolling", "must be true (calendar windows are not supported)".into()));
    }
    let window_text = text_at("spec.timeWindow[0].duration", &window["duration"])?;
    let window_ms = parse_duration(&window_text).filter(|ms| *ms >= 3_600_000).ok_or_else(|| {
        fail("spec.timeWindow[0].duration", format!("{window_text:?}: a whole number of m, h, d or w, at least 1h"))
    })?;

    let objective =
        one(&spec["objectives"]).ok_or_else(|| fail("spec.objectives", "needs exactly one objective".into()))?;
    let target_text = match &objective["target"] {
        Yaml::Real(s) | Yaml::String(s) => s.clone(),
        Yaml::Integer(i) => i.to_string(),
        _ => return Err(fail("spec.objectives[0].target", "missing (a fraction such as 0.9995)".into())),
    };
    let target_ppm = parse_target(&target_text).ok_or_else(|| {
        fail("spec.objectives[0].target", format!("{target_text}: a fraction above 0 and below 1, at most 6 decimals"))
    })?;

    let ratio = &spec["indicator"]["spec"]["ratioMetric"];
    if ratio.is_badvalue() {
        return Err(fail("spec.indicator.spec.ratioMetric", "missing (the portal measures ratios of events)".into()));
    }
    let source = |part: &str| -> Result<(SliEvents, Option<i64>), SloFileError> {
        let at = format!("spec.indicator.spec.ratioMetric.{part}.metricSource");
        let src = &ratio[part]["metricSource"];
        expect(&format!("{at}.type"), &src["type"], "trust-portal")?;
        let events_text = text_at(&format!("{at}.spec.events"), &src["spec"]["events"])?;
        let events = SliEvents::parse(&events_text).ok_or_else(|| {
            let known: Vec<&str> = SliEvents::ALL.iter().map(|e| e.as_str()).collect();
            fail(&format!("{at}.spec.events"), format!("{events_text:?}: one of {}", known.join(", ")))
        })?;
        let within = match &src["spec"]["within"] {
            Yaml::BadValue => None,
            node => {
                let t = text_at(&format!("{at}.spec.within"), node)?;
                Some(parse_duration(&t).ok_or_else(|| {
                    fail(&format!("{at}.spec.within"), format!("{t:?}: a whole number of ms, s, m, h or d"))
                })?)
            }
        };
        Ok((events, within))
    };
    let (events, within_ms) = source("good")?;
    let (total_events, total_within) = source("total")?;
    let good_at = "spec.indicator.spec.ratioMetric.good.metricSource.spec";
    if total_events != events {
        return Err(fail(
            "spec.indicator.spec.ratioMetric.total.metricSource.spec.events",
            format!("{}: must count the same events as good ({})", total_events.as_str(), events.as_str()),
        ));
    }
    if total_within.is_some() {
        return Err(fail(
            "spec.indicator.spec.ratioMetric.total.metricSource.spec.within",
            "only good events have a threshold; total counts them all".into(),
        ));
    }
    match (events.needs_threshold(), within_ms) {
        (true, None) => {
            return Err(fail(&format!("{good_at}.within"), format!("{} needs a threshold", events.as_str())));
        }
        (false, Some(_)) => {
            return Err(fail(&format!("{good_at}.within"), format!("{} has no time threshold", events.as_str())));
        }
        _ => {}
    }
    if let (SliEvents::ApiRequests, Some(ms)) = (events, within_ms)
        && !LATENCY_BOUNDS_MS.iter().any(|&edge| i64::from(edge) == ms)
    {
        let edges: Vec<String> = LATENCY_BOUNDS_MS.iter().map(|b| format!("{b}ms")).collect();
        return Err(fail(
            &format!("{good_at}.within"),
            format!(
                "{ms}ms is no edge of the latency histogram, so it cannot be counted exactly: one of {}",
                edges.join(", ")
            ),
        ));
    }
    Ok(SloDefinition { name, display_name, description, events, within_ms, target_ppm, window_ms })
}

/// The single element of a one-element list.
fn one(node: &Yaml) -> Option<&Yaml> {
    match node.as_vec().map(Vec::as_slice) {
        Some([only]) => Some(only),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_files_are_the_sprint_slos() {
        let slos = builtin().expect("the slo/ files parse");
        let summary: Vec<(&str, SliEvents, Option<i64>, u32, i64)> =
            slos.iter().map(|s| (s.name.as_str(), s.events, s.within_ms, s.target_ppm, s.window_ms)).collect();
        let month = 30 * 86_400_000;
        assert_eq!(
            summary,
            [
                ("api-latency", SliEvents::ApiRequests, Some(300), 950_000, month),
                ("availability", SliEvents::Probes, None, 999_500, month),
                ("time-to-pack", SliEvents::PackTimings, Some(8 * 60_000), 500_000, month),
                ("webhook-delivery", SliEvents::WebhookDeliveries, None, 990_000, month),
                ("ledger-lag", SliEvents::UsageEvents, Some(60_000), 999_000, month),
            ]
        );
        assert_eq!(slos[1].target_text(), "99.95%");
    }

    #[test]
    fn a_folder_of_files_loads_in_name_order_and_names_must_be_unique() {
        let dir = tempfile_dir();
        assert!(load_dir(&dir).unwrap_err().message.contains("no .yaml files"));
        std::fs::write(dir.join("b.yaml"), BUILTIN[0].1).unwrap();
        std::fs::write(dir.join("a.yml"), BUILTIN[1].1).unwrap();
        std::fs::write(dir.join("notes.txt"), "not an SLO").unwrap();
        let names: Vec<String> = load_dir(&dir).unwrap().into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["availability", "api-latency"]);
        std::fs::write(dir.join("c.yaml"), BUILTIN[0].1).unwrap();
        let e = load_dir(&dir).unwrap_err();
        assert!(e.file.ends_with("c.yaml") && e.field == "metadata.name", "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("slo-test-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_broken_file_names_the_field() {
        let good = BUILTIN[0].1;
        let cases = [
            ("apiVersion: openslo/v1", "apiVersion: openslo/v2", "apiVersion"),
            ("kind: SLO", "kind: SLI", "kind"),
            ("name: api-latency\n", "name: API Latency\n", "metadata.name"),
            ("target: 0.95", "target: 1.5", "spec.objectives[0].target"),
            ("target: 0.95", "target: 95%", "spec.objectives[0].target"),
            ("target: 0.95", "target: 0.9999995", "spec.objectives[0].target"),
            ("duration: 30d", "duration: 30x", "spec.timeWindow[0].duration"),
            ("duration: 30d", "duration: 5m", "spec.timeWindow[0].duration"),
            ("isRolling: true", "isRolling: false", "spec.timeWindow[0].isRolling"),
            ("budgetingMethod: Occurrences", "budgetingMethod: Timeslices", "spec.budgetingMethod"),
            ("within: 300ms", "within: soon", "spec.indicator.spec.ratioMetric.good.metricSource.spec.within"),
            ("within: 300ms", "within: 275ms", "spec.indicator.spec.ratioMetric.good.metricSource.spec.within"),
            ("              within: 300ms\n", "", "spec.indicator.spec.ratioMetric.good.metricSource.spec.within"),
            ("type: trust-portal", "type: prometheus", "spec.indicator.spec.ratioMetric.good.metricSource.type"),
            (
                "events: api_requests\n              within",
                "events: requests\n              within",
                "spec.indicator.spec.ratioMetric.good.metricSource.spec.events",
            ),
            ("ratioMetric:", "thresholdMetric:", "spec.indicator.spec.ratioMetric"),
            ("  description: Requests", "  summary: Requests", "spec.description"),
        ];
        for (from, to, field) in cases {
            assert!(good.contains(from), "{from:?}");
            let broken = good.replacen(from, to, 1);
            let e = parse("x.yaml", &broken).expect_err(to);
            assert_eq!((e.file.as_str(), e.field.as_str()), ("x.yaml", field), "{to:?}: {e}");
        }
        // The total must count the same events, without a threshold.
        let total = good.rfind("events: api_requests").unwrap();
        let mut swapped = good.to_owned();
        swapped.replace_range(total..total + "events: api_requests".len(), "events: probes");
        let e = parse("x.yaml", &swapped).unwrap_err();
        assert_eq!(e.field, "spec.indicator.spec.ratioMetric.total.metricSource.spec.events", "{e}");
        assert!(parse("x.yaml", "a: [").unwrap_err().message.starts_with("not YAML"));
        assert!(parse("x.yaml", &format!("{good}\n---\n{good}")).unwrap_err().message.contains("2 YAML documents"));
        // Probes have no time threshold.
        let probes = BUILTIN[1].1.replacen("events: probes\n", "events: probes\n              within: 1s\n", 1);
        assert!(parse("x.yaml", &probes).unwrap_err().message.contains("no time threshold"));
    }
}
