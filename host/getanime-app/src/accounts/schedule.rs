//! When changes made here go to the accounts on their own: a few seconds after a list, favorite
//! or rating change (5 s) or a watched mark (10 s), and every 2 minutes while a position is
//! being saved. Several changes in a row make one push, at the earliest time any of them asked.

use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

/// After a list, favorite or rating change.
pub const AFTER_LIST_CHANGE: Duration = Duration::from_secs(5);
/// After an episode is marked watched.
pub const AFTER_WATCHED: Duration = Duration::from_secs(10);
/// While playing: positions are saved every few seconds, sent at most every 2 minutes.
pub const AFTER_POSITION: Duration = Duration::from_secs(120);

/// The next push's time, and a wake-up for the task waiting on it.
#[derive(Debug, Default)]
pub(crate) struct PushSchedule {
    due: Mutex<Option<Instant>>,
    wake: Notify,
}

impl PushSchedule {
    /// A push within `after` (an earlier one already asked for stands).
    pub(crate) fn request(&self, after: Duration) {
        let at = Instant::now() + after;
        let mut due = self.lock();
        if due.is_none_or(|due| at < due) {
            *due = Some(at);
            self.wake.notify_one();
        }
    }

    /// Waits until a push is due, and takes it.
    pub(crate) async fn next(&self) {
        loop {
            let due = *self.lock();
            match due {
                None => self.wake.notified().await,
                Some(at) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(at) => {
                            let mut due = self.lock();
                            if due.is_some_and(|due| due <= Instant::now()) {
                                *due = None;
                                return;
                            }
                        }
                        () = self.wake.notified() => {}
                    }
                }
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        // A time is replaced whole; a poisoned lock still holds a valid one.
        self.due.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn changes_in_a_row_make_one_push_at_the_earliest_time_asked() {
        let schedule = PushSchedule::default();
        let started = Instant::now();
        schedule.request(AFTER_POSITION);
        schedule.request(AFTER_WATCHED);
        schedule.request(AFTER_POSITION);
        schedule.next().await;
        assert_eq!(started.elapsed(), AFTER_WATCHED);
        // Taken: the next one waits for a new request.
        let waiting = tokio::time::timeout(Duration::from_secs(600), schedule.next()).await;
        assert!(waiting.is_err(), "nothing is due without a change");
        schedule.request(AFTER_LIST_CHANGE);
        let asked = Instant::now();
        schedule.next().await;
        assert_eq!(asked.elapsed(), AFTER_LIST_CHANGE);
    }
}
