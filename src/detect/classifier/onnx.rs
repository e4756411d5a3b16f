//! The ONNX model reader: `model.onnx` decoded with `prost` into the types generated
//! from `schema/onnx.proto` (`onnx_proto.rs`), then reduced to what the native
//! evaluator compares (`native.rs`): the graph's nodes, its initializers by name and the
//! names of its inputs and outputs.
//!
//! A model this reader cannot take (bytes that are not an ONNX protobuf, no graph,
//! tensors stored other than as inline raw data, sparse initializers, attributes other
//! than integers) gives an [`OnnxError`]; the caller then runs the model in ONNX Runtime.
//! Decoding never panics and never allocates more than the input holds (prost checks
//! every length against the bytes left, and bounds nesting).

use std::collections::HashMap;

use prost::Message as _;

use super::onnx_proto as pb;
use pb::attribute_proto::AttributeType;
use pb::tensor_proto::{DataLocation, DataType};

/// ONNX `TensorProto.DataType` values this reader keeps.
pub(crate) const FLOAT: i64 = DataType::Float as i64;
pub(crate) const INT8: i64 = DataType::Int8 as i64;
pub(crate) const INT64: i64 = DataType::Int64 as i64;

/// Why a model's bytes are not a graph this reader takes.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OnnxError {
    /// The bytes are not a protobuf `ModelProto` (truncated, a bad length or wire
    /// type, a string that is not UTF-8, nesting too deep).
    #[error("model.onnx does not decode as an ONNX model: {0}")]
    Decode(#[from] prost::DecodeError),
    /// The model has no graph.
    #[error("model.onnx has no graph")]
    NoGraph,
    /// The graph uses something the reader does not take (named).
    #[error("model.onnx: {0} (read only by ONNX Runtime)")]
    Unsupported(&'static str),
}

/// A graph node: operator, input and output names, attributes.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Node {
    pub op: String,
    pub domain: String,
    pub inputs: Vec<String>,
    pub outputs: Vec<String>,
    pub attrs: Vec<Attr>,
}

/// A node attribute (integers and integer lists are all the static graph uses).
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Attr {
    pub name: String,
    pub i: Option<i64>,
    pub ints: Vec<i64>,
    /// Any other payload (floats, strings, tensors, graphs, a reference to a function
    /// attribute) or a type other than INT and INTS: the graph is not ours.
    pub other: bool,
}

/// An initializer's shape, type and little-endian bytes.
#[derive(Debug, Default)]
pub(crate) struct Tensor {
    pub dims: Vec<i64>,
    pub data_type: i64,
    pub raw: Vec<u8>,
}

impl Tensor {
    /// The values as f32 when the tensor is FLOAT.
    pub(crate) fn f32s(&self) -> Option<Vec<f32>> {
        (self.data_type == FLOAT && self.raw.len().is_multiple_of(4)).then(|| {
            self.raw
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect()
        })
    }

    /// The values as i64 when the tensor is INT64.
    pub(crate) fn i64s(&self) -> Option<Vec<i64>> {
        (self.data_type == INT64 && self.raw.len().is_multiple_of(8)).then(|| {
            self.raw
                .chunks_exact(8)
                .map(|c| i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                .collect()
        })
    }

    /// Number of elements the dims describe (`None` on a negative or overflowing dim).
    pub(crate) fn len(&self) -> Option<usize> {
        self.dims.iter().try_fold(1usize, |n, &d| {
            usize::try_from(d).ok().and_then(|d| n.checked_mul(d))
        })
    }
}

/// The graph of a model: nodes in file order, initializers by name, input names.
#[derive(Debug, Default)]
pub(crate) struct Graph {
    pub nodes: Vec<Node>,
    pub initializers: HashMap<String, Tensor>,
    pub inputs: Vec<String>,
    pub outputs: Vec<String>,
}

/// Reads `ModelProto.graph` from the bytes of a `.onnx` file.
///
/// # Errors
/// [`OnnxError`] when the bytes do not decode, hold no graph, or the graph uses
/// something this reader does not take.
pub(crate) fn read_graph(model: &[u8]) -> Result<Graph, OnnxError> {
    let model = pb::ModelProto::decode(model)?;
    let graph = model.graph.ok_or(OnnxError::NoGraph)?;
    if !graph.sparse_initializer.is_empty() {
        return Err(OnnxError::Unsupported("sparse initializers"));
    }
    let names = |values: Vec<pb::ValueInfoProto>| -> Result<Vec<String>, OnnxError> {
        values
            .into_iter()
            .map(|v| {
                v.name.ok_or(OnnxError::Unsupported(
                    "a graph input or output without a name",
                ))
            })
            .collect()
    };
    let mut initializers = HashMap::with_capacity(graph.initializer.len());
    for tensor in graph.initializer {
        let (name, tensor) = tensor_of(tensor)?;
        initializers.insert(name, tensor);
    }
    Ok(Graph {
        nodes: graph.node.into_iter().map(node_of).collect(),
        initializers,
        inputs: names(graph.input)?,
        outputs: names(graph.output)?,
    })
}

fn node_of(node: pb::NodeProto) -> Node {
    Node {
        op: node.op_type.unwrap_or_default(),
        domain: node.domain.unwrap_or_default(),
        inputs: node.input,
        outputs: node.output,
        attrs: node.attribute.into_iter().map(attr_of).collect(),
    }
}

fn attr_of(attr: pb::AttributeProto) -> Attr {
    let integer_type = matches!(
        attr.r#type.map(AttributeType::try_from),
        None | Some(Ok(AttributeType::Int | AttributeType::Ints))
    );
    let other = !integer_type
        || attr.ref_attr_name.is_some()
        || attr.f.is_some()
        || attr.s.is_some()
        || attr.t.is_some()
        || attr.g.is_some()
        || attr.sparse_tensor.is_some()
        || !attr.floats.is_empty()
        || !attr.strings.is_empty()
        || !attr.tensors.is_empty()
        || !attr.graphs.is_empty()
        || !attr.sparse_tensors.is_empty();
    Attr {
        name: attr.name.unwrap_or_default(),
        i: attr.i,
        ints: attr.ints,
        other,
    }
}

/// An initializer with its name; only inline raw data is taken.
fn tensor_of(tensor: pb::TensorProto) -> Result<(String, Tensor), OnnxError> {
    let inline = matches!(
        tensor.data_location.map(DataLocation::try_from),
        None | Some(Ok(DataLocation::Default))
    );
    if !inline || !tensor.external_data.is_empty() {
        return Err(OnnxError::Unsupported("tensor data outside the file"));
    }
    if tensor.segment.is_some() {
        return Err(OnnxError::Unsupported("a tensor stored in segments"));
    }
    if !(tensor.float_data.is_empty()
        && tensor.int32_data.is_empty()
        && tensor.string_data.is_empty()
        && tensor.int64_data.is_empty()
        && tensor.double_data.is_empty()
        && tensor.uint64_data.is_empty())
    {
        return Err(OnnxError::Unsupported(
            "tensor data in typed fields, not raw_data",
        ));
    }
    let name = tensor
        .name
        .ok_or(OnnxError::Unsupported("an initializer without a name"))?;
    Ok((
        name,
        Tensor {
            dims: tensor.dims,
            data_type: i64::from(tensor.data_type.unwrap_or_default()),
            raw: tensor.raw_data.unwrap_or_default(),
        },
    ))
}
