//! `trust-portal okrs`: the OKR scoreboard, measured now from the database
//! (the same board as the OKRs page and `GET /api/v1/okrs`).

use super::Exit;
use app::domain::okr::KrStatus;
use app::ssr::AppState;

/// Prints the five key results; exit 1 when one is missed (no data is not a miss).
pub async fn run(state: &AppState, json: bool) -> Exit {
    let board = match app::ssr::okrs::board(state).await {
        Ok(b) => b,
        Err(e) => return super::output::report(json, Err(e), ""),
    };
    if json {
        println!("{}", serde_json::json!(board));
    } else {
        for k in &board.key_results {
            println!(
                "KR{} {:<8} {:<48} now: {}",
                k.number,
                k.status.label(),
                k.objective,
                k.current.as_deref().unwrap_or("no data")
            );
            println!("    target: {}; {}; evidence: {}", k.target, k.detail, k.evidence);
        }
        println!("{} of {} key results met", board.met(), board.key_results.len());
    }
    if board.key_results.iter().any(|k| k.status == KrStatus::Missed) { Exit::Failed } else { Exit::Success }
}
