//! The `allot` binary: parse arguments, run, map the outcome to an exit code.
//!
//! Exit codes: 0 clean, 1 findings (or an infeasible plan), 2 bad input or usage.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;

mod cli;

/// mimalloc instead of the system allocator: readers and the overlap pass allocate and free
/// millions of small blocks (BENCHMARKS.md, "The allocator").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Ctrl-C or a SIGTERM while an output is being written: remove the temporary file (the
    // destination is untouched until the rename) and exit 130, as shells do for SIGINT.
    let _ = ctrlc::set_handler(|| {
        allot::write::remove_temporaries();
        std::process::exit(130);
    });
    let opts = cli::Opts::parse();
    match cli::run(opts) {
        Ok(cli::Outcome::Clean) => ExitCode::SUCCESS,
        Ok(cli::Outcome::Findings) => ExitCode::from(1),
        Err(e) => {
            let broken_pipe = e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            cli::messages::error(format_args!("{e:#}"));
            ExitCode::from(2)
        }
    }
}
