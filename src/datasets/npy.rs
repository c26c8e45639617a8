//! NumPy `.npy` (format version 1.0) encoding of f32 tensors, so the training
//! scripts read the generated data with a plain `np.load`.

use crate::{Result, Tensor, err};
use std::path::Path;

const MAGIC: &[u8] = b"\x93NUMPY";

/// The bytes of a little-endian float32 C-order `.npy` file.
pub fn encode(tensor: &Tensor) -> Vec<u8> {
    let dims: Vec<String> = tensor.shape.iter().map(|d| d.to_string()).collect();
    let shape = match dims.len() {
        1 => format!("({},)", dims[0]),
        _ => format!("({})", dims.join(", ")),
    };
    let mut header = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}");
    // The format pads the header with spaces and a final newline so that the
    // data starts on a 64-byte boundary (magic + version + length = 10 bytes).
    let unpadded = MAGIC.len() + 2 + 2 + header.len() + 1;
    header.push_str(&" ".repeat((64 - unpadded % 64) % 64));
    header.push('\n');

    let mut bytes = Vec::with_capacity(10 + header.len() + 4 * tensor.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&[1, 0]);
    bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
    bytes.extend_from_slice(header.as_bytes());
    for v in &tensor.data {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    bytes
}

pub fn write(path: &Path, tensor: &Tensor) -> Result<()> {
    std::fs::write(path, encode(tensor)).map_err(|e| err!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(bytes: &[u8]) -> &str {
        let len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
        std::str::from_utf8(&bytes[10..10 + len]).unwrap()
    }

    #[test]
    fn header_describes_shape_and_aligns_data() {
        let t = Tensor::new(vec![2, 1, 3], vec![0.0, 1.0, 2.0, 3.0, 4.0, 0.5]).unwrap();
        let bytes = encode(&t);
        assert_eq!(&bytes[..8], b"\x93NUMPY\x01\x00");
        let h = header(&bytes);
        assert!(h.starts_with("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1, 3), }"));
        assert!(h.ends_with('\n'));
        let start = 10 + h.len();
        assert_eq!(start % 64, 0);
        assert_eq!(bytes.len(), start + 6 * 4);
        assert_eq!(&bytes[start + 20..], &0.5f32.to_le_bytes());
    }

    #[test]
    fn one_dimensional_shape_has_trailing_comma() {
        let t = Tensor::new(vec![3], vec![0.0, 1.0, 0.0]).unwrap();
        assert!(header(&encode(&t)).contains("'shape': (3,), }"));
    }

    #[test]
    fn write_creates_the_file() {
        let dir = std::env::temp_dir().join(format!("shiftlab-npy-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.npy");
        let t = Tensor::new(vec![1, 2], vec![1.0, 2.0]).unwrap();
        write(&path, &t).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), encode(&t));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
