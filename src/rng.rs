//! Random streams.
//!
//! Every random number tcosim draws comes from a stream identified by
//! `(seed, trial, stream name)` and, for events, a counter. Streams are
//! derived with SplitMix64-style mixing of those parts (the stream name is
//! hashed once, with 64-bit FNV-1a, when the scenario is loaded) and feed a
//! [`Xoshiro256PlusPlus`] generator: a named, portable PRNG whose output is
//! fixed by its specification, so results do not change with the platform,
//! the thread count or a `rand` upgrade.
//!
//! Because a stream depends only on its own name, adding a parameter or a
//! strategy never changes the draws of the others.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator behind every stream.
pub type StreamRng = Xoshiro256PlusPlus;

/// The 64-bit FNV-1a hash of a stream name: stable across platforms and
/// releases (unlike `std`'s `DefaultHasher`).
pub fn name_hash(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The SplitMix64 finaliser: a bijective mix of 64 bits.
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The part of a stream key that does not depend on the counter: computed
/// once per trial for streams drawn every month.
#[inline]
pub fn stream_prefix(seed: u64, trial: u64, stream: u64) -> u64 {
    let h = mix64(seed ^ 0x5443_4f53_494d_0001);
    mix64(mix64(h ^ trial) ^ stream)
}

/// A 64-bit key for `(seed, trial, stream, counter)`.
#[inline]
pub fn stream_key(seed: u64, trial: u64, stream: u64, counter: u64) -> u64 {
    mix64(stream_prefix(seed, trial, stream) ^ counter)
}

/// A generator for `(seed, trial, stream, counter)`.
#[inline]
pub fn stream(seed: u64, trial: u64, stream: u64, counter: u64) -> StreamRng {
    StreamRng::seed_from_u64(stream_key(seed, trial, stream, counter))
}

/// One uniform number in [0, 1) for `(seed, trial, stream, counter)`,
/// without building a generator: used for the monthly Bernoulli draws
/// (resignations, exits) and the per-event return draws.
#[inline]
pub fn uniform(seed: u64, trial: u64, stream: u64, counter: u64) -> f64 {
    uniform_at(stream_prefix(seed, trial, stream), counter)
}

/// [`uniform`] from a precomputed [`stream_prefix`]: the same value.
#[inline]
pub fn uniform_at(prefix: u64, counter: u64) -> f64 {
    let bits = mix64(mix64(prefix ^ counter) ^ 0x2545_f491_4f6c_dd1d);
    (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn fnv1a_matches_reference_vectors() {
        assert_eq!(name_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(name_hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(name_hash("foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn streams_are_distinct_and_repeatable() {
        let a = stream(1, 2, name_hash("x"), 0).next_u64();
        let b = stream(1, 2, name_hash("x"), 0).next_u64();
        let c = stream(1, 2, name_hash("y"), 0).next_u64();
        let d = stream(1, 3, name_hash("x"), 0).next_u64();
        let e = stream(1, 2, name_hash("x"), 1).next_u64();
        assert_eq!(a, b);
        assert!(a != c && a != d && a != e && c != d);
        let p = stream_prefix(1, 2, name_hash("x"));
        assert_eq!(uniform_at(p, 5), uniform(1, 2, name_hash("x"), 5));
    }

    #[test]
    fn uniform_is_in_unit_interval_with_the_right_mean() {
        let n = 100_000;
        let mut sum = 0.0;
        for i in 0..n {
            let u = uniform(7, i, 99, 3);
            assert!((0.0..1.0).contains(&u));
            sum += u;
        }
        assert!((sum / n as f64 - 0.5).abs() < 0.005);
    }
}
