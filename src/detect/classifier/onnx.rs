//! Just enough of the ONNX protobuf format to read a graph's nodes and initializers.
//!
//! Used to recognise the static-embedding graph (see `native.rs`); anything this
//! reader does not understand makes it return `None`, and ONNX Runtime runs the model.
//! It never allocates more than the input holds (lengths are checked before slicing).

use std::collections::HashMap;

/// ONNX `TensorProto.DataType` values this reader keeps.
pub(crate) const FLOAT: i64 = 1;
pub(crate) const INT8: i64 = 3;
pub(crate) const INT64: i64 = 7;

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
    /// Any other payload (floats, strings, tensors, graphs): the graph is not ours.
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
        (self.data_type == FLOAT && self.raw.len() % 4 == 0).then(|| {
            self.raw
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect()
        })
    }

    /// The values as i64 when the tensor is INT64.
    pub(crate) fn i64s(&self) -> Option<Vec<i64>> {
        (self.data_type == INT64 && self.raw.len() % 8 == 0).then(|| {
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

/// Reads `ModelProto.graph`; `None` when the bytes are not a model this reader handles.
pub(crate) fn read_graph(model: &[u8]) -> Option<Graph> {
    let mut graph = None;
    for field in Fields::new(model) {
        let (number, value) = field?;
        if let (7, Value::Bytes(bytes)) = (number, value) {
            graph = Some(parse_graph(bytes)?);
        }
    }
    graph
}

fn parse_graph(bytes: &[u8]) -> Option<Graph> {
    let mut graph = Graph::default();
    for field in Fields::new(bytes) {
        match field? {
            (1, Value::Bytes(b)) => graph.nodes.push(parse_node(b)?),
            (5, Value::Bytes(b)) => {
                let (name, tensor) = parse_tensor(b)?;
                graph.initializers.insert(name, tensor);
            }
            (11, Value::Bytes(b)) => graph.inputs.push(value_info_name(b)?),
            (12, Value::Bytes(b)) => graph.outputs.push(value_info_name(b)?),
            // Sparse initializers: not ours.
            (15, _) => return None,
            _ => {}
        }
    }
    Some(graph)
}

fn value_info_name(bytes: &[u8]) -> Option<String> {
    for field in Fields::new(bytes) {
        if let (1, Value::Bytes(b)) = field? {
            return string(b);
        }
    }
    None
}

fn parse_node(bytes: &[u8]) -> Option<Node> {
    let mut node = Node::default();
    for field in Fields::new(bytes) {
        match field? {
            (1, Value::Bytes(b)) => node.inputs.push(string(b)?),
            (2, Value::Bytes(b)) => node.outputs.push(string(b)?),
            (4, Value::Bytes(b)) => node.op = string(b)?,
            (7, Value::Bytes(b)) => node.domain = string(b)?,
            (5, Value::Bytes(b)) => node.attrs.push(parse_attr(b)?),
            _ => {}
        }
    }
    Some(node)
}

fn parse_attr(bytes: &[u8]) -> Option<Attr> {
    let mut attr = Attr::default();
    for field in Fields::new(bytes) {
        match field? {
            (1, Value::Bytes(b)) => attr.name = string(b)?,
            (3, Value::Varint(v)) => attr.i = Some(v as i64),
            (8, Value::Varint(v)) => attr.ints.push(v as i64),
            (8, Value::Bytes(b)) => attr.ints.extend(packed_varints(b)?),
            // type (20) and doc_string (13) say nothing about the value.
            (20 | 13, _) => {}
            _ => attr.other = true,
        }
    }
    Some(attr)
}

fn parse_tensor(bytes: &[u8]) -> Option<(String, Tensor)> {
    let mut tensor = Tensor::default();
    let mut name = None;
    for field in Fields::new(bytes) {
        match field? {
            (1, Value::Varint(v)) => tensor.dims.push(v as i64),
            (1, Value::Bytes(b)) => tensor.dims.extend(packed_varints(b)?),
            (2, Value::Varint(v)) => tensor.data_type = v as i64,
            (8, Value::Bytes(b)) => name = Some(string(b)?),
            (9, Value::Bytes(b)) => tensor.raw = b.to_vec(),
            // Typed data fields, segments or external data: not the layout we read.
            (3..=7 | 10..=13 | 14, _) => return None,
            _ => {}
        }
    }
    Some((name?, tensor))
}

fn string(bytes: &[u8]) -> Option<String> {
    std::str::from_utf8(bytes).ok().map(str::to_owned)
}

fn packed_varints(mut bytes: &[u8]) -> Option<Vec<i64>> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let (v, rest) = varint(bytes)?;
        out.push(v as i64);
        bytes = rest;
    }
    Some(out)
}

fn varint(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let mut value = 0u64;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        value |= u64::from(b & 0x7F) << (7 * i);
        if b & 0x80 == 0 {
            return Some((value, &bytes[i + 1..]));
        }
    }
    None
}

/// One protobuf field value.
enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

/// The fields of one protobuf message, in order; yields `None` on malformed input.
struct Fields<'a> {
    rest: &'a [u8],
    failed: bool,
}

impl<'a> Fields<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Fields {
            rest: bytes,
            failed: false,
        }
    }

    fn next_field(&mut self) -> Option<(u64, Value<'a>)> {
        let (key, rest) = varint(self.rest)?;
        let value = match key & 7 {
            0 => {
                let (v, rest) = varint(rest)?;
                self.rest = rest;
                Value::Varint(v)
            }
            1 => {
                self.rest = rest.get(8..)?;
                Value::Fixed
            }
            2 => {
                let (len, rest) = varint(rest)?;
                let len = usize::try_from(len).ok()?;
                let bytes = rest.get(..len)?;
                self.rest = &rest[len..];
                Value::Bytes(bytes)
            }
            5 => {
                self.rest = rest.get(4..)?;
                Value::Fixed
            }
            _ => return None,
        };
        Some((key >> 3, value))
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = Option<(u64, Value<'a>)>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        let field = self.next_field();
        self.failed = field.is_none();
        Some(field)
    }
}
