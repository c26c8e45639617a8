//! Reading a user's ONNX file, with words for everything that can be wrong with it:
//! too large, empty, cut short, not ONNX at all, weights in a second file, an op tract
//! cannot run. `crate::model` and `crate::inspect` both read files through here, so the
//! page's inspection and a lab's run refuse a file with the same sentence.

use crate::{Result, err};
use tract_onnx::pb::{ModelProto, NodeProto, TensorProto, tensor_proto::DataLocation};
use tract_onnx::prelude::*;

/// Largest model file accepted: a browser tab holds the file, tract's copy of the weights
/// and the plans; past this the tab runs out of memory.
pub const MAX_MODEL_BYTES: usize = 200 * 1024 * 1024;

/// The tract version named in messages about what it cannot run.
pub const TRACT: &str = "tract 0.23";

/// What a file that is not an ONNX model most likely is, from its first bytes.
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"\x89PNG") {
        Some("a PNG image")
    } else if starts(b"\xff\xd8\xff") {
        Some("a JPEG image")
    } else if starts(b"PK\x03\x04") {
        Some(
            "a zip archive (a PyTorch checkpoint or a Keras .keras file?): export it with `torch.onnx.export` or tf2onnx",
        )
    } else if starts(b"\x89HDF") {
        Some("an HDF5 file (a Keras .h5 model?): convert it with tf2onnx")
    } else if bytes.get(4..8) == Some(b"TFL3") {
        Some("a TensorFlow Lite model: convert it with tf2onnx")
    } else if bytes
        .iter()
        .take(256)
        .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace())
    {
        Some("a text file")
    } else {
        None
    }
}

/// Decode `bytes` as an ONNX model, refusing what ShiftLab cannot read.
pub fn read(bytes: &[u8]) -> Result<ModelProto> {
    if bytes.is_empty() {
        return Err(err!("the ONNX file is empty"));
    }
    if bytes.len() > MAX_MODEL_BYTES {
        return Err(err!(
            "the model file is {} MB; a browser tab can hold models up to {} MB",
            bytes.len() / (1024 * 1024),
            MAX_MODEL_BYTES / (1024 * 1024)
        ));
    }
    if let Some(kind) = sniff(bytes) {
        return Err(err!("this is not an ONNX model but {kind}"));
    }
    let proto = tract_onnx::onnx()
        .proto_model_for_read(&mut &bytes[..])
        .map_err(|e| {
            // Every ONNX file opens with field 1 (ir_version) as a varint: tag byte 0x08.
            if bytes[0] == 0x08 {
                err!(
                    "the ONNX file is damaged or cut short (was the download or copy interrupted?): {e}"
                )
            } else {
                err!("this is not an ONNX model (it does not decode as one: {e})")
            }
        })?;
    let Some(graph) = &proto.graph else {
        return Err(err!(
            "this is not a complete ONNX model: it has no graph (a file cut short?)"
        ));
    };
    if graph.node.is_empty() || graph.output.is_empty() {
        return Err(err!(
            "this is not a complete ONNX model: its graph has no nodes or no outputs"
        ));
    }
    refuse_external_data(&proto)?;
    Ok(proto)
}

fn is_external(t: &TensorProto) -> bool {
    t.data_location == Some(DataLocation::External as i32) || !t.external_data.is_empty()
}

/// Models saved with their weights in a second file cannot be read from one upload.
fn refuse_external_data(proto: &ModelProto) -> Result<()> {
    let graph = proto.graph.as_ref().expect("read checked the graph");
    let attribute_tensors = graph
        .node
        .iter()
        .flat_map(|n| &n.attribute)
        .filter_map(|a| a.t.as_ref());
    let Some(tensor) = graph
        .initializer
        .iter()
        .chain(attribute_tensors)
        .find(|t| is_external(t))
    else {
        return Ok(());
    };
    let location = tensor
        .external_data
        .iter()
        .find(|kv| kv.key == "location")
        .map_or("another file".to_string(), |kv| format!("`{}`", kv.value));
    Err(err!(
        "the weights of this model are stored in {location}, outside the .onnx file; ShiftLab \
         reads one self-contained file: re-export it with `torch.onnx.export(..., external_data=False)` \
         or save it with `onnx.save_model(model, \"model.onnx\", save_as_external_data=False)` \
         (possible up to 2 GB)"
    ))
}

/// The name tract gives node `node`: its own, else its first output's.
pub fn node_name(node: &NodeProto) -> &str {
    if node.name.is_empty() {
        node.output.first().map_or("", String::as_str)
    } else {
        &node.name
    }
}

/// The first node whose op tract has no implementation of.
pub fn unsupported_node(proto: &ModelProto) -> Option<&NodeProto> {
    let ops = tract_onnx::onnx();
    proto
        .graph
        .as_ref()?
        .node
        .iter()
        .find(|n| !ops.op_register.0.contains_key(&n.op_type))
}

/// The sentence for node `node` that tract cannot run, with tract's reason if any.
pub fn unsupported(node: &NodeProto, reason: Option<&str>) -> crate::Error {
    let domain = if node.domain.is_empty() || node.domain == "ai.onnx" {
        String::new()
    } else {
        format!(" from domain {}", node.domain)
    };
    let reason = reason.map_or(String::new(), |r| format!(": {r}"));
    err!(
        "node `{}` ({}{domain}) is not supported by {TRACT}{reason}",
        node_name(node),
        node.op_type
    )
}

/// tract's model of `proto`, with the shapes recorded in the file ignored: the input
/// facts come from the description, and recorded shapes would pin a fully convolutional
/// model to its export size.
pub fn to_tract(proto: &ModelProto) -> Result<InferenceModel> {
    if let Some(node) = unsupported_node(proto) {
        return Err(unsupported(node, None));
    }
    tract_onnx::onnx()
        .with_ignore_output_shapes(true)
        .with_ignore_value_info(true)
        .model_for_proto_model(proto)
        .map_err(|e| {
            // tract says "Building node <name> (<op>)" above the reason it refused a node.
            let chain: Vec<String> = e.chain().map(|c| c.to_string()).collect();
            let graph = proto.graph.as_ref().expect("read checked the graph");
            let refused = graph.node.iter().find(|n| {
                let building = format!("Building node {} ({})", n.name, n.op_type);
                chain.contains(&building)
            });
            match refused {
                Some(node) => unsupported(node, chain.last().map(String::as_str)),
                None => err!("tract cannot read this model: {e:#}"),
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_file_is_is_told_from_its_first_bytes() {
        for (bytes, kind) in [
            (&b"\x89PNG\r\n\x1a\n...."[..], "PNG"),
            (b"PK\x03\x04archive", "PyTorch"),
            (b"\x89HDF\r\n\x1a\n", "Keras"),
            (b"{\"models\": []}", "text"),
        ] {
            let message = read(bytes).unwrap_err().0;
            assert!(message.contains(kind), "{message}");
        }
        assert!(read(&[]).unwrap_err().0.contains("empty"));
        let damaged = read(&[0x08, 0x0a, 0x12, 0xff, 0xff]).unwrap_err().0;
        assert!(damaged.contains("cut short"), "{damaged}");
    }
}
