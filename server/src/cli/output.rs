//! What every subcommand prints and how it exits. One exit vocabulary for
//! the whole CLI ([`Exit`]), documented in `--help`.

use app::domain::{AppError, ErrorCode};
use std::process::ExitCode;

/// The CLI's exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: done (verified, created, up to date).
    Success = 0,
    /// 1: the operation ran and failed (rejected signature, broken chain, failed check).
    Failed = 1,
    /// 2: bad usage or invalid input (nothing was changed).
    Usage = 2,
    /// 3: bad configuration.
    Config = 3,
    /// 4: the database (or the portal asked) is unavailable.
    Unavailable = 4,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

impl Exit {
    /// The exit for a failed service call: invalid input, conflicts and unknown names are usage errors.
    pub fn for_error(e: &AppError) -> Self {
        match e.code {
            ErrorCode::InvalidInput | ErrorCode::Conflict | ErrorCode::NotFound => Exit::Usage,
            _ => Exit::Failed,
        }
    }
}

/// Prints a result (JSON or a human line) and picks the exit code.
pub fn report(json: bool, result: Result<serde_json::Value, AppError>, human: &str) -> Exit {
    match result {
        Ok(v) => {
            if json {
                println!("{v}");
            } else {
                println!("{human}");
                if let Some(obj) = v.as_object() {
                    for (k, val) in obj {
                        if k != "logins" {
                            println!("  {k}: {}", val.as_str().map_or_else(|| val.to_string(), str::to_owned));
                        }
                    }
                }
            }
            Exit::Success
        }
        Err(e) => {
            if json {
                println!("{}", serde_json::json!({ "error": { "code": e.code, "message": e.message } }));
            } else {
                eprintln!("error: {}", e.message);
            }
            Exit::for_error(&e)
        }
    }
}
