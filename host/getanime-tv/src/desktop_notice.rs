//! Desktop notifications (the freedesktop Notifications service on the session bus) for what
//! is worth knowing while the window is behind others: new episodes of the titles followed.
//! A TV box has no desktop, so there it is never tried.

/// Shows `text` as a desktop notification, off the UI thread; where no notification service
/// runs (a bare X server, a session without one) nothing happens beyond a line in the log.
pub fn show(runtime: &tokio::runtime::Runtime, tv_box: bool, text: &str) {
    if tv_box {
        return;
    }
    let text = text.to_owned();
    runtime.spawn_blocking(move || {
        let shown = notify_rust::Notification::new()
            .appname("getanime")
            .summary("getanime")
            .body(&text)
            .icon("getanime")
            .show();
        match shown {
            Ok(_) => tracing::info!("desktop notification shown"),
            Err(error) => tracing::debug!("no desktop notification: {error}"),
        }
    });
}
