//! `UsagePanel`: the finance view of metered usage (the sprint plan's
//! component). Pure view of a [`UsageOverview`]: summary, export links, and per
//! tenant an events-per-minute chart (server-rendered SVG), anomaly flag, daily
//! usage, invoice preview, reconciliation and entitlements.

use super::ui;
use crate::components::charts::DailyUsageChart;
use crate::components::{DataTable, EntitlementsNote};
use crate::domain::usage::{TenantUsage, UsageOverview};
use leptos::prelude::*;

/// Chart size in SVG units (one bar per minute).
const CHART_W: i64 = 240;
const CHART_H: i64 = 48;

/// The panel.
#[component]
pub fn UsagePanel(
    /// What to show (from `load_usage_overview`).
    overview: UsageOverview,
) -> impl IntoView {
    let clean = overview.tenants.iter().all(|t| t.reconciliation.is_clean());
    let flagged = overview.tenants.iter().filter(|t| t.anomaly.is_some()).count();
    let export = |format: &str| format!("/usage/export?period={}&format={format}", overview.period);
    let scope = if overview.all_tenants { "All tenants" } else { "Your tenant" };
    view! {
        <section aria-label="Summary" class=format!("{} mb-6 grid gap-4 sm:grid-cols-5", ui::CARD)>
            <Figure label="Scope" value=scope.to_owned() />
            <Figure label="Invoiced (preview)" value=overview.grand_total.to_string() test_id="grand-total" />
            <Figure
                label="Reconciliation"
                value=(if clean { "clean" } else { "mismatch" }).to_owned()
                test_id="reconciliation-status"
            />
            <Figure label="Dead letters" value=overview.dead_letters.to_string() test_id="dlq-depth" />
            <Figure label="Anomalies" value=flagged.to_string() test_id="anomaly-count" />
        </section>
        <p class="mb-6 flex flex-wrap gap-2 text-sm">
            <a class=ui::BUTTON_QUIET href=export("csv") download>"Export invoices (CSV)"</a>
            <a class=ui::BUTTON_QUIET href=export("json") download>"Export invoices (JSON)"</a>
            <span class="self-center text-slate-600">{format!("{} events waiting for the ledger", overview.outbox)}</span>
        </p>
        {overview.tenants.into_iter().map(|t| view! { <TenantSection tenant=t period=overview.period.clone() /> }).collect_view()}
    }
}

#[component]
fn Figure(label: &'static str, value: String, #[prop(optional)] test_id: &'static str) -> impl IntoView {
    view! {
        <div>
            <div class="text-xs uppercase tracking-wide text-slate-600">{label}</div>
            <div class="text-lg font-semibold text-slate-900" data-testid=test_id>{value}</div>
        </div>
    }
}

#[component]
fn TenantSection(tenant: TenantUsage, period: String) -> impl IntoView {
    let TenantUsage { tenant: slug, name, days, per_minute, anomaly, invoice, reconciliation, entitlements } = tenant;
    let heading = format!("{name} ({slug})");
    let title = heading.clone();
    let last_hour: i64 = per_minute.iter().sum();
    let summary = reconciliation.summary();
    let clean = reconciliation.is_clean();
    let invoice_caption = match &invoice.issued {
        Some(issued) => {
            format!(
                "Invoice {}: issued {}; final, later usage of the month is billed as an adjustment.",
                issued.id,
                crate::domain::period::display_time(issued.at)
            )
        }
        None => "Invoice preview: draft, until the month ends and its grace window passes.".to_owned(),
    };
    view! {
        <section aria-label=heading.clone() data-testid="tenant-usage" class=format!("{} mb-6", ui::CARD)>
            <h2 class="mb-2 text-lg font-semibold text-slate-900">
                {title}
                <span class="ml-2 text-sm font-normal text-slate-600">{format!("plan {}", invoice.plan)}</span>
            </h2>
            {anomaly.map(|why| view! {
                <p role="status" data-testid="anomaly" class="mb-2 rounded bg-amber-100 px-2 py-1 text-sm text-amber-900">
                    "Anomaly: " {why}
                </p>
            })}
            <div class="flex flex-wrap items-end gap-6">
                {if last_hour == 0 {
                    view! {
                        <p class="text-sm text-slate-600" data-testid="minute-chart-empty">
                            "No verifications in the last hour: the per-minute chart starts with the next call."
                        </p>
                    }.into_any()
                } else {
                    view! {
                        <figure>
                            <MinuteChart per_minute=per_minute />
                            <figcaption class="text-xs text-slate-600">
                                {format!("Verifications per minute, last hour ({last_hour} in total)")}
                            </figcaption>
                        </figure>
                    }.into_any()
                }}
                <p data-testid="reconciliation" class=if clean { "text-sm text-green-800" } else { "text-sm text-red-800" }>
                    {summary}
                </p>
                <EntitlementsNote entitlements />
            </div>
            <div class="mt-4">
                <DailyUsageChart period days=days.clone() />
            </div>
            <div class="mt-4 grid gap-4 lg:grid-cols-2">
                <div>
                <p data-testid="invoice-status" class="mb-1 text-sm text-slate-700">{invoice_caption}</p>
                <DataTable caption="Invoice" headers=&["Event", "Units", "Unit price", "Amount"]>
                    {invoice.lines.into_iter().map(|l| view! {
                        <tr data-testid="invoice-line">
                            <td class=ui::TD><code>{l.label()}</code></td>
                            <td class=ui::TD>{l.units}</td>
                            <td class=ui::TD>{l.unit_price.to_string()}</td>
                            <td class=ui::TD>{l.amount.to_string()}</td>
                        </tr>
                    }).collect_view()}
                    <tr>
                        <th scope="row" class=ui::TD colspan="3">"Total"</th>
                        <td class=ui::TD data-testid="invoice-total">{invoice.total.to_string()}</td>
                    </tr>
                </DataTable>
                </div>
                <DataTable caption="Usage per day" headers=&["Day (UTC)", "attestation.verify", "portal.download"]>
                    {days.into_iter().map(|d| view! {
                        <tr>
                            <td class=ui::TD>{d.day}</td>
                            <td class=ui::TD>{d.verify}</td>
                            <td class=ui::TD>{d.download}</td>
                        </tr>
                    }).collect_view()}
                </DataTable>
            </div>
        </section>
    }
}

/// One bar per minute, scaled to the busiest minute; integer geometry only.
#[component]
fn MinuteChart(per_minute: Vec<i64>) -> impl IntoView {
    let max = per_minute.iter().copied().max().unwrap_or(0).max(1);
    let n = i64::try_from(per_minute.len()).unwrap_or(1).max(1);
    let bar_w = (CHART_W / n).max(1);
    let label = format!(
        "Bar chart: verifications per minute over the last hour, peak {max} a minute, {} in the last minute",
        per_minute.last().copied().unwrap_or(0)
    );
    view! {
        <svg role="img" aria-label=label width=CHART_W height=CHART_H viewBox=format!("0 0 {CHART_W} {CHART_H}") class="rounded bg-slate-50">
            {per_minute.into_iter().enumerate().map(|(i, v)| {
                let h = (v * CHART_H / max).max(i64::from(v > 0));
                let x = i64::try_from(i).unwrap_or(0) * bar_w;
                view! { <rect x=x y=CHART_H - h width=(bar_w - 1).max(1) height=h class="fill-indigo-600" /> }
            }).collect_view()}
        </svg>
    }
}
