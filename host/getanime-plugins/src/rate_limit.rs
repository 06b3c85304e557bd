//! Requests per second and per minute toward one tracker, enforced by the host for all the
//! plugin's calls together (trackers limit per IP, so every profile shares one budget). It runs
//! on tokio's clock, so a test with a paused clock sees the waits without waiting.

use std::collections::VecDeque;
use std::time::Duration;

use getanime_domain::RateLimit;
use tokio::sync::Mutex;
use tokio::time::Instant;

pub(crate) struct RateLimiter {
    limit: RateLimit,
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

impl RateLimiter {
    pub(crate) fn new(limit: RateLimit) -> RateLimiter {
        RateLimiter { limit, state: Mutex::new(Window::default()) }
    }

    /// Waits until one more request fits, and counts it. Holding the lock while waiting keeps
    /// the order fair: requests go out in the order they asked.
    pub(crate) async fn acquire(&self) {
        let mut window = self.state.lock().await;
        loop {
            let now = Instant::now();
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
                Some(until) if until > now => tokio::time::sleep_until(until).await,
                _ => break,
            }
        }
        window.sent.push_back(Instant::now());
    }

    /// The server said to wait `seconds` (a 429): nothing goes out before then.
    pub(crate) async fn pause(&self, seconds: u64) {
        let until = Instant::now() + Duration::from_secs(seconds.min(3600));
        let mut window = self.state.lock().await;
        window.paused_until = window.paused_until.max(Some(until));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn requests_wait_for_both_windows_and_for_a_pause() {
        let limiter = RateLimiter::new(RateLimit { per_second: Some(5), per_minute: Some(90) });
        let start = Instant::now();
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
        let paused = Instant::now();
        limiter.acquire().await;
        assert_eq!(paused.elapsed(), Duration::from_secs(30), "Retry-After is honoured");
    }
}
