//! The user's side of the library: ratings and watch progress.

use thiserror::Error;

/// A user's score of a title, 1 to 10 inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rating(u8);

/// A score outside 1..=10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("a rating is 1 to 10, not {0}")]
pub struct RatingError(pub i64);

impl Rating {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 10;

    /// Accepts 1..=10 only.
    pub fn new(score: i64) -> Result<Rating, RatingError> {
        match u8::try_from(score) {
            Ok(score) if (Rating::MIN..=Rating::MAX).contains(&score) => Ok(Rating(score)),
            _ => Err(RatingError(score)),
        }
    }

    pub fn score(self) -> u8 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rating_accepts_one_to_ten_only() {
        for score in 1..=10 {
            assert_eq!(Rating::new(score).map(Rating::score), Ok(score as u8));
        }
        for score in [0, 11, -1, 256, i64::MIN] {
            assert_eq!(Rating::new(score), Err(RatingError(score)));
        }
    }
}
