//! The drivers: nonce bases, open-loop pacing, coordinated-omission
//! correction, and merged measurements.

use super::connection::nonce_base;
use super::*;
use crate::protocol::peer::ActionKind;

#[test]
fn every_connection_starts_its_nonces_elsewhere() {
    let bases: std::collections::HashSet<u64> = (0..1000).map(|_| nonce_base()).collect();
    assert_eq!(bases.len(), 1000, "nonce bases repeat");
    assert!(bases.iter().all(|b| b >> 48 == 0), "nonces fit in 48 bits");
}

#[test]
fn pace_spreads_connections_evenly() {
    let rate = 1000.0;
    let pace: Vec<Pace> = (0..4).map(|c| Pace::new(rate, 4, c)).collect();
    // Each connection at 250/s: every 4 ms, shifted by 1 ms from the previous.
    assert_eq!(pace[0].due(0), Duration::ZERO);
    assert_eq!(pace[0].due(1), Duration::from_millis(4));
    assert_eq!(pace[1].due(0), Duration::from_millis(1));
    assert_eq!(pace[3].due(2), Duration::from_millis(11));
    let mut all: Vec<Duration> = pace
        .iter()
        .flat_map(|p| (0..10).map(|k| p.due(k)))
        .collect();
    all.sort();
    for pair in all.windows(2) {
        assert_eq!(pair[1] - pair[0], Duration::from_millis(1));
    }
}

/// One connection, requests due every `interval`, answered after the
/// given service times: the latencies the driver's arithmetic reports.
fn simulate(interval: Duration, service: &[Duration]) -> Vec<Duration> {
    let start = Instant::now();
    let pace = Pace::new(1.0 / interval.as_secs_f64(), 1, 0);
    let mut free_at = start;
    service
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let due = start + pace.due(k as u64);
            let sent = due.max(free_at);
            let done = sent + *s;
            free_at = done;
            corrected_latency(due, done)
        })
        .collect()
}

#[test]
fn a_stall_counts_in_every_request_it_delayed() {
    let ms = Duration::from_millis;
    let us = Duration::from_micros;
    // 1 ms apart, 100 µs each, but the 3rd takes 10 ms.
    let mut service = vec![us(100); 20];
    service[2] = ms(10);
    let lat = simulate(ms(1), &service);
    assert_eq!(lat[1], us(100));
    assert_eq!(lat[2], ms(10));
    // The next ones were due while the stall lasted: they waited for it.
    assert!(lat[3] > ms(9), "{:?}", lat[3]);
    assert!(lat[8] > ms(4), "{:?}", lat[8]);
    // The backlog drains 0.9 ms per request and is gone by the 14th.
    assert_eq!(lat[14], us(100));
    let slow = lat.iter().filter(|l| **l > ms(1)).count();
    assert_eq!(slow, 10, "{lat:?}");
    // A closed-loop (uncorrected) view would show one slow request only.
    assert_eq!(service.iter().filter(|s| **s > ms(1)).count(), 1);
}

#[test]
fn measurements_merge_and_count_outcomes() {
    let mut a = Measured::new();
    a.record(Ok(ActionKind::Continue), Duration::from_micros(50));
    a.record(Ok(ActionKind::Stop(403)), Duration::from_micros(70));
    let mut b = Measured::new();
    b.record(Ok(ActionKind::Rewrite), Duration::from_micros(90));
    b.record(Err(LoadgenError::Usage("boom".into())), Duration::ZERO);
    a.merge(b);
    assert_eq!((a.decisions, a.errors), (3, 1));
    assert_eq!((a.allowed, a.blocked, a.rewritten), (1, 1, 1));
    assert_eq!(a.first_error.as_deref(), Some("boom"));
    assert_eq!(a.latencies.len(), 3);
    let p50 = a.latencies.value_at_quantile(0.5);
    assert!((69_000..=71_000).contains(&p50), "{p50}");
}
