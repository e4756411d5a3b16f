//! Which answers are fetched at all, and a clear answer for compressed, oversized and
//! malformed ones.

use super::*;

#[test]
fn answers_are_fetched_only_when_the_policy_and_the_upstream_call_for_it() {
    // Inspection off (the default): acknowledged, nothing fetched.
    let off = Runner::start("");
    let mut apisix = off.connect();
    let token = apisix.token("{}");
    let body = completion(EMAIL);
    let (reply, asked) =
        apisix.resp_call(token, 200, &entries(&json_headers(body.len())), Some(&body));
    assert!(asked.is_empty());
    assert_eq!(answer_of(reply).body.len(), 0);

    let on = Runner::start(&config(""));
    let mut apisix = on.connect();
    let token = apisix.token("{}");
    let cases: Vec<(u16, Headers)> = vec![
        (500, json_headers(body.len())),
        (204, vec![]),
        (200, vec![(b"content-type".to_vec(), b"image/png".to_vec())]),
        (
            200,
            vec![
                (b"content-type".to_vec(), b"application/json".to_vec()),
                (b"content-length".to_vec(), b"0".to_vec()),
            ],
        ),
    ];
    for (status, headers) in cases {
        let (reply, asked) = apisix.resp_call(token, status, &entries(&headers), Some(&body));
        assert!(asked.is_empty(), "status {status}, {headers:?}");
        let resp = answer_of(reply);
        assert_eq!((resp.status, resp.body.len()), (0, 0));
    }
    // No body after all: passed.
    let (reply, asked) = apisix.resp_call(token, 200, &entries(&json_headers(10)), None);
    assert_eq!(asked, vec![InfoReq::RespBody]);
    assert_eq!(answer_of(reply).body.len(), 0);
}

#[test]
fn compressed_oversized_and_malformed_answers_get_a_clear_answer() {
    let runner = Runner::start(&config("max_body_bytes = 4096\n"));
    let mut apisix = runner.connect();
    let token = apisix.token("{}");

    // gzip is decoded, and the rewritten body goes out plain.
    let body = completion(&format!("Reach {EMAIL}"));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&body).expect("gzip");
    let gz = gz.finish().expect("gzip");
    let mut headers = json_headers(gz.len());
    headers.push((b"Content-Encoding".to_vec(), b"gzip".to_vec()));
    let (reply, _) = apisix.resp_call(token, 200, &entries(&headers), Some(&gz));
    let resp = answer_of(reply);
    let doc: Value = serde_json::from_slice(&resp.body).expect("plain JSON");
    assert_eq!(doc["choices"][0]["message"]["content"], "Reach [EMAIL_1]");
    assert_eq!(header(&resp, "content-encoding"), None);

    // Declared over the limit: withheld (fail closed) without fetching.
    let (reply, asked) = apisix.resp_call(token, 200, &entries(&json_headers(10_000)), Some(&body));
    assert!(asked.is_empty());
    let resp = answer_of(reply);
    assert_eq!(resp.status, 502);
    let err: Value = serde_json::from_slice(&resp.body).expect("JSON");
    assert_eq!(err["error"]["code"], "response_unreadable");

    // Malformed JSON and SSE are read as text, never a crash.
    for (ct, bad) in [
        (
            "application/json",
            format!("{{\"choices\": [ {EMAIL}").into_bytes(),
        ),
        (
            "text/event-stream",
            format!("data: {{broken\n\ndata: {EMAIL}\n\n").into_bytes(),
        ),
        ("text/event-stream", vec![0xff, 0xfe, b'\n', b'\n']),
    ] {
        let headers: Headers = vec![(b"content-type".to_vec(), ct.as_bytes().to_vec())];
        let (reply, _) = apisix.resp_call(token, 200, &entries(&headers), Some(&bad));
        let resp = answer_of(reply);
        assert!(!String::from_utf8_lossy(&resp.body).contains(EMAIL), "{ct}");
    }

    // An unknown token is refused like on the request path.
    let (reply, _) = apisix.resp_call(token + 1000, 200, &[], None);
    assert!(matches!(reply, Reply::Err(_)), "{reply:?}");
}

#[test]
fn deflate_and_brotli_answers_are_decoded_too() {
    let runner = Runner::start(&config(""));
    let mut apisix = runner.connect();
    let token = apisix.token("{}");
    let body = completion(&format!("Reach {EMAIL}"));
    let mut deflate = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    deflate.write_all(&body).expect("deflate");
    let deflate = deflate.finish().expect("deflate");
    let mut br = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut br, 4096, 5, 22);
        writer.write_all(&body).expect("brotli");
    }
    for (coding, bytes) in [("deflate", deflate), ("br", br)] {
        let mut headers = json_headers(bytes.len());
        headers.push((b"Content-Encoding".to_vec(), coding.as_bytes().to_vec()));
        let (reply, _) = apisix.resp_call(token, 200, &entries(&headers), Some(&bytes));
        let resp = answer_of(reply);
        let doc: Value =
            serde_json::from_slice(&resp.body).unwrap_or_else(|e| panic!("{coding}: {e}"));
        assert_eq!(
            doc["choices"][0]["message"]["content"], "Reach [EMAIL_1]",
            "{coding}"
        );
        assert_eq!(header(&resp, "content-encoding"), None, "{coding}");
    }
}
