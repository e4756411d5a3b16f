//! The compose stack and its mock upstream: the socket is shared, the mock answers
//! plain and streamed chat completions and model lists, and the answers route handles
//! what the mock should not say.

use super::*;

/// The mock upstream, started with python3 on a free port.
struct Mock {
    child: Child,
    port: u16,
}

impl Mock {
    fn start() -> Mock {
        let script = repo().join("compose/mock-upstream/server.py");
        let mut child = Command::new("python3")
            .arg(&script)
            .args(["--host", "127.0.0.1", "--port", "0", "--quiet"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs the mock upstream");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("mock prints its address");
        let port = line
            .trim()
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        Mock { child, port }
    }

    /// One HTTP/1.0-style exchange (Connection: close); returns (head, body).
    fn post(&self, path: &str, body: &str) -> (String, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect to mock");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("set timeout");
        write!(
            stream,
            "POST {path} HTTP/1.1\r\nHost: mock\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .expect("send request");
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .expect("read the whole response");
        let (head, body) = response.split_once("\r\n\r\n").expect("head and body");
        (head.to_owned(), body.to_owned())
    }
}

/// A chunked (transfer-encoding) body's payload.
fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    loop {
        let (size, tail) = rest.split_once("\r\n").expect("chunk size line");
        let size = usize::from_str_radix(size.trim(), 16).expect("hex chunk size");
        if size == 0 {
            break;
        }
        out.push_str(&tail[..size]);
        rest = &tail[size + 2..];
    }
    out
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn compose_stack_shares_the_socket_and_serves_the_routes_upstream() {
    let compose: serde_yaml::Value =
        serde_yaml::from_str(&read("compose/compose.yaml")).expect("compose.yaml is YAML");
    let services = &compose["services"];
    for name in ["apisix", "promptgate", "redis", "mock-upstream"] {
        assert!(!services[name].is_null(), "compose service {name}");
    }
    let mounts = |service: &str| -> Vec<String> {
        services[service]["volumes"]
            .as_sequence()
            .expect("volumes")
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    };
    for service in ["apisix", "promptgate"] {
        assert!(
            mounts(service).contains(&"promptgate-socket:/run/promptgate".to_owned()),
            "{service} mounts the socket volume"
        );
        for mount in mounts(service) {
            if let Some(file) = mount.strip_prefix("../") {
                let file = file.split(':').next().expect("host path");
                assert!(repo().join(file).is_file(), "{service} mounts {file}");
            }
        }
    }
    let sidecar: serde_yaml::Value =
        serde_yaml::from_str(&read("apisix/config-sidecar.yaml")).expect("YAML");
    assert_eq!(
        sidecar["ext-plugin"]["path_for_test"].as_str(),
        Some("/run/promptgate/promptgate.sock")
    );
    let routes: serde_yaml::Value =
        serde_yaml::from_str(&read("apisix/apisix.yaml")).expect("YAML");
    let nodes = routes["upstreams"][0]["nodes"]
        .as_mapping()
        .expect("upstream nodes");
    for node in nodes.keys() {
        let host = node
            .as_str()
            .and_then(|n| n.split(':').next())
            .expect("host:port");
        assert!(
            !services[host].is_null(),
            "upstream {host} is a compose service"
        );
    }
}

#[test]
fn mock_upstream_answers_chat_completions() {
    let mock = Mock::start();
    let request = r#"{"model":"m","messages":[{"role":"user","content":"hello"}]}"#;
    let (head, body) = mock.post("/v1/chat/completions", request);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let answer: serde_json::Value = serde_json::from_str(&body).expect("JSON completion");
    assert_eq!(answer["object"], "chat.completion");
    assert_eq!(answer["choices"][0]["message"]["role"], "assistant");
    let content = answer["choices"][0]["message"]["content"]
        .as_str()
        .expect("content is text");
    assert!(content.contains("1 messages"), "{content}");
}

#[test]
fn mock_upstream_streams_chat_completions() {
    let mock = Mock::start();
    let request = r#"{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}"#;
    let (head, body) = mock.post("/v1/chat/completions", request);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/event-stream"),
        "{head}"
    );
    let events = dechunk(&body);
    let data: Vec<&str> = events
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .collect();
    assert_eq!(data.last(), Some(&"[DONE]"), "{events}");
    let mut text = String::new();
    for event in &data[..data.len() - 1] {
        let chunk: serde_json::Value = serde_json::from_str(event).expect("JSON chunk");
        assert_eq!(chunk["object"], "chat.completion.chunk");
        if let Some(piece) = chunk["choices"][0]["delta"]["content"].as_str() {
            text.push_str(piece);
        }
    }
    assert!(data.len() > 3, "streamed in several events: {events}");
    assert!(text.starts_with("mock answer"), "{text}");
}

#[test]
fn mock_upstream_lists_models() {
    let mock = Mock::start();
    let mut stream = TcpStream::connect(("127.0.0.1", mock.port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("set timeout");
    stream
        .write_all(b"GET /v1/models HTTP/1.1\r\nHost: mock\r\nConnection: close\r\n\r\n")
        .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let (_, body) = response.split_once("\r\n\r\n").expect("head and body");
    let models: serde_json::Value = serde_json::from_str(body).expect("JSON");
    assert_eq!(models["data"][0]["object"], "model");
}

#[test]
fn the_answers_route_handles_what_the_mock_upstream_should_not_say() {
    use promptgate::protocol::peer::Reply;
    let mock = Mock::start();
    let runner = Runner::start_with(RunnerOptions {
        config: read("apisix/promptgate.toml"),
        env: vec![("PROMPTGATE_POLICY_L2_ENABLED".into(), "false".into())],
        ..RunnerOptions::default()
    });
    let mut apisix = runner.connect();
    let (_, value) = yaml_route_values()
        .into_iter()
        .find(|(uri, _)| uri == "/v1/leaky/chat/completions")
        .expect("apisix.yaml has the answers route");
    let token = apisix.token(&value);
    let answer = |apisix: &mut crate::support::Apisix, leak: &str, stream: bool| {
        let request = format!(r#"{{"model":"m","leak":"{leak}","stream":{stream},"messages":[]}}"#);
        let (head, body) = mock.post("/v1/leaky/chat/completions", &request);
        let body = if stream { dechunk(&body) } else { body };
        let content_type: &[u8] = if stream {
            b"text/event-stream"
        } else {
            b"application/json"
        };
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        let headers: [promptgate::protocol::Entry<'_>; 1] = [(b"content-type", Some(content_type))];
        match apisix
            .resp_call(token, 200, &headers, Some(body.as_bytes()))
            .0
        {
            Reply::RespCall(resp) => resp,
            other => panic!("not an HTTPRespCall reply: {other:?}"),
        }
    };
    // PII is redacted, whole or streamed; the stream stays one JSON event per event.
    let whole = answer(&mut apisix, "pii", false);
    let text = String::from_utf8_lossy(&whole.body).into_owned();
    assert!(
        text.contains("[EMAIL_1]") && !text.contains("maria.lopez"),
        "{text}"
    );
    let streamed = answer(&mut apisix, "pii", true);
    let text = String::from_utf8_lossy(&streamed.body).into_owned();
    assert!(
        text.contains("[EMAIL_1]") && !text.contains("maria.lopez"),
        "{text}"
    );
    for data in text.lines().filter_map(|l| l.strip_prefix("data: ")) {
        if data != "[DONE]" {
            serde_json::from_str::<serde_json::Value>(data).expect("each event is JSON");
        }
    }
    // The canary and the exfiltration image withhold the answer; a clean one passes.
    for (leak, code) in [("canary", "canary_leak"), ("exfil", "exfiltration_link")] {
        for stream in [false, true] {
            let resp = answer(&mut apisix, leak, stream);
            assert_eq!(resp.status, 502, "{leak} stream={stream}");
            let err: serde_json::Value = serde_json::from_slice(&resp.body).expect("JSON");
            assert_eq!(err["error"]["code"], code, "{leak} stream={stream}");
        }
    }
    let clean = answer(&mut apisix, "clean", true);
    assert_eq!((clean.status, clean.body.len()), (0, 0));
}
