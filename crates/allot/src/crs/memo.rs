//! A per-thread memo of points already moved to WGS84, so that a vertex shared by
//! neighbouring parcels (and a ring's closing vertex, which repeats its first) is projected
//! once.
//!
//! Parcel fabrics share most vertices: in a grid each corner belongs to four parcels and every
//! ring repeats its first position at its end, so a reader moving ring after ring in file
//! order meets most points again within a few thousand positions. The memo is a direct-mapped
//! table keyed by the exact bits of the input (the last point stored in a slot wins), owned by
//! one thread and one [`super::Crs`]: the transformation is a pure function of its input, so a
//! remembered result is the very `f64` pair the transformation gives, and the output does not
//! depend on what the memo held.

use std::cell::RefCell;

use geo::Coord;

/// log2 of the number of slots (16,384 slots, 512 KB a thread).
const BITS: u32 = 14;

/// A slot's key when it holds nothing: no finite input has these bits.
const EMPTY: [u64; 2] = [u64::MAX, u64::MAX];

struct Memo {
    /// The [`super::Crs`] whose results the slots hold.
    owner: u64,
    keys: Vec<[u64; 2]>,
    values: Vec<Coord<f64>>,
}

thread_local! {
    static MEMO: RefCell<Memo> = const {
        RefCell::new(Memo {
            owner: 0,
            keys: Vec::new(),
            values: Vec::new(),
        })
    };
}

#[inline]
fn slot(key: [u64; 2]) -> usize {
    let h =
        (key[0].wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ key[1]).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    (h >> (64 - BITS)) as usize
}

/// Moves every point of `coords` in place with `f`, remembering results on this thread for
/// the system `owner` (a [`super::Crs`]'s unique id). Stops at the first point `f` cannot
/// move (`Err`), the points before it moved, the rest not. A point that is not finite is
/// passed to `f` and never remembered.
pub(super) fn move_all<E>(
    owner: u64,
    coords: &mut [Coord<f64>],
    mut f: impl FnMut(usize, Coord<f64>) -> Result<Coord<f64>, E>,
) -> Result<(), E> {
    MEMO.with(|memo| {
        let Ok(mut memo) = memo.try_borrow_mut() else {
            // Re-entered from `f` (it never is): move without the memo.
            for (k, c) in coords.iter_mut().enumerate() {
                *c = f(k, *c)?;
            }
            return Ok(());
        };
        let memo = &mut *memo;
        if memo.owner != owner || memo.keys.is_empty() {
            memo.owner = owner;
            memo.keys.clear();
            memo.keys.resize(1 << BITS, EMPTY);
            memo.values.clear();
            memo.values.resize(1 << BITS, Coord { x: 0.0, y: 0.0 });
        }
        for (k, c) in coords.iter_mut().enumerate() {
            if !(c.x.is_finite() && c.y.is_finite()) {
                *c = f(k, *c)?;
                continue;
            }
            let key = [c.x.to_bits(), c.y.to_bits()];
            let s = slot(key);
            if memo.keys[s] == key {
                *c = memo.values[s];
            } else {
                let moved = f(k, *c)?;
                memo.keys[s] = key;
                memo.values[s] = moved;
                *c = moved;
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Points repeated near and far, on two owners and with failures: every result is what
    /// the function gives for that point, and a failure stops at its index.
    #[test]
    fn remembered_results_are_the_function_s_own() {
        let f = |c: Coord<f64>| Coord {
            x: c.x.sin() * 3.0 + c.y,
            y: c.y.cos() - c.x,
        };
        let pts: Vec<Coord<f64>> = (0..100_000u32)
            .map(|i| {
                // Revisit earlier points at every distance, collisions included.
                let j = if i % 3 == 0 { i } else { (i * 7919) % (i + 1) };
                Coord {
                    x: f64::from(j) * 0.25,
                    y: -f64::from(j % 977),
                }
            })
            .collect();
        let mut calls = 0;
        for owner in [1, 2, 1] {
            let mut moved = pts.clone();
            move_all(owner, &mut moved, |_, c| {
                calls += 1;
                Ok::<_, ()>(f(c))
            })
            .unwrap();
            for (m, p) in moved.iter().zip(&pts) {
                assert_eq!(*m, f(*p));
            }
        }
        assert!(calls < 3 * pts.len(), "{calls}: nothing was remembered");
        // A failing point stops the move there; a non-finite one is never remembered.
        let mut bad = vec![
            Coord { x: 1.0, y: 2.0 },
            Coord {
                x: f64::NAN,
                y: 0.0,
            },
            Coord { x: 5.0, y: 5.0 },
        ];
        let e = move_all(
            1,
            &mut bad,
            |k, c| if c.x.is_nan() { Err(k) } else { Ok(f(c)) },
        );
        assert_eq!(e, Err(1));
        assert_eq!(bad[0], f(Coord { x: 1.0, y: 2.0 }));
        assert_eq!(bad[2], Coord { x: 5.0, y: 5.0 });
    }
}
