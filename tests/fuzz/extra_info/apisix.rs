//! The fake APISIX of this target: one async connection to an in-process
//! runner that sends frames and reads whatever comes back, whole frames or a
//! clean close, telling the two apart from a cut frame.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;

use promptgate::protocol::peer::{self, Reply, encode_extra_info_resp, encode_prepare_conf_req};
use promptgate::protocol::{
    Entry, FlatBufferBuilder, HEADER_LEN, MAX_PAYLOAD, RpcType, decode_request_call_reply,
    decode_stream_chunk_reply, parse_header,
};

use crate::support::runner::InProcessRunner;

/// One fake APISIX worker connection to an in-process runner.
pub(super) struct Apisix {
    pub(super) stream: UnixStream,
    pub(super) fbb: FlatBufferBuilder<'static>,
    pub(super) out: Vec<u8>,
}

impl Apisix {
    pub(super) async fn connect(runner: &InProcessRunner) -> Result<Apisix, String> {
        let stream = UnixStream::connect(runner.socket())
            .await
            .map_err(|e| format!("connect to the runner: {e}"))?;
        Ok(Apisix {
            stream,
            fbb: FlatBufferBuilder::new(),
            out: Vec::new(),
        })
    }

    pub(super) async fn send(&mut self, bytes: &[u8]) -> Result<(), String> {
        // The runner may close first (a malformed answer): not an error here.
        let _ = self.stream.write_all(bytes).await;
        Ok(())
    }

    pub(super) async fn send_out(&mut self) -> Result<(), String> {
        let out = std::mem::take(&mut self.out);
        self.send(&out).await?;
        self.out = out;
        Ok(())
    }

    /// The next frame's type and payload; `None` on a close between frames.
    /// A close inside a frame or an empty or oversize payload is an error.
    async fn recv_frame(&mut self) -> Result<Option<(u8, Vec<u8>)>, String> {
        let mut header = [0u8; HEADER_LEN];
        let mut got = 0;
        while got < HEADER_LEN {
            match self.stream.read(&mut header[got..]).await {
                Ok(0) if got == 0 => return Ok(None),
                Ok(0) => return Err(format!("runner closed after {got} header bytes")),
                Ok(n) => got += n,
                Err(e) if got == 0 && e.kind() == std::io::ErrorKind::ConnectionReset => {
                    return Ok(None);
                }
                Err(e) => return Err(format!("reading a header: {e}")),
            }
        }
        let header = parse_header(&header);
        if header.len == 0 || header.len > MAX_PAYLOAD {
            return Err(format!(
                "reply of type {} with {} bytes",
                header.ty, header.len
            ));
        }
        let mut payload = vec![0u8; header.len];
        self.stream
            .read_exact(&mut payload)
            .await
            .map_err(|e| format!("runner closed inside a reply of type {}: {e}", header.ty))?;
        Ok(Some((header.ty, payload)))
    }

    /// The next APISIX reply; `None` on a close between frames. A close inside
    /// a frame, an empty or oversize payload, or an undecodable reply is an error.
    pub(super) async fn recv(&mut self) -> Result<Option<Reply>, String> {
        let Some((ty, payload)) = self.recv_frame().await? else {
            return Ok(None);
        };
        peer::decode_reply(ty, &payload)
            .map(Some)
            .map_err(|e| format!("undecodable reply of type {ty}: {e}"))
    }

    /// The next reply of any RPC the runner serves: APISIX's, or promptgate's
    /// own (StreamChunk, RequestCall), each checked with its own decoder.
    pub(super) async fn recv_any(&mut self) -> Result<bool, String> {
        let Some((ty, payload)) = self.recv_frame().await? else {
            return Ok(false);
        };
        let decoded = match RpcType::from_u8(ty) {
            Some(RpcType::StreamChunk) => decode_stream_chunk_reply(&payload)
                .map(drop)
                .map_err(|e| e.to_string()),
            Some(RpcType::RequestCall) => decode_request_call_reply(&payload)
                .map(drop)
                .map_err(|e| e.to_string()),
            _ => peer::decode_reply(ty, &payload)
                .map(drop)
                .map_err(|e| e.to_string()),
        };
        decoded
            .map(|()| true)
            .map_err(|e| format!("undecodable reply of type {ty}: {e}"))
    }

    pub(super) async fn prepare_conf(&mut self, route: Option<&str>) -> Result<u32, String> {
        let conf: Option<Vec<Entry<'_>>> =
            route.map(|v| vec![(&b"promptgate"[..], Some(v.as_bytes()))]);
        encode_prepare_conf_req(
            &mut self.fbb,
            &mut self.out,
            conf.as_deref(),
            Some(b"route#fuzz#ext-plugin-pre-req#1"),
        )
        .expect("encode PrepareConf");
        self.send_out().await?;
        match self.recv().await? {
            Some(Reply::PrepareConf(token)) => Ok(token),
            other => Err(format!("PrepareConf answered with {other:?}")),
        }
    }
}

/// The bytes of a well-formed ExtraInfo.Resp frame.
pub(super) fn extra_info_frame(result: Option<&[u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    encode_extra_info_resp(&mut FlatBufferBuilder::new(), &mut out, result)
        .expect("encode ExtraInfo.Resp");
    out
}
