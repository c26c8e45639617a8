//! A seeded random number generator whose streams are bit-identical natively
//! and on wasm32, so the page draws exactly the data the models were trained on.
//!
//! PCG32 (XSH-RR 64/32, O'Neill 2014) uses only wrapping integer arithmetic;
//! the floating-point helpers use IEEE-exact operations or the pure-Rust
//! `libm`, never the platform's maths library, whose last bits may differ.

/// PCG32 with a selectable stream: the same seed on two streams gives
/// independent sequences (used to keep data splits apart).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rng {
    state: u64,
    increment: u64,
}

const MULTIPLIER: u64 = 6_364_136_223_846_793_005;

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self::with_stream(seed, 0)
    }

    /// The reference PCG32 seeding (`pcg32_srandom_r(seed, stream)`).
    pub fn with_stream(seed: u64, stream: u64) -> Self {
        let mut rng = Rng {
            state: 0,
            increment: (stream << 1) | 1,
        };
        rng.next_u32();
        rng.state = rng.state.wrapping_add(seed);
        rng.next_u32();
        rng
    }

    pub fn next_u32(&mut self) -> u32 {
        let old = self.state;
        self.state = old.wrapping_mul(MULTIPLIER).wrapping_add(self.increment);
        let xorshifted = (((old >> 18) ^ old) >> 27) as u32;
        xorshifted.rotate_right((old >> 59) as u32)
    }

    pub fn next_u64(&mut self) -> u64 {
        (u64::from(self.next_u32()) << 32) | u64::from(self.next_u32())
    }

    /// Uniform in [0, 1) on the 2^-24 grid, so every value is exact in f32.
    pub fn uniform(&mut self) -> f32 {
        (self.next_u32() >> 8) as f32 * (1.0 / (1u32 << 24) as f32)
    }

    /// Uniform in [lo, hi).
    pub fn uniform_in(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.uniform()
    }

    /// Uniform integer in [0, n), without modulo bias (rejection sampling).
    /// Panics if `n == 0`.
    pub fn below(&mut self, n: u32) -> u32 {
        assert!(n > 0, "Rng::below(0) has no value to return");
        let threshold = n.wrapping_neg() % n;
        loop {
            let r = self.next_u32();
            if r >= threshold {
                return r % n;
            }
        }
    }

    /// Uniform integer in the inclusive range [lo, hi]. Panics if `lo > hi`.
    pub fn range(&mut self, lo: i32, hi: i32) -> i32 {
        assert!(lo <= hi, "Rng::range({lo}, {hi}) is empty");
        let span = (i64::from(hi) - i64::from(lo) + 1) as u64;
        let offset = if span > u64::from(u32::MAX) {
            u64::from(self.next_u32())
        } else {
            u64::from(self.below(span as u32))
        };
        (i64::from(lo) + offset as i64) as i32
    }

    /// Standard normal (Box–Muller, one value per call).
    pub fn normal(&mut self) -> f32 {
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        libm::sqrtf(-2.0 * libm::logf(u1)) * libm::cosf(2.0 * std::f32::consts::PI * u2)
    }

    /// Fisher–Yates shuffle in place.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u32 + 1) as usize;
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_pcg32_reference_stream() {
        // First outputs of the reference pcg32-demo, seeded with (42, 54).
        let mut rng = Rng::with_stream(42, 54);
        let got: Vec<u32> = (0..6).map(|_| rng.next_u32()).collect();
        assert_eq!(
            got,
            [
                0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e
            ]
        );
    }

    #[test]
    fn same_seed_same_stream_and_streams_differ() {
        let draw = |rng: &mut Rng| (0..16).map(|_| rng.next_u32()).collect::<Vec<_>>();
        assert_eq!(draw(&mut Rng::new(7)), draw(&mut Rng::new(7)));
        assert_ne!(draw(&mut Rng::new(7)), draw(&mut Rng::new(8)));
        assert_ne!(
            draw(&mut Rng::with_stream(7, 1)),
            draw(&mut Rng::with_stream(7, 2))
        );
    }

    #[test]
    fn uniform_stays_in_unit_interval_with_mean_one_half() {
        let mut rng = Rng::new(1);
        let xs: Vec<f32> = (0..20_000).map(|_| rng.uniform()).collect();
        assert!(xs.iter().all(|&x| (0.0..1.0).contains(&x)));
        let mean = xs.iter().sum::<f32>() / xs.len() as f32;
        assert!((mean - 0.5).abs() < 0.01, "mean {mean}");
    }

    #[test]
    fn range_is_inclusive_and_hits_every_value() {
        let mut rng = Rng::new(2);
        let mut seen = [0usize; 7];
        for _ in 0..7_000 {
            let v = rng.range(-3, 3);
            seen[(v + 3) as usize] += 1;
        }
        assert!(seen.iter().all(|&c| (800..1200).contains(&c)), "{seen:?}");
        assert_eq!(rng.range(5, 5), 5);
        let full = rng.range(i32::MIN, i32::MAX);
        assert!((i32::MIN..=i32::MAX).contains(&full));
    }

    #[test]
    fn normal_has_zero_mean_unit_variance() {
        let mut rng = Rng::new(3);
        let xs: Vec<f32> = (0..50_000).map(|_| rng.normal()).collect();
        let n = xs.len() as f32;
        let mean = xs.iter().sum::<f32>() / n;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f32>() / n;
        assert!(mean.abs() < 0.02, "mean {mean}");
        assert!((var - 1.0).abs() < 0.03, "variance {var}");
        assert!(xs.iter().all(|x| x.is_finite()));
    }

    #[test]
    fn shuffle_is_a_seeded_permutation() {
        let mut a: Vec<u32> = (0..50).collect();
        let mut b = a.clone();
        Rng::new(4).shuffle(&mut a);
        Rng::new(4).shuffle(&mut b);
        assert_eq!(a, b);
        assert_ne!(a, (0..50).collect::<Vec<_>>());
        a.sort_unstable();
        assert_eq!(a, (0..50).collect::<Vec<_>>());
    }
}
