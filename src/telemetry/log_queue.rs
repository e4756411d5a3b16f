//! A bounded log buffer that a thread of its own writes out in batches.
//!
//! The threads that answer APISIX only append a formatted line to a shared buffer
//! (a lock held for a copy); the writer thread takes the whole buffer at once and
//! writes it with one call, then waits [`BATCH_INTERVAL`] for more. No line costs a
//! system call or a wake-up on the answering side: the writer is woken only when the
//! buffer turns non-empty, at most once per batch. When the buffer already holds
//! [`QueueOptions::max_bytes`], a line is dropped and counted instead of waiting: a
//! sink that stops draining (a full pipe) stalls the writer thread alone.
//!
//! Written by hand rather than with a channel-based non-blocking writer: one message
//! and one wake-up per line (and the receiver's spin before it parks) cost more runner
//! CPU per decision than the audit event itself (measured with `promptgate bench`).

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long the writer waits after a batch for more lines: the most a line waits
/// behind a written batch, and at most this many wake-ups a second.
const BATCH_INTERVAL: Duration = Duration::from_millis(5);

/// A batch buffer larger than this after a burst is given back to the allocator.
const KEPT_CAPACITY: usize = 256 << 10;

/// How long dropping the guard waits for the last batch to be written.
const FINAL_FLUSH: Duration = Duration::from_secs(1);

/// Limits of a [`LogQueue`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct QueueOptions {
    /// Bytes buffered (not yet written) above which lines are dropped.
    pub(crate) max_bytes: usize,
}

/// What the answering threads and the writer share.
#[derive(Debug, Default)]
struct Shared {
    state: Mutex<State>,
    /// Signalled when the buffer turns non-empty or the queue stops.
    ready: Condvar,
    /// Signalled by the writer when it has written everything and stopped.
    done: Condvar,
    dropped: AtomicU64,
}

#[derive(Debug, Default)]
struct State {
    buffer: Vec<u8>,
    stopping: bool,
    stopped: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The appending side of the queue: cheap to clone, one per formatted line.
#[derive(Debug, Clone)]
pub(crate) struct LogQueue {
    shared: Arc<Shared>,
    max_bytes: usize,
}

/// Stops the writer thread when dropped, after it wrote what was queued (waiting at
/// most [`FINAL_FLUSH`] for a stalled sink).
#[derive(Debug)]
pub(crate) struct QueueGuard {
    shared: Arc<Shared>,
    _thread: Option<JoinHandle<()>>,
}

impl LogQueue {
    /// Starts the writer thread over `sink`. When the thread cannot be started, the
    /// queue is returned anyway and lines are counted as dropped.
    pub(crate) fn start<W: Write + Send + 'static>(
        sink: W,
        options: QueueOptions,
    ) -> (LogQueue, QueueGuard) {
        let shared = Arc::new(Shared::default());
        let writer = shared.clone();
        let thread = std::thread::Builder::new()
            .name("promptgate-log".into())
            .spawn(move || write_batches(&writer, sink))
            .ok();
        if thread.is_none() {
            shared.lock().stopped = true;
        }
        (
            LogQueue {
                shared: shared.clone(),
                max_bytes: options.max_bytes,
            },
            QueueGuard {
                shared,
                _thread: thread,
            },
        )
    }

    /// Lines dropped so far because the buffer was full.
    pub(crate) fn dropped(&self) -> u64 {
        self.shared.dropped.load(Ordering::Relaxed)
    }

    /// Queues one line (a whole formatted event), or drops and counts it.
    fn push(&self, line: &[u8]) {
        let mut state = self.shared.lock();
        if state.stopped || state.buffer.len() + line.len() > self.max_bytes {
            drop(state);
            self.shared.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let wake = state.buffer.is_empty();
        state.buffer.extend_from_slice(line);
        drop(state);
        if wake {
            self.shared.ready.notify_one();
        }
    }
}

/// The writer thread: waits for lines, takes the buffer, writes it, and waits a
/// batch interval before looking again; on stop, writes what is left.
fn write_batches<W: Write>(shared: &Shared, mut sink: W) {
    let mut batch = Vec::new();
    loop {
        let mut state = shared.lock();
        while state.buffer.is_empty() && !state.stopping {
            state = shared
                .ready
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        let stopping = state.stopping;
        std::mem::swap(&mut batch, &mut state.buffer);
        drop(state);
        // A sink that fails (a closed pipe) loses the batch: nothing else can be done
        // with a log line, and the answering threads never see the error.
        let _ = sink.write_all(&batch).and_then(|()| sink.flush());
        batch.clear();
        batch.shrink_to(KEPT_CAPACITY);
        if stopping {
            let mut state = shared.lock();
            if state.buffer.is_empty() {
                state.stopped = true;
                drop(state);
                shared.done.notify_all();
                return;
            }
            continue;
        }
        std::thread::sleep(BATCH_INTERVAL);
    }
}

impl Drop for QueueGuard {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.stopping = true;
        self.shared.ready.notify_one();
        // Not joined: a sink blocked for good must not keep the process from exiting.
        let (state, _) = self
            .shared
            .done
            .wait_timeout_while(state, FINAL_FLUSH, |state| !state.stopped)
            .unwrap_or_else(PoisonError::into_inner);
        drop(state);
    }
}

impl Write for LogQueue {
    /// One call is one formatted event (the fmt layer writes each event whole).
    fn write(&mut self, line: &[u8]) -> std::io::Result<usize> {
        self.push(line);
        Ok(line.len())
    }

    fn write_all(&mut self, line: &[u8]) -> std::io::Result<()> {
        self.push(line);
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;

    /// A sink that hands each write to the test.
    struct Channel(mpsc::Sender<Vec<u8>>);

    impl Write for Channel {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            let _ = self.0.send(bytes.to_vec());
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// A sink that blocks every write until the test lets it go.
    struct Gate(Arc<(Mutex<bool>, Condvar)>, mpsc::Sender<Vec<u8>>);

    impl Write for Gate {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            let (open, opened) = &*self.0;
            let mut is_open = open.lock().unwrap_or_else(PoisonError::into_inner);
            while !*is_open {
                is_open = opened.wait(is_open).unwrap_or_else(PoisonError::into_inner);
            }
            let _ = self.1.send(bytes.to_vec());
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn written(received: &mpsc::Receiver<Vec<u8>>) -> String {
        String::from_utf8(received.try_iter().flatten().collect()).expect("utf-8")
    }

    #[test]
    fn lines_are_written_whole_and_in_order_and_flushed_on_drop() {
        let (tx, rx) = mpsc::channel();
        let (mut queue, guard) = LogQueue::start(Channel(tx), QueueOptions { max_bytes: 1 << 20 });
        for i in 0..1000 {
            writeln!(queue, "line {i}").expect("queued");
        }
        drop(guard);
        let expected: String = (0..1000).map(|i| format!("line {i}\n")).collect();
        assert_eq!(written(&rx), expected);
        assert_eq!(queue.dropped(), 0);
    }

    #[test]
    fn a_blocked_sink_drops_and_counts_lines_without_blocking_the_writer_of_lines() {
        let gate = Arc::new((Mutex::new(false), Condvar::new()));
        let (tx, rx) = mpsc::channel();
        let (mut queue, guard) =
            LogQueue::start(Gate(gate.clone(), tx), QueueOptions { max_bytes: 100 });
        // The first line is taken by the writer, which then blocks; the buffer holds
        // ten more 10-byte lines; the rest are dropped. None of this waits.
        queue.write_all(b"line 0000\n").expect("queued");
        while !queue.shared.lock().buffer.is_empty() {
            std::thread::yield_now();
        }
        for i in 1..=50 {
            queue
                .write_all(format!("line {i:04}\n").as_bytes())
                .expect("queued");
        }
        assert_eq!(queue.dropped(), 40);
        {
            let (open, opened) = &*gate;
            *open.lock().expect("gate") = true;
            opened.notify_all();
        }
        drop(guard);
        let expected: String = (0..=10).map(|i| format!("line {i:04}\n")).collect();
        assert_eq!(written(&rx), expected);
    }

    #[test]
    fn a_sink_blocked_for_good_does_not_keep_the_guard_waiting_forever() {
        let gate = Arc::new((Mutex::new(false), Condvar::new()));
        let (tx, _rx) = mpsc::channel();
        let (mut queue, guard) = LogQueue::start(Gate(gate, tx), QueueOptions { max_bytes: 100 });
        queue.write_all(b"stuck\n").expect("queued");
        // Returns after FINAL_FLUSH; the writer thread stays blocked and is leaked.
        drop(guard);
        queue.write_all(b"more\n").expect("queued");
    }
}
