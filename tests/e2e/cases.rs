//! The case files over the wire: every row's text as written, in an OpenAI
//! chat body, through the real runner over its socket, as APISIX sends it.
//! The case harness (`src/pipeline/cases/`) runs every row in process under
//! every view, variant, API shape and L0 tier; this adds the binary, the
//! frames and the reply APISIX acts on: a `fires` row is stopped by L1, a
//! `quiet` one passes untouched. Case files and their format:
//! `src/detect/keywords/testdata/cases/README.md`.

use promptgate::protocol::peer::{Action, Reply};

use crate::support::{Apisix, Runner, stop_of};

/// The harness's loader, the one reader of the case files.
#[allow(dead_code)]
#[path = "../../src/pipeline/cases/load.rs"]
mod load;

use load::{Packs, PiiCollection, Row, RuleCollection};

/// L2 off (these are the deterministic layers' cases) and budgets no busy
/// test machine reaches.
const BASE: &str =
    "[policy.l2]\nenabled = false\n[policy.budgets]\nl1_ms = 600000\npii_ms = 600000\n";

fn runner(packs: Packs) -> Runner {
    let config = match packs {
        Packs::Test => format!(
            "{BASE}[rules]\nembedded = false\ndir = {:?}\n",
            concat!(env!("CARGO_MANIFEST_DIR"), "/src/detect/keywords/testdata")
        ),
        Packs::Shipped => BASE.to_owned(),
    };
    Runner::start(&config)
}

/// `text` as the row's role says, after a system message.
fn chat(role: &str, text: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "model": "gpt-4o-mini",
        "messages": [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": role, "content": text},
        ]
    }))
    .expect("serialize chat body")
}

/// The layer and code of a Stop, `None` for anything that lets the request on.
fn stopped_by(reply: &Reply) -> Option<(String, String)> {
    let (_, json) = stop_of(reply)?;
    let field = |k: &str| json["error"][k].as_str().unwrap_or_default().to_owned();
    Some((field("layer"), field("code")))
}

fn post(apisix: &mut Apisix, token: u32, row: &dyn Row) -> Reply {
    apisix.post(token, &chat(row.role(), row.text()), &[]).0
}

#[test]
fn every_rule_row_as_written_through_the_socket() {
    let mut failures = Vec::new();
    let mut sent = 0;
    for (name, collection) in load::collections::<RuleCollection>(load::RULE_CASES) {
        for &packs in &collection.packs {
            let runner = runner(packs);
            let mut apisix = runner.connect();
            let token = apisix.token("{}");
            let kinds = [("fires", &collection.fires), ("quiet", &collection.quiet)];
            for (kind, rows) in kinds {
                for (index, row) in rows.iter().enumerate() {
                    let at = format!("{name} [{packs:?} packs] › {}", row.label(kind, index));
                    let reply = post(&mut apisix, token, row);
                    sent += 1;
                    let by = stopped_by(&reply);
                    let untouched =
                        matches!(&reply, Reply::ReqCall(r) if r.action == Action::Continue);
                    match kind {
                        "fires" if by != Some(("L1".into(), "prompt_injection".into())) => {
                            failures.push(format!("{at}: not stopped by L1: {by:?}"));
                        }
                        "quiet" if !untouched => {
                            failures.push(format!("{at}: not passed untouched: {reply:?}"))
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    assert!(sent > 60, "the case files were read ({sent} rows)");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_pii_row_through_the_socket() {
    let runner = runner(Packs::Test);
    let mut apisix = runner.connect();
    let token = apisix.token("{}");
    let mut failures = Vec::new();
    let mut sent = 0;
    for (name, collection) in load::collections::<PiiCollection>(load::PII_CASES) {
        let kinds = [("finds", &collection.finds), ("quiet", &collection.quiet)];
        for (kind, rows) in kinds {
            for (index, row) in rows.iter().enumerate() {
                let at = format!("{name} › {}", row.label(kind, index));
                let reply = post(&mut apisix, token, row);
                sent += 1;
                if let Err(problem) = pii_reply(&reply, row) {
                    failures.push(format!("{at}: {problem}"));
                }
            }
        }
    }
    assert!(sent > 50, "the case files were read ({sent} rows)");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A row with PII is stopped by L1.5 or rewritten with a placeholder per
/// type and none of its values; a look-alike passes untouched.
fn pii_reply(reply: &Reply, row: &load::PiiRow) -> Result<(), String> {
    if let Some(by) = stopped_by(reply) {
        return match row.pii.is_empty() || by != ("L1.5".into(), "pii_detected".into()) {
            true => Err(format!("stopped: {by:?}")),
            false => Ok(()),
        };
    }
    let Reply::ReqCall(resp) = reply else {
        return Err(format!("not a call reply: {reply:?}"));
    };
    let body = match &resp.action {
        Action::Rewrite {
            body: Some(body), ..
        } => body,
        Action::Continue if row.pii.is_empty() => return Ok(()),
        other => return Err(format!("neither stopped nor rewritten: {other:?}")),
    };
    if row.pii.is_empty() {
        return Err("a look-alike was rewritten".into());
    }
    let json: serde_json::Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let text = json["messages"][1]["content"].as_str().unwrap_or_default();
    for pii in &row.pii {
        if !text.contains(&format!("[{}_", pii.ty)) {
            return Err(format!("no {} placeholder in the rewritten text", pii.ty));
        }
        if text.contains(&pii.value) {
            return Err(format!("a {} value is still in the rewritten text", pii.ty));
        }
    }
    Ok(())
}
