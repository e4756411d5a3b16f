//! `promptgate health`: a probe of the socket (and the metrics endpoint) for
//! container and systemd health checks.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

use promptgate::server;

use crate::load;

/// `promptgate health`: a PrepareConf with no conf must get a token back.
pub(crate) fn health(
    config_path: Option<&Path>,
    check_metrics: bool,
    timeout: Duration,
) -> ExitCode {
    let config = match load(config_path) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let listen = std::env::var(server::LISTEN_ENV).unwrap_or_else(|_| config.server.listen.clone());
    let mut result = server::parse_listen_address(&listen)
        .map_err(anyhow::Error::from)
        .and_then(|path| probe_socket(&path, timeout));
    if result.is_ok() && check_metrics && config.metrics.enabled {
        result = probe_metrics(&config.metrics.listen, &config.metrics.path, timeout);
    }
    match result {
        Ok(()) => {
            println!("promptgate: healthy");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("promptgate: unhealthy: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn probe_socket(path: &Path, timeout: Duration) -> anyhow::Result<()> {
    use promptgate::protocol::peer::{Reply, decode_reply, encode_prepare_conf_req};
    use promptgate::protocol::{FlatBufferBuilder, HEADER_LEN, parse_header};
    use std::io::{Read, Write};
    let mut stream = std::os::unix::net::UnixStream::connect(path)
        .with_context(|| format!("connecting to {}", path.display()))?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    let mut fbb = FlatBufferBuilder::with_capacity(256);
    let mut frame = Vec::new();
    encode_prepare_conf_req(&mut fbb, &mut frame, None, Some(b"promptgate#health"))
        .map_err(|e| anyhow::anyhow!("encoding the probe: {e}"))?;
    stream.write_all(&frame).context("sending PrepareConf")?;
    let mut header = [0u8; HEADER_LEN];
    stream
        .read_exact(&mut header)
        .context("reading the reply header")?;
    let header = parse_header(&header);
    let mut payload = vec![0u8; header.len];
    stream
        .read_exact(&mut payload)
        .context("reading the reply")?;
    match decode_reply(header.ty, &payload) {
        Ok(Reply::PrepareConf(token)) if token != 0 => Ok(()),
        Ok(other) => anyhow::bail!("unexpected reply to PrepareConf: {other:?}"),
        Err(error) => anyhow::bail!("undecodable reply: {error}"),
    }
}

fn probe_metrics(listen: &str, path: &str, timeout: Duration) -> anyhow::Result<()> {
    use std::io::{Read, Write};
    let address: std::net::SocketAddr = listen.parse().context("metrics.listen")?;
    let mut stream = std::net::TcpStream::connect_timeout(&address, timeout)
        .with_context(|| format!("connecting to the metrics endpoint {address}"))?;
    stream.set_read_timeout(Some(timeout))?;
    stream.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").as_bytes(),
    )?;
    let mut head = [0u8; 12];
    stream
        .read_exact(&mut head)
        .context("reading the metrics reply")?;
    anyhow::ensure!(
        head.starts_with(b"HTTP/1.1 200"),
        "metrics endpoint answered {:?}",
        String::from_utf8_lossy(&head)
    );
    Ok(())
}
