//! Each role's overview ([`crate::domain::overview`]), measured now from the
//! same services as the pages it links to: operator staff see the open alerts
//! (failing repositories, dead letters, overdue remediation, SLO burn, usage
//! anomalies, onboarding drop-off), unfinished onboardings, their figures and
//! the OKR tiles; a tenant sees its own calls, packs, webhooks and invoice;
//! an auditor the engagements they were invited to.

use crate::domain::audit_kit::EngagementState;
use crate::domain::overview::{Attention, Figure, Overview, Tone, month_to_date, trend};
use crate::domain::period::Period;
use crate::domain::status::Verdict;
use crate::domain::{AppError, Role};
use crate::ssr::AppState;
use crate::ssr::identity::auth::Principal;

const DAY_MS: i64 = 86_400_000;
/// What month-to-date figures are compared with.
const SINCE: &str = "on the same days last month";
/// Auditor access ending within this many days is flagged.
const ACCESS_WARNING_DAYS: i64 = 7;
/// The metered event of the Attestation API.
const VERIFY_EVENT: &str = "attestation.verify";

/// `p`'s overview now.
pub async fn build(state: &AppState, p: &Principal) -> Result<Overview, AppError> {
    let mut o = Overview {
        heading: format!("{} · {}", p.role.label(), p.org_name),
        attention: Vec::new(),
        all_clear: String::new(),
        figures: Vec::new(),
        okrs: None,
        measured_at: state.now_ms(),
    };
    match p.role {
        Role::OperatorAdmin | Role::Security | Role::Finance => staff(state, p.role, &mut o).await?,
        Role::TenantAdmin | Role::TenantMember => tenant(state, p, &mut o).await?,
        Role::Auditor => auditor(state, p, &mut o).await?,
    }
    o.attention.sort_by_key(|a| a.tone != Tone::Bad);
    Ok(o)
}

/// Verifications metered this month so far, with the trend, for one tenant or all.
async fn verifications(state: &AppState, org: Option<&str>, href: &str) -> Result<Figure, AppError> {
    let (now, before) = month_to_date(state.now_ms());
    let count = state.db.event_count(VERIFY_EVENT, org, now.from, now.to).await?;
    let earlier = state.db.event_count(VERIFY_EVENT, org, before.from, before.to).await?;
    Ok(Figure {
        label: "Verifications this month".into(),
        value: count.to_string(),
        trend: Some(trend(count, earlier, SINCE)),
        note: "successful Attestation API calls, metered as attestation.verify".into(),
        href: href.into(),
    })
}

async fn staff(state: &AppState, role: Role, o: &mut Overview) -> Result<(), AppError> {
    for alert in crate::ssr::alerting::centre(state).await?.open {
        let (tone, detail) = match &alert.acked_by {
            Some(who) => (Tone::Warn, format!("{} (acknowledged by {who})", alert.message)),
            None => (Tone::Bad, alert.message.clone()),
        };
        o.attention.push(Attention {
            tone,
            title: format!("{}: {}", kind_in_words(&alert.kind), alert.subject),
            detail,
            href: "/alerts".into(),
        });
    }
    if role == Role::OperatorAdmin {
        let funnel =
            crate::domain::onboarding::funnel(&crate::ssr::onboarding::funnel::funnel_sessions(state).await?, &[]);
        if funnel.in_progress > 0 {
            o.attention.push(Attention {
                tone: Tone::Warn,
                title: format!("{} onboarding(s) unfinished", funnel.in_progress),
                detail: "Partners who started the wizard and have not finished it yet.".into(),
                href: "/onboarding".into(),
            });
        }
    }
    o.all_clear = "No open alerts (the alert centre watches policy signatures, dead letters, overdue remediation, SLO burn, usage and onboarding).".into();

    let signature = crate::ssr::policy::status::report(state, None).await?;
    let adoption = Figure {
        label: "Signed policy adoption".into(),
        value: signature.adoption.percent_text(),
        trend: None,
        note: format!("{} of {} active repositories; goal 95%", signature.adoption.adopted, signature.adoption.active),
        href: "/signature-status".into(),
    };
    match role {
        Role::Finance => {
            o.figures.push(verifications(state, None, "/usage").await?);
            let period = Period::containing(o.measured_at);
            let usage = crate::ssr::billing::usage::overview(state, period, None).await?;
            let last = crate::ssr::billing::usage::overview(state, period.previous(), None).await?;
            o.figures.push(Figure {
                label: format!("Invoices {period} (draft)"),
                value: usage.grand_total.to_string(),
                trend: None,
                note: format!(
                    "{} tenant(s); {} last month; {} dead letter(s)",
                    usage.tenants.len(),
                    last.grand_total,
                    usage.dead_letters
                ),
                href: "/usage".into(),
            });
        }
        Role::Security => {
            o.figures.push(adoption);
            let failing = signature
                .repos
                .iter()
                .filter(|r| r.active && r.state != crate::domain::adoption::PolicyState::Signed)
                .count();
            o.figures.push(Figure {
                label: "Repositories not signed".into(),
                value: failing.to_string(),
                trend: None,
                note: "active repositories whose current policy bundle is unsigned, failed or stale".into(),
                href: "/signature-status".into(),
            });
            let findings = state.db.outstanding_findings().await?.len();
            o.figures.push(Figure {
                label: "Audit findings open".into(),
                value: findings.to_string(),
                trend: None,
                note: "open or being remediated, across every engagement".into(),
                href: "/audits".into(),
            });
        }
        _ => {
            let tenants = state.db.tenants().await?.len();
            o.figures.push(Figure {
                label: "Tenants".into(),
                value: tenants.to_string(),
                trend: None,
                note: "partner companies on the portal".into(),
                href: "/tenants".into(),
            });
            o.figures.push(verifications(state, None, "/usage").await?);
            o.figures.push(adoption);
        }
    }
    o.okrs = Some(crate::ssr::okrs::board(state).await?);
    Ok(())
}

/// An alert kind as a reader says it (the code stays on the Alerts page and in the API).
fn kind_in_words(kind: &str) -> &str {
    match kind {
        "policy.failed" => "Policy bundle failed",
        "policy.unsigned" => "No signed policy",
        "policy.stale" => "Policy version behind",
        "policy.off_workflow" => "Signed outside the org workflow",
        crate::ssr::slo::alerts::BURN => "Error budget burning",
        crate::ssr::alert_rules::USAGE_ANOMALY => "Usage anomaly",
        crate::ssr::alert_rules::LEDGER_DEAD_LETTERS => "Usage events parked",
        crate::ssr::alert_rules::WEBHOOK_DEAD_LETTERS => "Webhook messages undelivered",
        crate::ssr::alert_rules::ONBOARDING_DROP_OFF => "Onboarding drop-off",
        crate::ssr::audit_kit::alerts::OVERDUE => "Remediation overdue",
        other => other,
    }
}

async fn tenant(state: &AppState, p: &Principal, o: &mut Overview) -> Result<(), AppError> {
    let org = p.org_id.as_str();
    if let Some(pack) = state.db.packs(org, 1).await?.into_iter().next()
        && pack.status != Verdict::Verified
    {
        o.attention.push(Attention {
            tone: Tone::Bad,
            title: format!("Release pack {}@{} failed verification", pack.repo, pack.tag),
            detail: pack.reason.unwrap_or_else(|| "see the pack's report".into()),
            href: "/packs".into(),
        });
    }
    if p.role == Role::TenantAdmin
        && let Some((_, done)) = state.db.unfinished_onboarding_of(org).await?
    {
        let next =
            crate::domain::onboarding::Step::from_number(done + 1).unwrap_or(crate::domain::onboarding::Step::Finish);
        o.attention.push(Attention {
            tone: Tone::Warn,
            title: format!("Finish onboarding: {done} of 5 steps done"),
            detail: format!(
                "Next: step {} ({}). Continue in the browser you started in, or open your invitation link again; the API key and your plan's features come with step 5.",
                next.number(),
                next.title()
            ),
            href: "/onboard".into(),
        });
    }
    if p.role == Role::TenantAdmin {
        let dead = state.db.dead_deliveries().await?.into_iter().find(|(o, _)| o == org).map_or(0, |(_, n)| n);
        if dead > 0 {
            o.attention.push(Attention {
                tone: Tone::Bad,
                title: format!("{dead} webhook message(s) undelivered"),
                detail: "Your receiver did not accept them after every retry: fix it, then replay them.".into(),
                href: "/webhooks".into(),
            });
        }
    }
    // Only what was checked for this role: members are not shown webhooks or onboarding.
    o.all_clear = if p.role == Role::TenantAdmin {
        "Nothing needs your attention: no failed latest release pack, no undelivered webhook message and no unfinished onboarding."
    } else {
        "Nothing needs your attention: no failed latest release pack."
    }
    .into();

    o.figures.push(verifications(state, Some(org), "/verifications").await?);
    let (now, before) = month_to_date(o.measured_at);
    let rejected =
        |rows: Vec<(String, i64)>| rows.into_iter().filter(|(k, _)| k == "rejected").map(|(_, n)| n).sum::<i64>();
    let count = rejected(state.db.outcome_counts(org, now.from, now.to).await?);
    let earlier = rejected(state.db.outcome_counts(org, before.from, before.to).await?);
    o.figures.push(Figure {
        label: "Rejected calls this month".into(),
        value: count.to_string(),
        trend: Some(trend(count, earlier, SINCE)),
        note: "calls whose evidence did not verify (never billed)".into(),
        href: "/verifications".into(),
    });
    if p.role == Role::TenantAdmin {
        let period = Period::containing(o.measured_at);
        let usage = crate::ssr::billing::usage::overview(state, period, Some(org)).await?;
        if let Some(t) = usage.tenants.first() {
            o.figures.push(Figure {
                label: format!("Invoice {period} (draft)"),
                value: t.invoice.total.to_string(),
                trend: None,
                note: format!("plan {}", t.invoice.plan),
                href: "/usage".into(),
            });
        }
    }
    Ok(())
}

async fn auditor(state: &AppState, p: &Principal, o: &mut Overview) -> Result<(), AppError> {
    let now = o.measured_at;
    for card in crate::ssr::audit_kit::views::cards(state, p).await? {
        let href = format!("/audits/{}", card.id);
        let days_left = (card.access_ends_at - now).div_euclid(DAY_MS);
        if card.state != EngagementState::Accepted && days_left <= ACCESS_WARNING_DAYS {
            o.attention.push(Attention {
                tone: Tone::Warn,
                title: format!("Access to {} ends in {days_left} day(s)", card.name),
                detail: "Ask the engagement's owner for more time if fieldwork is not done.".into(),
                href: href.clone(),
            });
        }
        if card.overdue_findings > 0 {
            o.attention.push(Attention {
                tone: Tone::Bad,
                title: format!("{} finding(s) past their due date in {}", card.overdue_findings, card.name),
                detail: "Remediation is overdue.".into(),
                href: href.clone(),
            });
        }
        o.figures.push(Figure {
            label: card.name.clone(),
            value: format!("{} of {} checks passed", card.checklist.0, card.checklist.1),
            trend: None,
            note: format!("{}, {} open finding(s), {}", card.state.label(), card.open_findings, card.firm),
            href,
        });
    }
    o.all_clear = "Nothing needs your attention.".into();
    Ok(())
}
