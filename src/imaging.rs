//! Images on their way into a model: decode, fit to the input size, shift,
//! normalise — and back to pixels for display.

use crate::shift::{ShiftMode, shift_planes};
use crate::{Result, Tensor, err};
use image::imageops::FilterType;
use image::{ImageReader, Limits, RgbaImage};
use serde::{Deserialize, Serialize};
use std::io::Cursor;
use ts_rs::TS;

/// Largest side accepted from an upload: a hostile file cannot ask for gigabytes.
pub const MAX_SIDE: u32 = 8192;
/// Largest area accepted (about 24 megapixels), checked from the header before decoding.
pub const MAX_PIXELS: u64 = 24_000_000;
/// Most elongated picture accepted, long side ÷ short side: fitting a 8192×1 strip to a
/// square would otherwise blow it up to a huge intermediate.
pub const MAX_ASPECT: u32 = 16;
/// Decoded pictures are scaled down once so that their longer side is at most this; every
/// later fit, shift or crop then works on a small image.
pub const WORKING_SIDE: usize = 1024;

/// How far the "Crop" window can move before black enters: the source image is
/// fitted to the input size plus this margin on every side, and the input is a
/// window of it.
pub const CROP_MARGIN: usize = 16;

/// Width of the black frame "Embed" (Azulay & Weiss's "Black") keeps around the shrunk
/// image, and so its largest |dx| and |dy|. Azulay & Weiss shrink the picture and move it
/// inside a black 224×224 canvas without ever cutting it: their code pastes it resized to
/// 117–172 px (0.52–0.77 of the canvas) and moves it by one-pixel diagonal steps around
/// the centre. Here the frame is fixed in pixels instead, as wide as the shift lab's whole
/// range and the sweeps' eight diagonal steps of P(top-1 change): the image is shrunk only
/// as much as those shifts need — 0.5 on the 32×32 digits, 0.93 on a 224×224 photo.
pub const EMBED_MARGIN: usize = 8;

/// 8-bit RGBA pixels, row-major.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Image {
    pub width: usize,
    pub height: usize,
    #[serde(with = "serde_bytes")]
    #[ts(type = "Uint8Array")]
    pub rgba: Vec<u8>,
}

/// Largest input height or width a model is planned for: a 1024×1024 RGB batch of the
/// labs' size already takes hundreds of MB of feature maps in a browser tab.
pub const MAX_INPUT_SIDE: usize = 1024;

/// How a model file lays out an image input. The labs always build `[c, h, w]` planes
/// (NCHW); the model wrapper (`crate::model`) transposes them for an NHWC file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    #[default]
    Nchw,
    Nhwc,
}

/// The order of a colour input's channels in the file. The labs' planes are RGB; the
/// model wrapper reverses them for a BGR file (Caffe- and OpenCV-trained models).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ChannelOrder {
    #[default]
    Rgb,
    Bgr,
}

/// What a model input expects: `[c, h, w]` with c = 1 (grey) or 3 (colour), and the
/// per-channel normalisation `(v - mean) / std` applied to values in [0, 1], listed in
/// R, G, B order whatever `order` says (it is applied to the RGB planes). Other value
/// ranges are normalisations too: [0, 255] is mean 0, std 1/255 (0.00392156…);
/// [-1, 1] is mean 0.5, std 0.5.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct InputSpec {
    pub shape: Vec<usize>,
    pub mean: Vec<f32>,
    pub std: Vec<f32>,
    /// Absent means NCHW, so the shipped manifest need not say it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub layout: Option<Layout>,
    /// Absent means RGB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub order: Option<ChannelOrder>,
}

impl InputSpec {
    pub fn validate(&self) -> Result<(usize, usize, usize)> {
        let [c, h, w] = self.shape[..] else {
            return Err(err!(
                "an image input needs a [c, h, w] shape, got {:?}",
                self.shape
            ));
        };
        if c != 1 && c != 3 {
            return Err(err!("an image input needs 1 or 3 channels, got {c}"));
        }
        if h == 0 || w == 0 || h > MAX_INPUT_SIDE || w > MAX_INPUT_SIDE {
            return Err(err!(
                "input size {h}×{w} is out of range (1 to {MAX_INPUT_SIDE} a side)"
            ));
        }
        if self.mean.len() != c || self.std.len() != c {
            return Err(err!("normalisation needs {c} mean and std value(s)"));
        }
        if self.std.iter().any(|s| !s.is_finite() || *s == 0.0)
            || self.mean.iter().any(|m| !m.is_finite())
        {
            return Err(err!(
                "normalisation mean must be finite and std finite and non-zero"
            ));
        }
        Ok((c, h, w))
    }
}

impl Image {
    pub fn new(width: usize, height: usize, rgba: Vec<u8>) -> Result<Self> {
        if rgba.len() != width * height * 4 {
            return Err(err!(
                "a {width}×{height} RGBA image needs {} bytes, got {}",
                width * height * 4,
                rgba.len()
            ));
        }
        Ok(Image {
            width,
            height,
            rgba,
        })
    }

    fn to_rgba_image(&self) -> RgbaImage {
        RgbaImage::from_raw(self.width as u32, self.height as u32, self.rgba.clone())
            .expect("Image::new checked the buffer length")
    }
}

/// Decode a PNG or JPEG file.
pub fn decode(bytes: &[u8]) -> Result<Image> {
    if bytes.is_empty() {
        return Err(err!("the file is empty"));
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| err!("cannot read the file: {e}"))?;
    match reader.format() {
        Some(image::ImageFormat::Png | image::ImageFormat::Jpeg) => {}
        Some(other) => return Err(err!("{other:?} images are not supported: use PNG or JPEG")),
        None => return Err(err!("not a PNG or JPEG image")),
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    reader.limits(limits);
    let header = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map(|r| r.into_dimensions())
        .map_err(|e| err!("cannot read the file: {e}"))?
        .map_err(|e| err!("cannot decode the image: {e}"))?;
    check_size(header.0, header.1)?;
    let decoded = reader
        .decode()
        .map_err(|e| err!("cannot decode the image: {e}"))?;
    let rgba = decoded.to_rgba8();
    Ok(shrink_to_working_size(Image {
        width: rgba.width() as usize,
        height: rgba.height() as usize,
        rgba: rgba.into_raw(),
    }))
}

/// Refuse, before any pixel is decoded, a picture too large or too elongated to use.
fn check_size(width: u32, height: u32) -> Result<()> {
    if width == 0 || height == 0 {
        return Err(err!("the image is empty ({width}×{height})"));
    }
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(err!(
            "the image is {width}×{height}; at most {MAX_SIDE} pixels a side and {} megapixels are accepted",
            MAX_PIXELS / 1_000_000
        ));
    }
    let (long, short) = (width.max(height), width.min(height));
    if long > short * MAX_ASPECT {
        return Err(err!(
            "the image is {width}×{height}, more than {MAX_ASPECT} times longer than wide: crop it first"
        ));
    }
    Ok(())
}

fn shrink_to_working_size(img: Image) -> Image {
    let long = img.width.max(img.height);
    if long <= WORKING_SIDE {
        return img;
    }
    let scale = WORKING_SIDE as f64 / long as f64;
    let w = ((img.width as f64 * scale).round() as u32).max(1);
    let h = ((img.height as f64 * scale).round() as u32).max(1);
    let resized = image::imageops::resize(&img.to_rgba_image(), w, h, FilterType::Triangle);
    Image {
        width: w as usize,
        height: h as usize,
        rgba: resized.into_raw(),
    }
}

/// Fit an image to `w × h`. Smaller images are centred on black at their own scale
/// (so MNIST's 28×28 digits become exactly the padded 32×32 inputs of training);
/// larger ones are scaled to cover `w × h` and centre-cropped.
pub fn fit(img: &Image, w: usize, h: usize) -> Image {
    let scaled = if img.width <= w && img.height <= h {
        img.clone()
    } else {
        let s = f64::max(w as f64 / img.width as f64, h as f64 / img.height as f64);
        let nw = ((img.width as f64 * s).round() as u32).max(w as u32);
        let nh = ((img.height as f64 * s).round() as u32).max(h as u32);
        let resized = image::imageops::resize(&img.to_rgba_image(), nw, nh, FilterType::Triangle);
        Image {
            width: nw as usize,
            height: nh as usize,
            rgba: resized.into_raw(),
        }
    };
    let (ow, oh) = (w, h);
    let left = (ow as i64 - scaled.width as i64).div_euclid(2);
    let top = (oh as i64 - scaled.height as i64).div_euclid(2);
    let mut rgba = vec![0u8; ow * oh * 4];
    for y in 0..oh {
        for x in 0..ow {
            let (sx, sy) = (x as i64 - left, y as i64 - top);
            let dst = (y * ow + x) * 4;
            if (0..scaled.width as i64).contains(&sx) && (0..scaled.height as i64).contains(&sy) {
                let src = (sy as usize * scaled.width + sx as usize) * 4;
                rgba[dst..dst + 4].copy_from_slice(&scaled.rgba[src..src + 4]);
            } else {
                rgba[dst + 3] = 255;
            }
        }
    }
    Image {
        width: ow,
        height: oh,
        rgba,
    }
}

/// Pixels as `[c, h, w]` planes in [0, 1]; grey when `channels` is 1.
pub fn to_planes(img: &Image, channels: usize) -> Tensor {
    let n = img.width * img.height;
    let mut data = vec![0.0f32; channels * n];
    for (i, px) in img.rgba.chunks_exact(4).enumerate() {
        if channels == 1 {
            // Grey inputs stay bit-exact: training saw v / 255, not a weighted sum.
            let v = if px[0] == px[1] && px[1] == px[2] {
                px[0] as f32
            } else {
                0.299 * px[0] as f32 + 0.587 * px[1] as f32 + 0.114 * px[2] as f32
            };
            data[i] = v / 255.0;
        } else {
            for c in 0..channels {
                data[c * n + i] = px[c] as f32 / 255.0;
            }
        }
    }
    Tensor {
        shape: vec![channels, img.height, img.width],
        data,
    }
}

/// `[c, h, w]` planes in [0, 1] back to displayable pixels.
pub fn planes_to_image(t: &Tensor) -> Image {
    let (c, h, w) = crate::shift::plane_dims(t);
    let n = h * w;
    let mut rgba = vec![255u8; n * 4];
    for i in 0..n {
        for k in 0..3 {
            let v = t.data[(if c == 1 { 0 } else { k }) * n + i];
            rgba[i * 4 + k] = (v.clamp(0.0, 1.0) * 255.0).round() as u8;
        }
    }
    Image {
        width: w,
        height: h,
        rgba,
    }
}

/// Per-channel `(v - mean) / std`.
pub fn normalise(t: &Tensor, spec: &InputSpec) -> Tensor {
    let (c, h, w) = crate::shift::plane_dims(t);
    let mut out = t.clone();
    for ch in 0..c {
        for v in &mut out.data[ch * h * w..(ch + 1) * h * w] {
            *v = (*v - spec.mean[ch]) / spec.std[ch];
        }
    }
    out
}

/// A model input ready to run, and what it looks like.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub tensor: Tensor,
    pub preview: Image,
}

/// Fit `img` to the input of `spec`, move its content by `(dx, dy)` and normalise.
pub fn prepare(
    img: &Image,
    spec: &InputSpec,
    dx: i64,
    dy: i64,
    mode: ShiftMode,
) -> Result<Prepared> {
    let (c, h, w) = spec.validate()?;
    if img.width == 0 || img.height == 0 {
        return Err(err!("the image is empty"));
    }
    let planes = match mode {
        ShiftMode::Crop => {
            // The window moves over a larger fit of the image, so real content
            // enters; it moves left when the content should move right.
            let source = to_planes(&fit(img, w + 2 * CROP_MARGIN, h + 2 * CROP_MARGIN), c);
            crop_window(
                &source,
                CROP_MARGIN as i64 - dx,
                CROP_MARGIN as i64 - dy,
                w,
                h,
            )
        }
        ShiftMode::Embed => {
            check_shift(mode, dx, dy)?;
            // Inside the frame a black shift cuts nothing: the shrunk image just moves.
            shift_planes(&to_planes(&embed(img, w, h)?, c), dx, dy, ShiftMode::Black)
        }
        ShiftMode::Black | ShiftMode::Circular => {
            shift_planes(&to_planes(&fit(img, w, h), c), dx, dy, mode)
        }
    };
    Ok(Prepared {
        preview: planes_to_image(&planes),
        tensor: normalise(&planes, spec),
    })
}

/// Refuse a shift that would push `Embed`'s shrunk image out of its black frame, whose
/// point is that nothing is ever cut. Other modes take any shift.
pub fn check_shift(mode: ShiftMode, dx: i64, dy: i64) -> Result<()> {
    let reach = EMBED_MARGIN as i64;
    if mode == ShiftMode::Embed && (dx.abs() > reach || dy.abs() > reach) {
        return Err(err!(
            "Embed moves the shrunk image inside a black frame of {reach} px, so shifts go from −{reach} to {reach} px; got ({dx}, {dy})"
        ));
    }
    Ok(())
}

/// The unshifted input of `Embed`: `img` fitted to `w × h` as the other modes show it,
/// shrunk by one factor on both axes (Triangle filter, like every resize here) until a
/// black frame of at least `EMBED_MARGIN` px surrounds it, and centred on a black
/// `w × h` canvas as `fit` centres a small image.
pub fn embed(img: &Image, w: usize, h: usize) -> Result<Image> {
    let frame = 2 * EMBED_MARGIN;
    if w <= frame || h <= frame {
        return Err(err!(
            "Embed keeps a black frame of {EMBED_MARGIN} px around the image, so it needs an input larger than {frame}×{frame}; this one is {w}×{h}"
        ));
    }
    let s = f64::min((w - frame) as f64 / w as f64, (h - frame) as f64 / h as f64);
    let sw = ((w as f64 * s).round() as u32).clamp(1, (w - frame) as u32);
    let sh = ((h as f64 * s).round() as u32).clamp(1, (h - frame) as u32);
    let shrunk = image::imageops::resize(
        &fit(img, w, h).to_rgba_image(),
        sw,
        sh,
        FilterType::Triangle,
    );
    let shrunk = Image {
        width: sw as usize,
        height: sh as usize,
        rgba: shrunk.into_raw(),
    };
    Ok(fit(&shrunk, w, h))
}

/// Fit `img` to the input of `spec`, scale its content by `scale` about the
/// centre (bilinear; > 1 zooms in) and normalise. Uncovered pixels follow
/// `mode`: black, wrapped around (circular), or real content of the larger fit
/// (crop, as in `prepare`); `Embed` scales its shrunk image inside the black canvas
/// (Azulay & Weiss's "Scale – Embedding – Black"). `scale = 1` gives exactly
/// `prepare(img, spec, 0, 0, mode)`.
pub fn prepare_scaled(
    img: &Image,
    spec: &InputSpec,
    scale: f32,
    mode: ShiftMode,
) -> Result<Prepared> {
    let (c, h, w) = spec.validate()?;
    if img.width == 0 || img.height == 0 {
        return Err(err!("the image is empty"));
    }
    if !(scale.is_finite() && scale > 0.0) {
        return Err(err!("a scale factor must be positive, got {scale}"));
    }
    let margin = if mode == ShiftMode::Crop {
        CROP_MARGIN
    } else {
        0
    };
    let source = if mode == ShiftMode::Embed {
        to_planes(&embed(img, w, h)?, c)
    } else {
        to_planes(&fit(img, w + 2 * margin, h + 2 * margin), c)
    };
    let (sh, sw) = (h + 2 * margin, w + 2 * margin);
    // Source coordinate of output pixel `x`: pixel centres scaled about the centre.
    let back = |x: usize, n: usize| {
        let centre = n as f64 / 2.0;
        (x as f64 + 0.5 - centre) / f64::from(scale) + centre - 0.5 + margin as f64
    };
    let sample = |plane: &[f32], sy: i64, sx: i64| -> f32 {
        let (sy, sx) = match mode {
            ShiftMode::Circular => (sy.rem_euclid(sh as i64), sx.rem_euclid(sw as i64)),
            ShiftMode::Black | ShiftMode::Crop | ShiftMode::Embed => {
                if !(0..sh as i64).contains(&sy) || !(0..sw as i64).contains(&sx) {
                    return 0.0;
                }
                (sy, sx)
            }
        };
        plane[sy as usize * sw + sx as usize]
    };
    let mut data = vec![0.0f32; c * h * w];
    for ch in 0..c {
        let plane = &source.data[ch * sh * sw..(ch + 1) * sh * sw];
        for y in 0..h {
            let fy = back(y, h);
            let (y0, ty) = (fy.floor() as i64, (fy - fy.floor()) as f32);
            for x in 0..w {
                let fx = back(x, w);
                let (x0, tx) = (fx.floor() as i64, (fx - fx.floor()) as f32);
                let top = sample(plane, y0, x0) * (1.0 - tx) + sample(plane, y0, x0 + 1) * tx;
                let bottom =
                    sample(plane, y0 + 1, x0) * (1.0 - tx) + sample(plane, y0 + 1, x0 + 1) * tx;
                data[(ch * h + y) * w + x] = top * (1.0 - ty) + bottom * ty;
            }
        }
    }
    let planes = Tensor {
        shape: vec![c, h, w],
        data,
    };
    Ok(Prepared {
        preview: planes_to_image(&planes),
        tensor: normalise(&planes, spec),
    })
}

/// The `w × h` window at `(left, top)` of `[c, H, W]` planes; black outside.
fn crop_window(src: &Tensor, left: i64, top: i64, w: usize, h: usize) -> Tensor {
    let (c, sh, sw) = crate::shift::plane_dims(src);
    let mut data = vec![0.0; c * h * w];
    for ch in 0..c {
        for y in 0..h {
            for x in 0..w {
                let (sx, sy) = (x as i64 + left, y as i64 + top);
                if (0..sw as i64).contains(&sx) && (0..sh as i64).contains(&sy) {
                    data[(ch * h + y) * w + x] =
                        src.data[(ch * sh + sy as usize) * sw + sx as usize];
                }
            }
        }
    }
    Tensor {
        shape: vec![c, h, w],
        data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grey(width: usize, height: usize, f: impl Fn(usize, usize) -> u8) -> Image {
        let mut rgba = Vec::new();
        for y in 0..height {
            for x in 0..width {
                let v = f(x, y);
                rgba.extend([v, v, v, 255]);
            }
        }
        Image::new(width, height, rgba).unwrap()
    }

    fn spec(c: usize, h: usize, w: usize) -> InputSpec {
        InputSpec {
            shape: vec![c, h, w],
            mean: vec![0.0; c],
            std: vec![1.0; c],
            ..InputSpec::default()
        }
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        RgbaImage::new(width, height)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn strips_huge_headers_and_large_pictures_are_refused_or_shrunk() {
        let strip = decode(&png(8192, 1)).unwrap_err().0;
        assert!(strip.contains("longer than wide"), "{strip}");
        assert!(decode(&png(1, 8192)).is_err());
        // A header claiming 100000×100000 (IHDR patched): refused before any decoding.
        let mut claim = png(2, 2);
        claim[16..24].copy_from_slice(&[0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0]);
        let crc = crc32(&claim[12..29]);
        claim[29..33].copy_from_slice(&crc.to_be_bytes());
        let huge = decode(&claim).unwrap_err().0;
        assert!(huge.contains("100000×100000"), "{huge}");
        let big = decode(&png(3000, 2000)).unwrap();
        assert_eq!((big.width, big.height), (WORKING_SIDE, 683));
        assert!(decode(&[0x89, b'P', b'N', b'G']).is_err());
    }

    #[test]
    fn small_images_are_padded_not_scaled() {
        let img = grey(2, 2, |_, _| 200);
        let fitted = fit(&img, 4, 4);
        let planes = to_planes(&fitted, 1);
        let ones: Vec<usize> = (0..16).filter(|&i| planes.data[i] > 0.0).collect();
        assert_eq!(ones, vec![5, 6, 9, 10]);
        assert_eq!(planes.data[5], 200.0 / 255.0);
    }

    #[test]
    fn crop_and_black_agree_on_a_digit_on_black() {
        let img = grey(6, 6, |x, y| if x == 2 && y == 3 { 255 } else { 0 });
        let s = spec(1, 8, 8);
        for (dx, dy) in [(0, 0), (2, -1), (-3, 3)] {
            let black = prepare(&img, &s, dx, dy, ShiftMode::Black).unwrap();
            let crop = prepare(&img, &s, dx, dy, ShiftMode::Crop).unwrap();
            assert_eq!(black.tensor, crop.tensor, "shift ({dx}, {dy})");
        }
    }

    #[test]
    fn crop_brings_in_real_content_where_black_brings_zeros() {
        let img = grey(64, 64, |x, _| x as u8 * 3 + 10);
        let s = spec(1, 32, 32);
        let black = prepare(&img, &s, 4, 0, ShiftMode::Black).unwrap();
        let crop = prepare(&img, &s, 4, 0, ShiftMode::Crop).unwrap();
        assert_eq!(black.tensor.data[0], 0.0);
        assert!(crop.tensor.data[0] > 0.0);
    }

    /// A bright square on a grey ground that fills the whole picture, so any cut shows.
    fn framed_picture() -> Image {
        grey(40, 40, |x, y| {
            if (10..30).contains(&x) && (12..28).contains(&y) {
                250
            } else {
                40
            }
        })
    }

    #[test]
    fn embed_at_the_origin_is_the_shrunk_image_centred() {
        let img = framed_picture();
        let (w, h) = (32, 32);
        let shrunk = image::imageops::resize(
            &fit(&img, w, h).to_rgba_image(),
            16,
            16,
            FilterType::Triangle,
        );
        let p = prepare(&img, &spec(1, h, w), 0, 0, ShiftMode::Embed).unwrap();
        for y in 0..h {
            for x in 0..w {
                let inside = (8..24).contains(&x) && (8..24).contains(&y);
                let expected = if inside {
                    f32::from(shrunk.get_pixel(x as u32 - 8, y as u32 - 8)[0]) / 255.0
                } else {
                    0.0
                };
                assert_eq!(p.tensor.data[y * w + x], expected, "pixel ({x}, {y})");
            }
        }
    }

    #[test]
    fn embed_moves_the_whole_image_and_cuts_nothing() {
        let img = framed_picture();
        let s = spec(1, 32, 32);
        let m = EMBED_MARGIN as i64;
        let origin = prepare(&img, &s, 0, 0, ShiftMode::Embed).unwrap().tensor;
        let mass: f32 = origin.data.iter().sum();
        for (dx, dy) in [(1, 0), (0, -1), (3, -5), (m, m), (-m, m), (-m, -m), (m, -m)] {
            let moved = prepare(&img, &s, dx, dy, ShiftMode::Embed).unwrap().tensor;
            assert_eq!(moved.data.iter().sum::<f32>(), mass, "mass at ({dx}, {dy})");
            // Every pixel of the shrunk image is where the shift puts it, and black elsewhere.
            for y in 0..32i64 {
                for x in 0..32i64 {
                    let (sx, sy) = (x - dx, y - dy);
                    let expected = if (0..32).contains(&sx) && (0..32).contains(&sy) {
                        origin.data[(sy * 32 + sx) as usize]
                    } else {
                        0.0
                    };
                    assert_eq!(
                        moved.data[(y * 32 + x) as usize],
                        expected,
                        "({dx}, {dy}) at ({x}, {y})"
                    );
                }
            }
        }
        // Black (cut) loses the picture's grey ground at the same largest shift.
        let cut: f32 = prepare(&img, &s, m, m, ShiftMode::Black)
            .unwrap()
            .tensor
            .data
            .iter()
            .sum();
        let whole: f32 = prepare(&img, &s, 0, 0, ShiftMode::Black)
            .unwrap()
            .tensor
            .data
            .iter()
            .sum();
        assert!(cut < whole, "{cut} vs {whole}");
    }

    #[test]
    fn embed_refuses_shifts_past_its_frame_and_inputs_too_small_for_it() {
        let img = framed_picture();
        let reach = EMBED_MARGIN as i64 + 1;
        for (dx, dy) in [(reach, 0), (0, -reach)] {
            let e = prepare(&img, &spec(1, 32, 32), dx, dy, ShiftMode::Embed)
                .unwrap_err()
                .0;
            assert!(e.contains("black frame"), "{e}");
            assert!(prepare(&img, &spec(1, 32, 32), dx, dy, ShiftMode::Black).is_ok());
        }
        let e = prepare(&img, &spec(1, 16, 16), 0, 0, ShiftMode::Embed)
            .unwrap_err()
            .0;
        assert!(e.contains("larger than 16×16"), "{e}");
    }

    #[test]
    fn embed_keeps_the_aspect_and_the_frame_of_a_wide_input() {
        let img = grey(60, 30, |_, _| 255);
        let e = embed(&img, 64, 32).unwrap();
        let lit: Vec<(usize, usize)> = (0..32)
            .flat_map(|y| (0..64).map(move |x| (x, y)))
            .filter(|&(x, y)| e.rgba[(y * 64 + x) * 4] > 0)
            .collect();
        let (xs, ys): (Vec<usize>, Vec<usize>) = lit.iter().copied().unzip();
        let (x0, x1) = (*xs.iter().min().unwrap(), *xs.iter().max().unwrap());
        let (y0, y1) = (*ys.iter().min().unwrap(), *ys.iter().max().unwrap());
        // One factor, 0.5, on both axes: 32×16, centred, 8 px of black above and below.
        assert_eq!((x1 - x0 + 1, y1 - y0 + 1), (32, 16));
        assert_eq!((x0, y0), (16, 8));
    }

    #[test]
    fn the_embed_explanation_names_its_frame() {
        let (_, _, text) = crate::shift::MODE_CHOICES
            .iter()
            .find(|(value, ..)| *value == "embed")
            .unwrap();
        assert!(text.contains(&format!("{EMBED_MARGIN} px")), "{text}");
    }

    #[test]
    fn normalisation_uses_each_channel() {
        let t = Tensor::new(vec![2, 1, 1], vec![0.5, 0.5]).unwrap();
        let spec = InputSpec {
            shape: vec![2, 1, 1],
            mean: vec![0.5, 0.0],
            std: vec![1.0, 0.25],
            ..InputSpec::default()
        };
        assert_eq!(normalise(&t, &spec).data, vec![0.0, 2.0]);
    }

    #[test]
    fn rejects_what_is_not_an_image() {
        assert!(
            decode(b"hello, this is text")
                .unwrap_err()
                .0
                .contains("not a PNG or JPEG")
        );
        assert!(decode(&[]).is_err());
        let mut png = Vec::new();
        let img = RgbaImage::from_raw(1, 1, vec![1, 2, 3, 4]).unwrap();
        img.write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        assert_eq!(decode(&png).unwrap().rgba, vec![1, 2, 3, 4]);
        assert!(
            decode(&png[..png.len() / 2])
                .unwrap_err()
                .0
                .contains("cannot decode")
        );
    }

    #[test]
    fn layout_and_order_are_written_only_when_not_nchw_rgb() {
        let plain: InputSpec =
            serde_json::from_str(r#"{"shape":[3,2,2],"mean":[0,0,0],"std":[1,1,1]}"#).unwrap();
        assert_eq!((plain.layout, plain.order), (None, None));
        let text = serde_json::to_string(&plain).unwrap();
        assert!(
            !text.contains("layout") && !text.contains("order"),
            "{text}"
        );
        let keras: InputSpec = serde_json::from_str(
            r#"{"shape":[3,2,2],"mean":[0,0,0],"std":[1,1,1],"layout":"nhwc","order":"bgr"}"#,
        )
        .unwrap();
        assert_eq!(
            (keras.layout, keras.order),
            (Some(Layout::Nhwc), Some(ChannelOrder::Bgr))
        );
    }

    #[test]
    fn bad_specs_are_refused() {
        assert!(spec(2, 4, 4).validate().is_err());
        assert!(
            InputSpec {
                shape: vec![1, 4],
                mean: vec![0.0],
                std: vec![1.0],
                ..InputSpec::default()
            }
            .validate()
            .is_err()
        );
        assert!(
            InputSpec {
                shape: vec![1, 4, 4],
                mean: vec![0.0],
                std: vec![0.0],
                ..InputSpec::default()
            }
            .validate()
            .is_err()
        );
    }
}
