//! `SlaBadge`: p95 latency and uptime of the Attestation API, green when both
//! meet the SLA (p95 <= 300 ms, uptime >= 99.95 %), amber otherwise.

use crate::api::sla::load_sla_status;
use crate::domain::sla::{SlaStatus, format_ppm};
use leptos::prelude::*;

/// Loads the SLA numbers from the server and shows them.
#[component]
pub fn SlaBadge() -> impl IntoView {
    let status = Resource::new(|| (), |_| load_sla_status());
    view! {
        <Suspense fallback=|| view! { <span class="text-xs text-slate-500">"SLA …"</span> }>
            {move || Suspend::new(async move {
                match status.await {
                    Ok(s) => view! { <SlaBadgeView status=s /> }.into_any(),
                    Err(_) => view! {
                        <span data-testid="sla-badge" class="rounded-2xl bg-slate-100 px-2 py-1 text-xs text-slate-700">
                            "SLA unavailable"
                        </span>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Renders given SLA numbers (pure; the window and sample count show on hover).
#[component]
pub fn SlaBadgeView(
    /// The numbers to show.
    status: SlaStatus,
) -> impl IntoView {
    let green = status.is_green();
    let p95 = match status.p95_ms {
        None => "no data".to_owned(),
        Some(u32::MAX) => "> 10 s".to_owned(),
        Some(ms) => format!("{ms} ms"),
    };
    let uptime = status.uptime_ppm.map_or_else(|| "no data".to_owned(), format_ppm);
    let title = format!(
        "Attestation API: {} (p95 is its histogram bucket's upper bound; uptime from probes made outside the server). Target: p95 <= 300 ms, uptime >= 99.95%.",
        status.summary()
    );
    let class = if green {
        "rounded-2xl bg-green-100 px-2 py-1 text-xs font-medium text-green-900 ring-1 ring-green-600/30"
    } else {
        "rounded-2xl bg-amber-100 px-2 py-1 text-xs font-medium text-amber-900 ring-1 ring-amber-600/30"
    };
    view! {
        <span
            data-testid="sla-badge"
            data-state=if green { "green" } else { "amber" }
            data-samples=status.samples.to_string()
            class=class
            title=title.clone()
            aria-label=format!("SLA: p95 {p95}, uptime {uptime}. {title}")
        >
            {format!("p95 {p95} • {uptime}")}
        </span>
    }
}
