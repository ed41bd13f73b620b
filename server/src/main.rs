//! `trust-portal`: the portal server and its command-line interface.

/// mimalloc instead of glibc's allocator: the request path allocates many small, short-lived
/// buffers (JSON, DER, base64), and glibc's malloc, free and consolidation were about 8% of the
/// server's CPU per verification in a profile (`bench/http-verify.sh`, issue 19).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    server::cli::main().into()
}
