//! `/onboarding`: operator admins invite partners and watch the onboarding
//! funnel: sessions reaching and completing each step (a bar chart with the
//! numbers beside it), drop-off, median and p90 time from invitation to a
//! completed onboarding, the success rate, and the commonest failures, each
//! against the sprint goals (<= 1 h, >= 90%).

use crate::api::onboarding::{
    CreateInvitation, OnboardingReport, RenewInvitation, onboarding_overview, take_new_invitation,
};
use crate::components::ui;
use crate::components::{DataTable, ErrorNotice, action_feedback, cleared_on_success};
use crate::domain::onboarding::{Funnel, TARGET_SECONDS, TARGET_SUCCESS_PCT, human_duration};
use crate::domain::period::display_time;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/onboarding`. See [`super`] for why pages create their data in `view`.
pub struct OnboardingPage;

#[lazy_route]
impl LazyRoute for OnboardingPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let create = ServerAction::<CreateInvitation>::new();
        let renew = ServerAction::<RenewInvitation>::new();
        let overview =
            Resource::new(move || (create.version().get(), renew.version().get()), |_| onboarding_overview());
        let flashed = Resource::new(|| (), |_| take_new_invitation());
        view! {
            <Title text="Onboarding · Trust Portal" />
            <h1 class=ui::H1>"Onboarding"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let link = create
                        .value()
                        .get()
                        .and_then(Result::ok)
                        .or_else(|| renew.value().get().and_then(Result::ok))
                        .or(flashed.await.ok().flatten());
                    match overview.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok(o) => view! { <Overview o create renew link /> }.into_any(),
                    }
                })}
            </Suspense>
        }
        .into_any()
    }
}

#[component]
fn Overview(
    o: OnboardingReport,
    create: ServerAction<CreateInvitation>,
    renew: ServerAction<RenewInvitation>,
    link: Option<String>,
) -> impl IntoView {
    view! {
        <div class="space-y-6">
            <InviteForm create link />
            <Targets funnel=o.funnel.clone() />
            <FunnelChart funnel=o.funnel.clone() />
            <section class=ui::CARD aria-labelledby="reasons-heading">
                <h2 id="reasons-heading" class="mb-2 text-lg font-semibold">"Common failures"</h2>
                {if o.funnel.failure_reasons.is_empty() {
                    view! { <p class="text-sm text-slate-600">"No failed checks yet."</p> }.into_any()
                } else {
                    view! {
                        <ol class="list-decimal pl-6 text-sm" data-testid="failure-reasons">
                            {o.funnel.failure_reasons.iter().take(8).map(|(r, n)| view! { <li><code>{r.clone()}</code> " × " {*n}</li> }).collect_view()}
                        </ol>
                    }.into_any()
                }}
            </section>
            <DataTable caption="Sessions" headers=&["Invited", "Tenant", "Step", "State", "Time to onboard", "Last activity"]>
                {o.sessions.into_iter().map(|s| view! {
                    <tr data-testid="session-row">
                        <td class=ui::TD>{s.label}</td>
                        <td class=ui::TD>{s.tenant.unwrap_or_else(|| "-".into())}</td>
                        <td class=ui::TD>{s.step}</td>
                        <td class=ui::TD>{s.state}</td>
                        <td class=ui::TD>{s.seconds.map_or_else(|| "-".into(), human_duration)}</td>
                        <td class=ui::TD>{display_time(s.updated_at)}</td>
                    </tr>
                }).collect_view()}
            </DataTable>
            {action_feedback(renew, "New link created.")}
            <DataTable caption="Invitations" headers=&["For", "Created", "Expires", "State", "New link requested", ""]>
                {o.invitations.into_iter().map(|i| {
                    let renewable = i.state != "used";
                    let id = i.id.clone();
                    view! {
                        <tr data-testid="invitation-row">
                            <td class=ui::TD>{i.label}</td>
                            <td class=ui::TD>{display_time(i.created_at)}</td>
                            <td class=ui::TD>{display_time(i.expires_at)}</td>
                            <td class=ui::TD>{i.state}</td>
                            <td class=ui::TD>{i.renewal.map(|(at, note)| format!("{}: {note}", display_time(at)))}</td>
                            <td class=ui::TD>
                                {renewable.then(|| view! {
                                    <ActionForm action=renew>
                                        <input type="hidden" name="id" value=id />
                                        <button type="submit" class=ui::BUTTON_QUIET>"New link (7 days)"</button>
                                    </ActionForm>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </DataTable>
        </div>
    }
}

#[component]
fn InviteForm(create: ServerAction<CreateInvitation>, link: Option<String>) -> impl IntoView {
    view! {
        <section class=ui::CARD aria-labelledby="invite-heading">
            <h2 id="invite-heading" class="mb-3 text-lg font-semibold">"Invite a partner"</h2>
            <ActionForm action=create node_ref=cleared_on_success(create) attr:class="flex flex-wrap items-end gap-3">
                <div class="min-w-64 flex-1">
                    <label for="invite-label" class=ui::LABEL>"Company or contact"</label>
                    <input id="invite-label" name="label" required maxlength="100" class=ui::INPUT />
                </div>
                <div>
                    <label for="invite-days" class=ui::LABEL>"Valid for (days)"</label>
                    <input id="invite-days" name="days" type="number" min="1" max="30" value="7" required class=ui::INPUT />
                </div>
                <button type="submit" class=ui::BUTTON>"Create invitation link"</button>
            </ActionForm>
            <div class="mt-3">{action_feedback(create, "Invitation created.")}</div>
            {link.map(|l| view! {
                <div role="status" class="mt-3 rounded-md border border-green-300 bg-green-50 p-3 text-sm text-green-900">
                    <p class="font-semibold">"Send this link to the partner. It is shown once and works until it expires or onboarding completes."</p>
                    <code class="mt-1 block break-all rounded bg-white p-2" data-testid="invite-link">{l}</code>
                </div>
            })}
        </section>
    }
}

fn verdict(met: Option<bool>) -> (&'static str, &'static str) {
    match met {
        Some(true) => ("met", "text-green-800"),
        Some(false) => ("not met", "text-red-800"),
        None => ("no data yet", "text-slate-600"),
    }
}

#[component]
fn Targets(funnel: Funnel) -> impl IntoView {
    let (time_word, time_class) = verdict(funnel.time_target_met());
    let (rate_word, rate_class) = verdict(funnel.success_target_met());
    let stat = |label: &'static str, value: String, testid: &'static str| {
        view! {
            <div class=ui::CARD>
                <p class="text-xs uppercase text-slate-600">{label}</p>
                <p class="text-2xl font-semibold" data-testid=testid>{value}</p>
            </div>
        }
    };
    view! {
        <div class="grid gap-3 sm:grid-cols-4">
            {stat("Started", funnel.started.to_string(), "funnel-started")}
            {stat("Completed", funnel.completed.to_string(), "funnel-completed")}
            {stat("Abandoned", funnel.abandoned.to_string(), "funnel-abandoned")}
            {stat("In progress", funnel.in_progress.to_string(), "funnel-in-progress")}
        </div>
        <div class="grid gap-3 sm:grid-cols-2">
            <div class=ui::CARD>
                <p class="text-xs uppercase text-slate-600">"Time from invitation to completion"</p>
                <p class="text-lg" data-testid="funnel-times">
                    "median " {funnel.median_seconds.map_or_else(|| "-".into(), human_duration)}
                    " · p90 " {funnel.p90_seconds.map_or_else(|| "-".into(), human_duration)}
                </p>
                <p class=format!("text-sm {time_class}")>{format!("Goal: p90 within {}: {time_word}", human_duration(TARGET_SECONDS))}</p>
            </div>
            <div class=ui::CARD>
                <p class="text-xs uppercase text-slate-600">"Success rate (completed of completed + abandoned)"</p>
                <p class="text-lg" data-testid="funnel-success">{funnel.success_pct.map_or_else(|| "-".into(), |p| format!("{p}%"))}</p>
                <p class=format!("text-sm {rate_class}")>{format!("Goal: at least {TARGET_SUCCESS_PCT}%: {rate_word}")}</p>
            </div>
        </div>
    }
}

/// Horizontal bars: sessions that reached each step (light) and completed it (dark).
#[component]
fn FunnelChart(funnel: Funnel) -> impl IntoView {
    let top = funnel.steps.first().map_or(0, |s| s.reached).max(1);
    view! {
        <section class=ui::CARD aria-labelledby="funnel-heading">
            <h2 id="funnel-heading" class="mb-3 text-lg font-semibold">"Funnel"</h2>
            <ol class="space-y-3" data-testid="funnel">
                {funnel.steps.into_iter().map(|s| {
                    let reached_pct = s.reached * 100 / top;
                    let completed_pct = s.completed * 100 / top;
                    view! {
                        <li data-testid=format!("funnel-step-{}", s.step)>
                            <p class="text-sm">
                                <span class="font-semibold">{format!("{}. {}", s.step, s.title)}</span>
                                {format!(": reached {}, completed {}, dropped here {}", s.reached, s.completed, s.dropped)}
                            </p>
                            <div class="relative mt-1 h-4 rounded bg-slate-100" aria-hidden="true">
                                <div class="absolute inset-y-0 left-0 rounded bg-indigo-200" style=format!("width: {reached_pct}%")></div>
                                <div class="absolute inset-y-0 left-0 rounded bg-indigo-700" style=format!("width: {completed_pct}%")></div>
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}
