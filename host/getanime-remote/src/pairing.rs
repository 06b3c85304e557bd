//! Pairing a phone: only while the TV's pairing screen is open, by the 6-digit code it shows or
//! by the one-time secret in its QR code. A code is good for 5 minutes and one phone; five wrong
//! guesses and it is replaced, so guessing a million codes at the peer limit's pace is hopeless.

use std::time::{Duration, Instant};

use subtle::ConstantTimeEq;

use crate::{Error, Result};

/// How long a code is good for (Jellyfin's Quick Connect uses the same).
pub const CODE_LIFETIME: Duration = Duration::from_secs(5 * 60);

/// Wrong codes before the code is replaced.
pub const WRONG_GUESSES: u32 = 5;

/// What the TV shows while pairing is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairingOffer {
    /// Six digits from the OS's random numbers.
    pub code: String,
    /// 128 random bits (hex), carried in the QR code's URL fragment (never sent to a server).
    pub secret: String,
    /// When the code stops working.
    pub expires: Instant,
}

/// What a phone offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    Code(String),
    Secret(String),
}

/// Why a pairing attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The TV's pairing screen is not open.
    NotOpen,
    /// The code or secret is not the one shown.
    Wrong,
}

/// The pairing window: closed, or open with the current offer.
#[derive(Debug, Default)]
pub struct Pairing {
    offer: Option<PairingOffer>,
    wrong: u32,
}

impl Pairing {
    /// Opens the window with a fresh code (the TV's pairing screen appeared).
    pub fn open(&mut self, now: Instant) -> Result<PairingOffer> {
        let offer = PairingOffer {
            code: random_code()?,
            secret: getanime_app::random_hex(16)
                .map_err(|error| Error::Random(format!("{error:#}")))?,
            expires: now + CODE_LIFETIME,
        };
        self.offer = Some(offer.clone());
        self.wrong = 0;
        Ok(offer)
    }

    /// Closes the window (the screen went away).
    pub fn close(&mut self) {
        self.offer = None;
        self.wrong = 0;
    }

    /// The offer on screen, while the window is open.
    pub fn offer(&self) -> Option<&PairingOffer> {
        self.offer.as_ref()
    }

    /// Checks a phone's proof. Success uses the code up (one phone per code) and offers a new
    /// one; the fifth wrong guess replaces the code; an expired code is replaced too. Returns
    /// the new offer when the code changed, for the TV to show.
    pub fn attempt(
        &mut self,
        proof: &Proof,
        now: Instant,
    ) -> Result<(std::result::Result<(), Refusal>, Option<PairingOffer>)> {
        let Some(offer) = &self.offer else { return Ok((Err(Refusal::NotOpen), None)) };
        if offer.expires <= now {
            let fresh = self.open(now)?;
            return Ok((Err(Refusal::Wrong), Some(fresh)));
        }
        let matches = match proof {
            Proof::Code(code) => {
                let digits: String = code.chars().filter(char::is_ascii_digit).collect();
                bool::from(digits.as_bytes().ct_eq(offer.code.as_bytes()))
            }
            Proof::Secret(secret) => {
                bool::from(secret.trim().as_bytes().ct_eq(offer.secret.as_bytes()))
            }
        };
        if matches {
            let fresh = self.open(now)?;
            return Ok((Ok(()), Some(fresh)));
        }
        self.wrong += 1;
        if self.wrong >= WRONG_GUESSES {
            let fresh = self.open(now)?;
            return Ok((Err(Refusal::Wrong), Some(fresh)));
        }
        Ok((Err(Refusal::Wrong), None))
    }
}

/// Six decimal digits, uniformly (rejection sampling, no modulo bias).
fn random_code() -> Result<String> {
    loop {
        let mut bytes = [0_u8; 4];
        getrandom::fill(&mut bytes).map_err(|error| Error::Random(error.to_string()))?;
        let value = u32::from_le_bytes(bytes);
        // 4_294_000_000 is the largest multiple of a million below 2^32.
        if value < 4_294_000_000 {
            return Ok(format!("{:06}", value % 1_000_000));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_pairs_one_phone_only_while_open_and_five_wrong_guesses_replace_it() -> Result<()> {
        let now = Instant::now();
        let mut pairing = Pairing::default();
        let closed = pairing.attempt(&Proof::Code("123456".into()), now)?;
        assert_eq!(closed, (Err(Refusal::NotOpen), None));

        let offer = pairing.open(now)?;
        assert_eq!(offer.code.len(), 6);
        assert!(offer.code.bytes().all(|byte| byte.is_ascii_digit()));
        assert_eq!(offer.secret.len(), 32);
        let spaced = format!("{} {}", &offer.code[..3], &offer.code[3..]);
        let (paired, fresh) = pairing.attempt(&Proof::Code(spaced), now)?;
        assert_eq!(paired, Ok(()), "the code as the TV shows it, with its space");
        let fresh = fresh.expect("a used code is replaced");
        assert_ne!(fresh.code, offer.code, "one phone per code");
        let (again, _) = pairing.attempt(&Proof::Code(offer.code.clone()), now)?;
        assert_eq!(again, Err(Refusal::Wrong), "the used code does not pair a second phone");

        let shown = pairing.offer().expect("still open").clone();
        let wrong = if shown.code == "000000" { "111111" } else { "000000" };
        for _ in 1..WRONG_GUESSES - 1 {
            let (refused, changed) = pairing.attempt(&Proof::Code(wrong.into()), now)?;
            assert_eq!((refused, changed), (Err(Refusal::Wrong), None));
        }
        let (_, changed) = pairing.attempt(&Proof::Code(wrong.into()), now)?;
        let changed = changed.expect("the fifth wrong guess replaces the code");
        assert_ne!(changed.code, shown.code);

        let (by_secret, _) = pairing.attempt(&Proof::Secret(changed.secret.clone()), now)?;
        assert_eq!(by_secret, Ok(()), "the QR code's secret pairs directly");

        let current = pairing.offer().expect("open").clone();
        let late = now + CODE_LIFETIME;
        let (expired, renewed) = pairing.attempt(&Proof::Code(current.code.clone()), late)?;
        assert_eq!(expired, Err(Refusal::Wrong), "an expired code does not pair");
        assert!(renewed.is_some(), "and is replaced");
        pairing.close();
        let (closed, _) = pairing.attempt(&Proof::Secret(current.secret), now)?;
        assert_eq!(closed, Err(Refusal::NotOpen));
        Ok(())
    }
}
