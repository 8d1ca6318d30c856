//! Normalisation and its offset map: every mapped offset is in bounds, on a character boundary
//! of the original, monotone, and `to_norm` inverts `start`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mtlint::normalise::normalise;

fuzz_target!(|input: &str| {
    let n = normalise(input);
    assert_eq!(n.text.len(), n.folded.len(), "folded copy is aligned");
    for (p, c) in n.text.char_indices() {
        assert!(n.folded.is_char_boundary(p) && n.folded.is_char_boundary(p + c.len_utf8()));
    }
    let (mut last_start, mut last_end) = (0, 0);
    for p in (0..=n.text.len()).filter(|&p| n.text.is_char_boundary(p)) {
        let (s, e) = (n.map.start(p), n.map.end(p));
        assert!(s <= input.len() && e <= input.len(), "in bounds at {p}");
        assert!(input.is_char_boundary(s), "start {p} -> {s}");
        assert!(input.is_char_boundary(e), "end {p} -> {e}");
        assert!(s >= last_start && e >= last_end, "monotone at {p}");
        (last_start, last_end) = (s, e);
        assert_eq!(n.map.start(n.map.to_norm(s)), s, "round trip at {p}");
        assert!(n.text.is_char_boundary(n.map.to_norm(s)));
    }
    assert_eq!(n.map.end(n.text.len()), input.len());
    for (o, _) in input.char_indices() {
        let p = n.map.to_norm(o);
        assert!(
            p <= n.text.len() && n.text.is_char_boundary(p),
            "to_norm {o} -> {p}"
        );
    }
});
