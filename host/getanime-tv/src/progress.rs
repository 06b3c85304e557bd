//! Sync progress on a terminal (indicatif); silent when stderr is not a terminal or with --json.

use getanime_app::SyncEvent;
use indicatif::{ProgressBar, ProgressStyle};

pub struct SyncBar {
    bar: Option<ProgressBar>,
}

impl SyncBar {
    pub fn new(quiet: bool) -> SyncBar {
        let visible = !quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
        let bar = visible.then(|| {
            let bar = ProgressBar::new_spinner();
            if let Ok(style) =
                ProgressStyle::with_template("{spinner} {prefix} {wide_msg} {pos}/{len}")
            {
                bar.set_style(style);
            }
            bar
        });
        SyncBar { bar }
    }

    pub fn show(&self, event: &SyncEvent) {
        let Some(bar) = &self.bar else { return };
        match event {
            SyncEvent::Started { plugin_id } => {
                bar.set_prefix(plugin_id.clone());
                bar.set_message("latest");
            }
            SyncEvent::Page { page, pages, titles, .. } => {
                bar.set_message(format!(
                    "page {page}{} ({titles} titles)",
                    pages.map(|pages| format!(" of {pages}")).unwrap_or_default()
                ));
                bar.tick();
            }
            SyncEvent::Details { done, total, .. } => {
                bar.set_message("details");
                bar.set_length(*total as u64);
                bar.set_position(*done as u64);
            }
            SyncEvent::Finished { plugin_id } => bar.println(format!("{plugin_id} done")),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
