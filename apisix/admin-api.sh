#!/usr/bin/env bash
# The routes of apisix/apisix.yaml as Admin API calls, for a traditional deployment
# (etcd, Admin API on 9180). Idempotent: PUT replaces each object.
#
#   APISIX_ADMIN=http://127.0.0.1:9180 ADMIN_KEY=... UPSTREAM=llm-backend:8000 apisix/admin-api.sh
#
# The promptgate value is a JSON object inside a JSON string: escape its quotes.
# tests/e2e/deploy.rs extracts every value from this file and checks it against the
# runner's own validation.
set -euo pipefail

admin="${APISIX_ADMIN:-http://127.0.0.1:9180}"
key="${ADMIN_KEY:?set ADMIN_KEY to the Admin API key of conf/config.yaml (deployment.admin.admin_key)}"
upstream="${UPSTREAM:-mock-upstream:8000}"

put() {
  local path="$1" body="$2"
  curl --fail-with-body --silent --show-error -X PUT "${admin}/apisix/admin/${path}" \
    -H "X-API-KEY: ${key}" -H "Content-Type: application/json" -d "${body}"
  echo
}

put upstreams/llm '{
  "type": "roundrobin",
  "scheme": "http",
  "nodes": {"'"${upstream}"'": 1},
  "timeout": {"connect": 5, "send": 60, "read": 300}
}'

put routes/chat-completions '{
  "uri": "/v1/chat/completions",
  "methods": ["POST"],
  "plugins": {
    "ext-plugin-pre-req": {
      "conf": [{"name": "promptgate", "value": "{\"policy\":\"strict\",\"api\":\"openai\"}"}],
      "allow_degradation": false
    }
  },
  "upstream_id": "llm"
}'

put routes/responses '{
  "uri": "/v1/responses",
  "methods": ["POST"],
  "plugins": {
    "ext-plugin-pre-req": {
      "conf": [{"name": "promptgate", "value": "{\"policy\":\"strict\",\"api\":\"openai\"}"}],
      "allow_degradation": false
    }
  },
  "upstream_id": "llm"
}'

put routes/messages '{
  "uri": "/v1/messages",
  "methods": ["POST"],
  "plugins": {
    "ext-plugin-pre-req": {
      "conf": [{"name": "promptgate", "value": "{\"policy\":\"strict\",\"api\":\"anthropic\",\"mode\":\"shadow\"}"}],
      "allow_degradation": false
    }
  },
  "upstream_id": "llm"
}'

put routes/embeddings '{
  "uri": "/v1/embeddings",
  "methods": ["POST"],
  "plugins": {
    "ext-plugin-pre-req": {
      "conf": [{"name": "promptgate", "value": "{\"policy\":\"embeddings\",\"api\":\"openai\",\"max_body_bytes\":4194304}"}],
      "allow_degradation": true
    }
  },
  "upstream_id": "llm"
}'

put routes/chat-answers '{
  "uri": "/v1/leaky/chat/completions",
  "methods": ["POST"],
  "plugins": {
    "ext-plugin-pre-req": {
      "conf": [{"name": "promptgate", "value": "{\"policy\":\"answers\",\"api\":\"openai\"}"}],
      "allow_degradation": false
    },
    "ext-plugin-post-resp": {
      "conf": [{"name": "promptgate", "value": "{\"policy\":\"answers\",\"api\":\"openai\"}"}],
      "allow_degradation": false
    }
  },
  "upstream_id": "llm"
}'

put routes/models '{
  "uri": "/v1/models",
  "methods": ["GET"],
  "upstream_id": "llm"
}'
