//! Requests per second and per minute toward one tracker, enforced by the host for all the
//! plugin's calls together (trackers limit per IP, so every profile shares one budget: the
//! runtime keeps one limiter per plugin). It runs on a [`PaceClock`]: tokio's (so a test with a
//! paused clock sees the waits without waiting) or a simulated one whose waits pass at once,
//! for tests that drain hundreds of changes through real requests.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant};

use getanime_domain::RateLimit;
use tokio::sync::Mutex;

/// The clock the rate limits wait on.
#[derive(Debug, Clone, Default)]
pub struct PaceClock {
    simulated: Option<Arc<Simulated>>,
}

#[derive(Debug)]
struct Simulated {
    start: Instant,
    elapsed: std::sync::Mutex<Duration>,
}

impl PaceClock {
    /// A clock that only moves when a limit waits, and then at once: a test sees every wait
    /// (its [`elapsed`](PaceClock::elapsed) time) without spending it.
    pub fn simulated() -> PaceClock {
        let simulated =
            Simulated { start: Instant::now(), elapsed: std::sync::Mutex::new(Duration::ZERO) };
        PaceClock { simulated: Some(Arc::new(simulated)) }
    }

    /// The simulated time waited so far (zero for tokio's clock).
    pub fn elapsed(&self) -> Duration {
        self.simulated.as_ref().map_or(Duration::ZERO, |simulated| simulated.elapsed())
    }

    /// Moves a simulated clock on, as time passing between syncs (nothing for tokio's clock).
    pub fn advance(&self, by: Duration) {
        if let Some(simulated) = &self.simulated {
            *simulated.elapsed.lock().unwrap_or_else(PoisonError::into_inner) += by;
        }
    }

    fn now(&self) -> Instant {
        match &self.simulated {
            Some(simulated) => simulated.start + simulated.elapsed(),
            None => tokio::time::Instant::now().into_std(),
        }
    }

    async fn sleep_until(&self, until: Instant) {
        match &self.simulated {
            Some(simulated) => {
                let mut elapsed = simulated.elapsed.lock().unwrap_or_else(PoisonError::into_inner);
                *elapsed = (*elapsed).max(until.saturating_duration_since(simulated.start));
            }
            None => tokio::time::sleep_until(tokio::time::Instant::from_std(until)).await,
        }
    }
}

impl Simulated {
    fn elapsed(&self) -> Duration {
        *self.elapsed.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

pub(crate) struct RateLimiter {
    limit: RateLimit,
    clock: PaceClock,
    state: Mutex<Window>,
}

#[derive(Default)]
struct Window {
    /// When the recent requests (up to a minute back) were sent.
    sent: VecDeque<Instant>,
    /// The server asked to wait until then (a 429's `Retry-After`).
    paused_until: Option<Instant>,
}

const SECOND: Duration = Duration::from_secs(1);
const MINUTE: Duration = Duration::from_secs(60);
/// A pause the server asked for that is longer than this is not waited out before a call: the
/// call fails at once as "asks to wait" and the sync is tried again when the pause is over.
const LONGEST_WAIT_BEFORE_A_CALL: Duration = Duration::from_secs(5);

impl RateLimiter {
    pub(crate) fn new(limit: RateLimit, clock: PaceClock) -> RateLimiter {
        RateLimiter { limit, clock, state: Mutex::new(Window::default()) }
    }

    /// Waits until one more request fits, and counts it. Holding the lock while waiting keeps
    /// the order fair: requests go out in the order they asked.
    pub(crate) async fn acquire(&self) {
        let mut window = self.state.lock().await;
        self.wait_for_room(&mut window).await;
        window.sent.push_back(self.clock.now());
    }

    /// Waits until one more request would fit, without counting one: a call that sends one
    /// request waits here, outside its time limit, rather than inside it (the minute's window
    /// can be longer than a call may take). A long pause the server asked for is not waited
    /// out: `Err` says how long it still lasts.
    pub(crate) async fn ready(&self) -> Result<(), Duration> {
        let mut window = self.state.lock().await;
        let now = self.clock.now();
        if let Some(until) = window.paused_until
            && until.saturating_duration_since(now) > LONGEST_WAIT_BEFORE_A_CALL
        {
            return Err(until.saturating_duration_since(now));
        }
        self.wait_for_room(&mut window).await;
        Ok(())
    }

    async fn wait_for_room(&self, window: &mut Window) {
        loop {
            let now = self.clock.now();
            while window.sent.front().is_some_and(|sent| now.duration_since(*sent) >= MINUTE) {
                window.sent.pop_front();
            }
            let mut ready = window.paused_until.filter(|until| *until > now);
            if let Some(per_minute) = self.limit.per_minute.filter(|limit| *limit > 0)
                && window.sent.len() >= per_minute as usize
            {
                let oldest = window.sent[window.sent.len() - per_minute as usize];
                ready = ready.max(Some(oldest + MINUTE));
            }
            if let Some(per_second) = self.limit.per_second.filter(|limit| *limit > 0) {
                let recent: Vec<&Instant> =
                    window.sent.iter().filter(|sent| now.duration_since(**sent) < SECOND).collect();
                if recent.len() >= per_second as usize {
                    let oldest = *recent[recent.len() - per_second as usize];
                    ready = ready.max(Some(oldest + SECOND));
                }
            }
            match ready {
                Some(until) if until > now => self.clock.sleep_until(until).await,
                _ => break,
            }
        }
    }

    /// The server said to wait `seconds` (a 429): nothing goes out before then.
    pub(crate) async fn pause(&self, seconds: u64) {
        let until = self.clock.now() + Duration::from_secs(seconds.min(3600));
        let mut window = self.state.lock().await;
        window.paused_until = window.paused_until.max(Some(until));
    }
}

/// One limiter per plugin for the runtime's life: every load of a tracker (each sync, each
/// profile) draws on the same budget.
#[derive(Default)]
pub(crate) struct Limiters {
    clock: PaceClock,
    by_plugin: std::sync::Mutex<HashMap<String, Arc<RateLimiter>>>,
}

impl Limiters {
    pub(crate) fn new(clock: PaceClock) -> Limiters {
        Limiters { clock, by_plugin: std::sync::Mutex::default() }
    }

    /// The limiter of `plugin_id`; a new one when its limit changed (an update).
    pub(crate) fn of(&self, plugin_id: &str, limit: RateLimit) -> Arc<RateLimiter> {
        let mut by_plugin = self.by_plugin.lock().unwrap_or_else(PoisonError::into_inner);
        match by_plugin.get(plugin_id) {
            Some(limiter) if limiter.limit == limit => Arc::clone(limiter),
            _ => {
                let limiter = Arc::new(RateLimiter::new(limit, self.clock.clone()));
                by_plugin.insert(plugin_id.to_owned(), Arc::clone(&limiter));
                limiter
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn requests_wait_for_both_windows_and_for_a_pause() {
        let limiter = RateLimiter::new(
            RateLimit { per_second: Some(5), per_minute: Some(90) },
            PaceClock::default(),
        );
        let start = tokio::time::Instant::now();
        for _ in 0..5 {
            limiter.acquire().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO, "five fit in the first second");
        limiter.acquire().await;
        assert_eq!(start.elapsed(), SECOND, "the sixth waits for the second to pass");
        for _ in 6..90 {
            limiter.acquire().await;
        }
        assert!(start.elapsed() < MINUTE);
        limiter.acquire().await;
        assert_eq!(start.elapsed(), MINUTE, "the 91st waits for the minute");
        limiter.pause(30).await;
        let paused = tokio::time::Instant::now();
        limiter.acquire().await;
        assert_eq!(paused.elapsed(), Duration::from_secs(30), "Retry-After is honoured");
    }

    #[tokio::test]
    async fn a_simulated_clock_counts_the_waits_without_spending_them() {
        let clock = PaceClock::simulated();
        let limit = RateLimit { per_second: Some(5), per_minute: Some(90) };
        let limiter = RateLimiter::new(limit, clock.clone());
        let real = Instant::now();
        for _ in 0..180 {
            limiter.acquire().await;
        }
        assert!(clock.elapsed() < 2 * MINUTE, "{:?}", clock.elapsed());
        assert_eq!(limiter.ready().await, Ok(()));
        assert_eq!(clock.elapsed(), 2 * MINUTE, "the 181st fits in the third minute");
        limiter.pause(90).await;
        assert_eq!(limiter.ready().await, Err(Duration::from_secs(90)), "not waited out");
        clock.advance(Duration::from_secs(88));
        assert_eq!(limiter.ready().await, Ok(()), "two seconds are waited");
        assert_eq!(clock.elapsed(), 2 * MINUTE + Duration::from_secs(90));
        assert!(real.elapsed() < SECOND, "and no real time went by");
    }
}
