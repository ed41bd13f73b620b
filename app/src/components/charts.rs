//! Server-rendered SVG charts for the dashboards: plain `<svg>` elements
//! drawn from measured data ([`crate::domain::chart`] does the arithmetic),
//! so they show without JavaScript; each is a labelled image with its numbers
//! in words beside it.

use crate::domain::call_days::{self, CallDay, ReceiptDay};
use crate::domain::chart::{Plot, nice_max};
use crate::domain::dashboard::{AdoptionPoint, BurnDown, TenantUsage, USAGE_MINUTES};
use crate::domain::onboarding::Funnel;
use crate::domain::period::Period;
use crate::domain::slo::percent_text;
use crate::domain::usage::{DayUsage, month_series};
use leptos::prelude::*;

/// Line colours with at least 4.5:1 contrast on white.
const PALETTE: [&str; 5] = ["#1d4ed8", "#047857", "#7c2d12", "#6b21a8", "#0f766e"];
/// The downloads stacked on verifications (3:1 against white and distinct from [`PALETTE`]'s first).
const DOWNLOADS: &str = "#b45309";
/// Failed calls.
const FAILED: &str = "#b91c1c";
const PLOT: Plot = Plot { width: 600, height: 120 };
/// Room around the plot for the axis labels.
const VIEW_BOX: &str = "-40 -10 660 150";

/// Usage events per minute by tenant over the last hour; red rings mark the
/// minutes a usage-anomaly alert opened.
#[component]
pub fn UsageChart(
    /// Each tenant's minutes.
    usage: Vec<TenantUsage>,
) -> impl IntoView {
    if usage.is_empty() {
        return view! { <p class="text-sm text-slate-600" data-testid="usage-chart-empty">"No usage events in the last hour."</p> }.into_any();
    }
    let max = nice_max(
        usage
            .iter()
            .flat_map(|t| t.per_minute.iter())
            .copied()
            .max()
            .map_or(0, |m| i64::try_from(m).unwrap_or(i64::MAX)),
    );
    let words: Vec<String> = usage
        .iter()
        .map(|t| {
            let total: u64 = t.per_minute.iter().sum();
            let marks =
                if t.anomalies.is_empty() { String::new() } else { format!(", {} anomaly mark(s)", t.anomalies.len()) };
            format!("{} {total} events{marks}", t.tenant)
        })
        .collect();
    let label = format!(
        "Usage events per minute over the last {USAGE_MINUTES} minutes, up to {max} a minute: {}",
        words.join("; ")
    );
    let lines = usage.iter().enumerate().map(|(i, t)| {
        let colour = PALETTE[i % PALETTE.len()];
        let values: Vec<Option<i64>> = t.per_minute.iter().map(|&n| Some(i64::try_from(n).unwrap_or(i64::MAX))).collect();
        let marks = t.anomalies.iter().map(|&m| {
            let (x, y) = (PLOT.x(m, USAGE_MINUTES), PLOT.y(values[m].unwrap_or(0), 0, max));
            view! { <circle cx=x cy=y r="6" fill="none" stroke="#b91c1c" stroke-width="2" data-testid="anomaly-mark" /> }
        }).collect_view();
        view! {
            <polyline points=PLOT.polyline(&values, 0, max) fill="none" stroke=colour stroke-width="2" data-tenant=t.tenant.clone() />
            {marks}
        }
    }).collect_view();
    let legend = usage.iter().enumerate().map(|(i, t)| (t.tenant.clone(), PALETTE[i % PALETTE.len()])).collect();
    view! {
        <ChartFigure test_id="usage-chart" label legend top=max.to_string() left="-60 min" right="now">
            {lines}
        </ChartFigure>
    }
    .into_any()
}

/// Usage per day over a month: one bar per day, verifications with
/// downloads stacked on them; a month without usage says so.
#[component]
pub fn DailyUsageChart(
    /// The month (`YYYY-MM`).
    period: String,
    /// Days with usage (see [`month_series`]).
    days: Vec<DayUsage>,
) -> impl IntoView {
    let Ok(month) = Period::parse(&period) else {
        return ().into_any();
    };
    let series = month_series(month, &days);
    let (verify, download): (i64, i64) =
        (series.iter().map(|d| d.verify).sum(), series.iter().map(|d| d.download).sum());
    if verify + download == 0 {
        return view! { <p class="text-sm text-slate-600" data-testid="daily-usage-empty">{format!("No usage in {period}.")}</p> }.into_any();
    }
    let bars: Vec<DayBar> = series.into_iter().map(|d| DayBar { day: d.day, parts: [d.verify, d.download] }).collect();
    let label = format!(
        "Usage per day in {period}: {verify} verification(s) and {download} download(s) on {}",
        busiest_in_words(&bars)
    );
    view! {
        <StackedDays test_id="daily-usage-chart" label bars names=["Verifications", "Downloads"] colours=[PALETTE[0], DOWNLOADS] />
    }
    .into_any()
}

/// Attestation API calls per day by outcome over the last
/// [`call_days::DAYS`] days: verified, with rejected and invalid requests
/// stacked on them.
#[component]
pub fn CallsChart(
    /// The days, oldest first (see [`call_days::series`]).
    days: Vec<CallDay>,
) -> impl IntoView {
    let (verified, rejected, invalid) =
        days.iter().fold((0, 0, 0), |(v, r, i), d| (v + d.verified, r + d.rejected, i + d.invalid));
    if verified + rejected + invalid == 0 {
        return view! {
            <p class="text-sm text-slate-600" data-testid="calls-chart-empty">
                {format!("No calls in the last {} days.", call_days::DAYS)}
            </p>
        }
        .into_any();
    }
    let bars: Vec<DayBar> =
        days.into_iter().map(|d| DayBar { day: d.day, parts: [d.verified, d.rejected + d.invalid] }).collect();
    let label = format!(
        "Attestation API calls per day over the last {} days: {verified} verified, {rejected} rejected, {invalid} invalid request(s), on {}",
        call_days::DAYS,
        busiest_in_words(&bars)
    );
    view! {
        <StackedDays test_id="calls-chart" label bars names=["Verified", "Rejected or invalid"] colours=[PALETTE[1], FAILED] />
    }
    .into_any()
}

/// Receipts issued per day over the last [`call_days::DAYS`] days: those
/// signed by the key that signs now, with those of retired keys stacked on them.
#[component]
pub fn ReceiptsChart(
    /// The days, oldest first (see [`call_days::receipt_series`]).
    days: Vec<ReceiptDay>,
) -> impl IntoView {
    let (current, retired) = days.iter().fold((0, 0), |(c, r), d| (c + d.current, r + d.retired));
    if current + retired == 0 {
        return view! {
            <p class="text-sm text-slate-600" data-testid="receipts-chart-empty">
                {format!("No receipts in the last {} days: they are issued for verified Attestation API calls.", call_days::DAYS)}
            </p>
        }
        .into_any();
    }
    let bars: Vec<DayBar> = days.into_iter().map(|d| DayBar { day: d.day, parts: [d.current, d.retired] }).collect();
    let label = format!(
        "Receipts issued per day over the last {} days: {current} signed by the current key, {retired} by retired keys, on {}",
        call_days::DAYS,
        busiest_in_words(&bars)
    );
    view! {
        <StackedDays test_id="receipts-chart" label bars names=["Current key", "Retired keys"] colours=[PALETTE[1], PALETTE[2]] />
    }
    .into_any()
}

/// One day's bar: two parts stacked, the first at the bottom.
struct DayBar {
    /// `YYYY-MM-DD`.
    day: String,
    /// The parts' values.
    parts: [i64; 2],
}

/// "N day(s), busiest YYYY-MM-DD (n)": the days with anything and the first busiest one.
fn busiest_in_words(bars: &[DayBar]) -> String {
    let total = |b: &DayBar| b.parts[0] + b.parts[1];
    let active = bars.iter().filter(|b| total(b) > 0).count();
    let busiest = bars.iter().rev().max_by_key(|b| total(b));
    busiest.map_or_else(|| format!("{active} day(s)"), |b| format!("{active} day(s), busiest {} ({})", b.day, total(b)))
}

/// A bar per day with two stacked parts, a legend and the figures in words.
#[component]
fn StackedDays(
    test_id: &'static str,
    label: String,
    bars: Vec<DayBar>,
    names: [&'static str; 2],
    colours: [&'static str; 2],
) -> impl IntoView {
    let max = nice_max(bars.iter().map(|b| b.parts[0] + b.parts[1]).max().unwrap_or(0));
    let slot = PLOT.width / i64::try_from(bars.len()).unwrap_or(1).max(1);
    let (first, last) = (
        bars.first().map(|b| b.day.clone()).unwrap_or_default(),
        bars.last().map(|b| b.day.clone()).unwrap_or_default(),
    );
    let drawn = bars
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            let x = i64::try_from(i).unwrap_or(0) * slot + 1;
            let bottom_top = PLOT.y(b.parts[0], 0, max);
            let top = PLOT.y(b.parts[0] + b.parts[1], 0, max);
            let title = format!(
                "{}: {} {}, {} {}",
                b.day,
                b.parts[0],
                names[0].to_lowercase(),
                b.parts[1],
                names[1].to_lowercase()
            );
            view! {
                <g data-day=b.day>
                    <title>{title}</title>
                    <rect x=x y=bottom_top width=slot - 2 height=PLOT.height - bottom_top fill=colours[0] />
                    <rect x=x y=top width=slot - 2 height=bottom_top - top fill=colours[1] />
                </g>
            }
        })
        .collect_view();
    let legend = names.into_iter().map(str::to_owned).zip(colours).collect();
    view! {
        <ChartFigure test_id label legend top=max.to_string() left=first right=last>
            {drawn}
        </ChartFigure>
    }
}

/// A plot's frame: the SVG with its axes around `children`, the legend, and
/// the figures in words (the image's name, and again for screen readers).
#[component]
fn ChartFigure(
    test_id: &'static str,
    label: String,
    /// Each series' name and colour.
    legend: Vec<(String, &'static str)>,
    top: String,
    #[prop(into)] left: String,
    #[prop(into)] right: String,
    children: Children,
) -> impl IntoView {
    let legend = legend
        .into_iter()
        .map(|(name, colour)| {
            view! {
                <li class="flex items-center gap-1">
                    <span class="inline-block h-2 w-4" style=format!("background:{colour}")></span>
                    {name}
                </li>
            }
        })
        .collect_view();
    view! {
        <figure data-testid=test_id>
            <svg viewBox=VIEW_BOX class="h-40 w-full" role="img" aria-label=label.clone()>
                <Axes top bottom="0" left right />
                {children()}
            </svg>
            <figcaption class="text-sm text-slate-700">
                <ul class="flex flex-wrap gap-4">{legend}</ul>
                <span class="sr-only">{label}</span>
            </figcaption>
        </figure>
    }
}

/// Signed-policy adoption over time, with the 95% goal as a dashed line.
#[component]
pub fn AdoptionChart(
    /// Recorded adoption, oldest first.
    points: Vec<AdoptionPoint>,
) -> impl IntoView {
    let ppm = |p: &AdoptionPoint| if p.active > 0 { Some(p.adopted * 1_000_000 / p.active) } else { None };
    let Some(last) = points.last().copied() else {
        return view! { <p class="text-sm text-slate-600">"Not recorded yet: the server records adoption every hour."</p> }.into_any();
    };
    let now_text = crate::domain::adoption::Adoption { adopted: last.adopted, active: last.active }.percent_text();
    let label = format!(
        "Signed policy adoption over {} point(s), now {now_text} ({} of {} active repositories); goal 95%",
        points.len(),
        last.adopted,
        last.active
    );
    let values: Vec<Option<i64>> = points.iter().map(ppm).collect();
    let goal_y = PLOT.y(950_000, 0, 1_000_000);
    view! {
        <figure data-testid="adoption-chart">
            <svg viewBox=VIEW_BOX class="h-40 w-full" role="img" aria-label=label.clone()>
                <Axes top="100%".to_owned() bottom="0%" left="30 d ago" right="now" />
                <line x1="0" x2=PLOT.width y1=goal_y y2=goal_y stroke="#64748b" stroke-dasharray="4 4" />
                <polyline points=PLOT.polyline(&values, 0, 1_000_000) fill="none" stroke=PALETTE[1] stroke-width="2" />
                {(values.len() == 1).then(|| view! { <circle cx="0" cy=PLOT.y(values[0].unwrap_or(0), 0, 1_000_000) r="4" fill=PALETTE[1] /> })}
            </svg>
            <figcaption class="text-sm text-slate-700">{label}</figcaption>
        </figure>
    }
    .into_any()
}

/// The onboarding funnel: per step, sessions that reached it and completed it.
#[component]
pub fn FunnelChart(
    /// The funnel.
    funnel: Funnel,
) -> impl IntoView {
    let max = i64::from(funnel.started.max(1));
    let row_height = 22;
    let height = row_height * i64::try_from(funnel.steps.len()).unwrap_or(0);
    let label = format!(
        "Onboarding funnel: {} started, {} completed, {} abandoned; {}",
        funnel.started,
        funnel.completed,
        funnel.abandoned,
        funnel
            .steps
            .iter()
            .map(|s| format!("step {} {}: {} reached, {} completed", s.step, s.title, s.reached, s.completed))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let bars = funnel.steps.iter().enumerate().map(|(i, s)| {
        let y = i64::try_from(i).unwrap_or(0) * row_height;
        let w = |n: u32| i64::from(n) * 400 / max;
        view! {
            <text x="0" y=y + 15 font-size="12" fill="#0f172a">{format!("{}. {}", s.step, s.title)}</text>
            <rect x="200" y=y + 3 width=w(s.reached) height="16" fill="#c7d2fe" />
            <rect x="200" y=y + 3 width=w(s.completed) height="16" fill="#4338ca" />
            <text x=210 + w(s.reached) y=y + 15 font-size="12" fill="#0f172a">{format!("{} / {}", s.completed, s.reached)}</text>
        }
    }).collect_view();
    view! {
        <figure data-testid="funnel-chart">
            <svg viewBox=format!("0 0 660 {height}") class="w-full" role="img" aria-label=label.clone()>{bars}</svg>
            <figcaption class="text-sm text-slate-700">"Dark: completed; light: reached."<span class="sr-only">{label}</span></figcaption>
        </figure>
    }
}

/// Each SLO's error budget left at the end of each sprint day.
#[component]
pub fn BurnDownChart(
    /// The SLO's budget per day.
    slo: BurnDown,
) -> impl IntoView {
    let last = slo.remaining_ppm.last().copied().flatten();
    let now_text = last.map_or_else(
        || "no data".to_owned(),
        |p| {
            if p < 0 {
                format!("overspent by {}", percent_text(p.unsigned_abs()))
            } else {
                percent_text(p.unsigned_abs())
            }
        },
    );
    let label = format!(
        "{}: error budget left over the last {} days, now {now_text}",
        slo.display_name,
        slo.remaining_ppm.len()
    );
    let small = Plot { width: 280, height: 60 };
    view! {
        <figure data-testid="burn-down" data-slo=slo.slo.clone() class="rounded border border-slate-200 p-2">
            <svg viewBox="-4 -4 288 68" class="h-16 w-full" role="img" aria-label=label.clone()>
                <rect x="0" y="0" width=small.width height=small.height fill="#f8fafc" />
                <polyline points=small.polyline(&slo.remaining_ppm, 0, 1_000_000) fill="none" stroke=PALETTE[0] stroke-width="2" />
            </svg>
            <figcaption class="text-sm text-slate-700">{label}</figcaption>
        </figure>
    }
}

/// Axis labels around [`PLOT`].
#[component]
fn Axes(top: String, bottom: &'static str, #[prop(into)] left: String, #[prop(into)] right: String) -> impl IntoView {
    view! {
        <line x1="0" y1=PLOT.height x2=PLOT.width y2=PLOT.height stroke="#94a3b8" />
        <line x1="0" y1="0" x2="0" y2=PLOT.height stroke="#94a3b8" />
        <text x="-4" y="4" font-size="11" text-anchor="end" fill="#334155">{top}</text>
        <text x="-4" y=PLOT.height font-size="11" text-anchor="end" fill="#334155">{bottom}</text>
        <text x="0" y=PLOT.height + 16 font-size="11" fill="#334155">{left}</text>
        <text x=PLOT.width y=PLOT.height + 16 font-size="11" text-anchor="end" fill="#334155">{right}</text>
    }
}
