//! Everything allot prints to stderr, and `--quiet`: errors, notes and the progress spinner.
//!
//! Errors are always printed (one line, `allot: ...`); notes and the spinner only without
//! `--quiet`; a command's report too when its output goes to stdout (`-o -`). No other module
//! of the binary writes to stderr. Everything is escaped with [`super::escape_controls`], so
//! an id or file name from the input cannot steer the terminal.

use std::io::Write;

/// Prints an error line: `allot: TEXT` (shown even with `--quiet`).
pub fn error(text: impl std::fmt::Display) {
    eprintln!("allot: {}", super::escape_controls(&text.to_string()));
}

/// Prints each warning as `allot: warning: TEXT` (also with `--quiet`: a warning says the
/// run may not be what was meant), with control characters from the input escaped.
pub fn warnings(list: &[allot::Warning]) {
    for w in list {
        eprintln!("allot: warning: {}", super::escape_controls(&w.message));
    }
}

/// Prints a note line, `allot: TEXT`, unless `quiet`.
pub fn note(quiet: bool, text: impl std::fmt::Display) {
    if !quiet {
        eprintln!("allot: {}", super::escape_controls(&text.to_string()));
    }
}

/// Prints a command's report to stderr (used when stdout carries an output, `-o -`), shown
/// even with `--quiet` like the report on stdout would be.
pub fn report(text: &str) -> anyhow::Result<()> {
    let mut err = std::io::stderr().lock();
    err.write_all(super::escape_controls(text).as_bytes())?;
    err.flush()?;
    Ok(())
}

/// A spinner on stderr naming the stage at work, for runs long enough to wonder about.
///
/// Hidden with `--quiet`, and (by indicatif) whenever stderr is not a terminal, so pipes,
/// CI logs and tests never see it. It appears only after the first second, so quick runs
/// stay silent.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    /// A spinner, or nothing when `quiet`.
    pub fn new(quiet: bool) -> Progress {
        let bar = (!quiet).then(|| {
            let bar = indicatif::ProgressBar::with_draw_target(
                None,
                indicatif::ProgressDrawTarget::hidden(),
            );
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {elapsed:>3} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            // Show it only once the run has taken a second.
            let later = bar.clone();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_secs(1));
                if !later.is_finished() {
                    later.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                    later.enable_steady_tick(std::time::Duration::from_millis(120));
                }
            });
            bar
        });
        Progress { bar }
    }

    /// Names the stage now running.
    pub fn stage(&self, message: impl Into<String>) {
        if let Some(bar) = &self.bar {
            bar.set_message(message.into());
        }
    }

    /// Removes the spinner.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
