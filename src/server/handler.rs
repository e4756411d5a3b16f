//! One connection's loop: read a frame, apply its command (`cmd/`), write the
//! reply, repeat. RPCs are sequential per connection (APISIX never pipelines
//! them), and a failing call answers an Err frame instead of dropping the
//! connection: a dropped connection is a 503 for the client with no retry
//! (spec §8).

use std::sync::Arc;
use std::time::Duration;

use super::connection::{ConnError, Connection};
use super::reply::Scratch;
use super::{Shared, Shutdown, cmd};
use crate::telemetry;

/// Serves one connection until the peer closes it or the runner shuts down.
pub async fn serve(stream: tokio::net::UnixStream, shared: Arc<Shared>, mut shutdown: Shutdown) {
    let frame_timeout = Duration::from_millis(shared.runtime.load().config.server.frame_timeout_ms);
    let mut conn = Connection::with_frame_timeout(stream, frame_timeout);
    let mut scratch = Scratch::default();
    loop {
        let frame = tokio::select! {
            frame = conn.read_frame() => frame,
            () = shutdown.wait() => return,
        };
        let frame = match frame {
            Ok(Some(frame)) => frame,
            Ok(None) => return,
            Err(error) => {
                tracing::debug!(%error, "connection ended");
                return;
            }
        };
        let reply = cmd::apply(
            &mut conn,
            &shared,
            frame.ty,
            frame.payload,
            &mut scratch,
            &mut shutdown,
        )
        .await;
        if let Err(error) = reply {
            if matches!(
                error,
                ConnError::ExtraInfoTimeout(_) | ConnError::FrameTimeout(_)
            ) {
                telemetry::record_runner_error("peer_timeout");
                tracing::warn!(%error, "call abandoned; closing connection");
            } else {
                tracing::debug!(%error, "call abandoned; closing connection");
            }
            return;
        }
        if let Err(error) = conn.write_all(&scratch.out).await {
            tracing::debug!(%error, "reply not delivered; closing connection");
            return;
        }
    }
}
