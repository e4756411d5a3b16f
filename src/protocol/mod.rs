//! APISIX ext-plugin wire protocol: frame codec, flatbuffers bindings and reply
//! builders. Knows nothing about detection.
