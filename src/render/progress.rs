//! Progress on a terminal (indicatif, on stderr): a bar for `issue batch`, and a spinner
//! while a slow key (RSA-3072, RSA-4096) is generated. Nothing at all with `--json` or
//! `-q`, or when stderr is not a terminal (a pipe, a file, CI): scripts see only the
//! output. The bar or spinner is taken off the screen when the work ends, before the
//! result is printed.

use std::io::IsTerminal;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Options;
use crate::issuance::Progress;
use crate::keys::KeyType;

/// How often a bar or spinner is redrawn while the work blocks (a key being generated).
const TICK: Duration = Duration::from_millis(100);

/// Progress drawn on stderr when it is a terminal.
pub struct Terminal {
    /// Whether anything is drawn at all.
    shown: bool,
    /// Whether a run of many certificates gets a bar.
    batch: bool,
    /// The batch's bar.
    bar: Mutex<Option<ProgressBar>>,
    /// The spinner of a slow key outside a batch.
    spinner: Mutex<Option<ProgressBar>>,
}

impl Terminal {
    /// Progress for `issue batch`: a bar, with the slow key being made as its message.
    pub fn batch(options: impl Into<Options>) -> Terminal {
        let mut t = Terminal::keys(options);
        t.batch = true;
        t
    }

    /// Progress for a command that makes one key (`issue`, `ca init`): a spinner while a
    /// slow one is generated.
    pub fn keys(options: impl Into<Options>) -> Terminal {
        let o = options.into();
        Terminal {
            shown: !o.json && !o.quiet && std::io::stderr().is_terminal(),
            batch: false,
            bar: Mutex::new(None),
            spinner: Mutex::new(None),
        }
    }
}

/// Whether generating a key of this type takes long enough to show (about a second or more).
fn slow(t: KeyType) -> bool {
    matches!(t, KeyType::Rsa3072 | KeyType::Rsa4096)
}

/// The bar or spinner, even after a thread that held it panicked.
fn held(p: &Mutex<Option<ProgressBar>>) -> MutexGuard<'_, Option<ProgressBar>> {
    p.lock().unwrap_or_else(|e| e.into_inner())
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
}

impl Progress for Terminal {
    fn start(&self, total: usize) {
        if !self.shown || !self.batch {
            return;
        }
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
        bar.set_style(style("{spinner} issuing {pos}/{len} [{bar:30}] {elapsed} {msg}").progress_chars("=> "));
        bar.tick();
        bar.enable_steady_tick(TICK);
        *held(&self.bar) = Some(bar);
    }

    fn generating(&self, key_type: KeyType) {
        if !self.shown || !slow(key_type) {
            return;
        }
        let what = format!("generating an {key_type} key");
        if let Some(bar) = held(&self.bar).as_ref() {
            bar.set_message(what);
            return;
        }
        let spinner = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        spinner.set_style(style("{spinner} {msg} {elapsed}"));
        spinner.set_message(what);
        spinner.tick();
        spinner.enable_steady_tick(TICK);
        *held(&self.spinner) = Some(spinner);
    }

    fn generated(&self) {
        if let Some(bar) = held(&self.bar).as_ref() {
            bar.set_message("");
        }
        if let Some(spinner) = held(&self.spinner).take() {
            spinner.finish_and_clear();
        }
    }

    fn made(&self) {
        if let Some(bar) = held(&self.bar).as_ref() {
            bar.inc(1);
        }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        for p in [held(&self.bar).take(), held(&self.spinner).take()].into_iter().flatten() {
            p.finish_and_clear();
        }
    }
}
