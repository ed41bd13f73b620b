//! `trust-portal`: the portal server and its command-line interface.

fn main() -> std::process::ExitCode {
    server::cli::main().into()
}
