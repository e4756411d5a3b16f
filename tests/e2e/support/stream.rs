//! The `ai-promptgate` plugin's stream mode as the runner sees it:
//! StreamChunk frames and their replies ([`StreamReply`]), one piece or a
//! whole stream at a time.

use promptgate::protocol::{
    RpcType, StreamApi, StreamChunkReq, StreamFlags, StreamReason, StreamVerdict,
    decode_stream_chunk_reply, encode_frame, encode_stream_chunk_req,
};

use super::Apisix;

/// A StreamChunk reply, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamReply {
    /// CONTINUE, STOP, PASS or ERROR.
    pub verdict: StreamVerdict,
    /// Why (STOP, ERROR).
    pub reason: StreamReason,
    /// Bytes the runner holds back.
    pub held: u32,
    /// Bytes to send to the client now.
    pub release: Vec<u8>,
}

impl Apisix {
    /// Sends a StreamChunk (the `ai-promptgate` plugin's RPC) and returns
    /// the decoded reply.
    pub fn stream_chunk(&mut self, req: &StreamChunkReq<'_>) -> StreamReply {
        let mut payload = Vec::new();
        encode_stream_chunk_req(req, &mut payload);
        self.stream_payload(&payload)
    }

    /// Sends `payload` as a StreamChunk frame and decodes the reply, which
    /// must be a StreamChunk reply.
    pub fn stream_payload(&mut self, payload: &[u8]) -> StreamReply {
        let mut frame = Vec::new();
        encode_frame(RpcType::StreamChunk, payload, &mut frame).expect("frame");
        self.send(&frame);
        let (ty, reply) = self.recv();
        assert_eq!(ty, RpcType::StreamChunk.as_u8(), "reply type");
        let r = decode_stream_chunk_reply(&reply)
            .unwrap_or_else(|e| panic!("undecodable StreamChunk reply: {e}"));
        StreamReply {
            verdict: r.verdict,
            reason: r.reason,
            held: r.held,
            release: r.release.to_vec(),
        }
    }

    /// Plays a whole stream as the plugin does: OPEN with `conf` on the first
    /// piece, END on the last, stopping at the first verdict that is not
    /// CONTINUE. Returns every reply.
    pub fn stream_all(
        &mut self,
        id: &str,
        conf: &str,
        api: StreamApi,
        pieces: &[&[u8]],
    ) -> Vec<StreamReply> {
        let mut replies = Vec::new();
        let last = pieces.len().saturating_sub(1);
        for (i, piece) in pieces.iter().enumerate() {
            let mut flags = 0;
            if i == 0 {
                flags |= StreamFlags::OPEN;
            }
            if i == last {
                flags |= StreamFlags::END;
            }
            let open = i == 0;
            let reply = self.stream_chunk(&StreamChunkReq {
                flags: StreamFlags::from_bits(flags),
                api,
                id: id.as_bytes(),
                conf: if open { conf.as_bytes() } else { b"" },
                route: if open { b"7" } else { b"" },
                content_type: if open { b"text/event-stream" } else { b"" },
                chunk: piece,
            });
            let go_on = reply.verdict == StreamVerdict::Continue;
            replies.push(reply);
            if !go_on {
                break;
            }
        }
        replies
    }
}
