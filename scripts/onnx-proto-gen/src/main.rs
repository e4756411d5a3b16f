//! Writes the Rust types of a `.proto` file with prost-build: the generator behind
//! `scripts/regen-onnx-proto.sh`, which passes the schema, its include folder and the
//! output folder. prost-build runs `protoc` (on PATH, or `$PROTOC`) to parse the schema.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [proto, include, out] = &args[..] else {
        eprintln!("usage: onnx-proto-gen SCHEMA.proto INCLUDE_DIR OUT_DIR");
        return ExitCode::from(2);
    };
    match prost_build::Config::new()
        .out_dir(out)
        .compile_protos(&[proto], &[include])
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("onnx-proto-gen: {error}");
            ExitCode::FAILURE
        }
    }
}
