//! Connections pinned to per-core runtimes (`server.runtime = "per_core"`).
//!
//! APISIX keeps a few long-lived connections per worker and sends one RPC at a
//! time on each, so a connection's work is a chain of short steps: read a
//! frame, decide, write the reply. On tokio's shared multi-thread runtime each
//! step may wake on another thread (work stealing, the I/O driver on whichever
//! thread parks), which costs cross-thread wake-ups and cold caches on every
//! frame. Here each core runs a current-thread runtime of its own; an accepted
//! connection is handed to the one serving the fewest connections and stays
//! there, its socket registered with that runtime's reactor, so a frame is
//! read, decided and answered on one thread.
//!
//! CPU-heavy work keeps its own bounds: large scans run on the scan threads
//! and L2 on its inference pool, as on the shared runtime.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;

use tokio::net::UnixStream;
use tokio::runtime::Handle;
use tokio::sync::oneshot;
use tokio::task::JoinSet;

/// One per-core runtime: its handle, the connections it serves, and what
/// stops it.
#[derive(Debug)]
struct Worker {
    handle: Handle,
    live: Arc<AtomicUsize>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// The per-core runtimes; see the module doc. Dropping it stops them once
/// their connections' tasks are done or aborted.
#[derive(Debug)]
pub struct Workers {
    workers: Vec<Worker>,
}

impl Workers {
    /// Starts `n` current-thread runtimes, each on its own thread.
    ///
    /// # Errors
    ///
    /// When a runtime or its thread cannot be created.
    pub fn start(n: usize) -> std::io::Result<Self> {
        let mut workers = Vec::with_capacity(n);
        for i in 0..n.max(1) {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let handle = runtime.handle().clone();
            let (stop, stopped) = oneshot::channel::<()>();
            let thread = std::thread::Builder::new()
                .name(format!("promptgate-io-{i}"))
                .spawn(move || {
                    // Serves the tasks spawned through `handle` until told to
                    // stop (or the sender is dropped).
                    let _ = runtime.block_on(stopped);
                })?;
            workers.push(Worker {
                handle,
                live: Arc::new(AtomicUsize::new(0)),
                stop: Some(stop),
                thread: Some(thread),
            });
        }
        Ok(Workers { workers })
    }

    /// Connections each runtime serves now (diagnostics and tests).
    pub fn live(&self) -> Vec<usize> {
        self.workers
            .iter()
            .map(|w| w.live.load(Ordering::Relaxed))
            .collect()
    }

    /// Serves `stream` on the runtime with the fewest connections: the socket
    /// is moved to that runtime's reactor and `serve` runs there, tracked in
    /// `set` so shutdown can wait for it.
    ///
    /// # Errors
    ///
    /// When the socket cannot leave the accepting runtime's reactor.
    pub fn spawn<F, Fut>(
        &self,
        set: &mut JoinSet<()>,
        stream: UnixStream,
        serve: F,
    ) -> std::io::Result<()>
    where
        F: FnOnce(UnixStream) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let Some(worker) = self
            .workers
            .iter()
            .min_by_key(|w| w.live.load(Ordering::Relaxed))
        else {
            return Err(std::io::Error::other("no runtime to serve connections"));
        };
        let stream = stream.into_std()?;
        let live = Arc::clone(&worker.live);
        live.fetch_add(1, Ordering::Relaxed);
        let guard = LiveGuard(live);
        set.spawn_on(
            async move {
                let _guard = guard;
                match UnixStream::from_std(stream) {
                    Ok(stream) => serve(stream).await,
                    Err(error) => tracing::warn!(%error, "connection could not be registered"),
                }
            },
            &worker.handle,
        );
        Ok(())
    }
}

/// Counts a connection out of its runtime when its task ends, however it ends.
struct LiveGuard(Arc<AtomicUsize>);

impl Drop for LiveGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        for worker in &mut self.workers {
            if let Some(stop) = worker.stop.take() {
                let _ = stop.send(());
            }
        }
        for worker in &mut self.workers {
            if let Some(thread) = worker.thread.take() {
                let _ = thread.join();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// Connections go to the least busy runtime, are served on a runtime
    /// thread (not the accepting one), and are counted out when they end.
    #[test]
    fn connections_spread_over_the_runtimes_and_are_served_on_them() {
        let accepting = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        accepting.block_on(async {
            let workers = Workers::start(2).expect("workers");
            let mut set = JoinSet::new();
            let mut clients = Vec::new();
            let (seen_tx, mut seen_rx) = tokio::sync::mpsc::unbounded_channel();
            for _ in 0..4 {
                let (client, server) = UnixStream::pair().expect("pair");
                let seen = seen_tx.clone();
                workers
                    .spawn(&mut set, server, move |mut stream| async move {
                        let name = std::thread::current().name().map(str::to_owned);
                        let _ = seen.send(name);
                        let mut byte = [0u8; 1];
                        // Echo one byte, then end.
                        if stream.read_exact(&mut byte).await.is_ok() {
                            let _ = stream.write_all(&byte).await;
                        }
                    })
                    .expect("spawn");
                clients.push(client);
            }
            assert_eq!(workers.live(), vec![2, 2]);
            for (i, client) in clients.iter_mut().enumerate() {
                let b = u8::try_from(i).expect("small");
                client.write_all(&[b]).await.expect("write");
                let mut back = [0u8; 1];
                client.read_exact(&mut back).await.expect("echo");
                assert_eq!(back[0], b);
            }
            while set.join_next().await.is_some() {}
            assert_eq!(workers.live(), vec![0, 0]);
            drop(seen_tx);
            let mut names = Vec::new();
            while let Some(name) = seen_rx.recv().await {
                names.push(name.unwrap_or_default());
            }
            names.sort();
            assert_eq!(
                names,
                [
                    "promptgate-io-0",
                    "promptgate-io-0",
                    "promptgate-io-1",
                    "promptgate-io-1"
                ]
            );
            tokio::task::spawn_blocking(move || drop(workers))
                .await
                .expect("workers stop");
        });
    }
}
