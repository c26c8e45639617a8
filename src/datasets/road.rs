//! Road scenes for the depth lab (van Dijk & de Croon 2019, "How do neural
//! networks see depth in single images?"): a pinhole camera over a flat ground
//! plane, a straight road with edge lines and a dashed centre line, verges,
//! fields and sky, and box obstacles (cars, vans, trucks, pedestrians) standing
//! on the ground. Ground truth is the per-pixel inverse depth (1/m, 0 for sky).
//!
//! The image is 96×160; rays are cast through 4×4 sub-pixels and box-filtered,
//! so an obstacle's contact with the ground lands on sub-pixel rows. All the
//! arithmetic is f32 with IEEE-exact operations and `libm` trigonometry (once
//! per scene), so the page renders exactly the scenes the models were trained on.
//!
//! Coordinates: world X right, Y down, Z forward, the camera at the origin and
//! the ground the plane Y = camera height. Image column `u` and row `v` are
//! continuous (pixel `i` spans [i, i + 1)); the principal point is
//! (`CENTRE_COLUMN`, `HORIZON_ROW`), so at zero pitch and roll the horizon is
//! the line v = 40 and a point on the ground Z metres ahead is at row
//! 40 + f·h/Z. Obstacles are boxes seen from the front: their visible face is
//! the rectangle Z = distance, which is what the camera sees of a box ahead.

use super::write_all;
use crate::rng::Rng;
use crate::{Result, Tensor, err};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use ts_rs::TS;

pub const HEIGHT: usize = 96;
pub const WIDTH: usize = 160;
/// Focal length in pixels (about a 82° horizontal field of view).
pub const FOCAL: f32 = 93.0;
pub const CAMERA_HEIGHT: f32 = 1.65;
/// The principal point's row: the horizon at zero pitch and roll.
pub const HORIZON_ROW: f32 = 40.0;
pub const CENTRE_COLUMN: f32 = WIDTH as f32 / 2.0;
/// Rays per pixel side; the image is the box-filtered 4× rendering.
pub const SUPERSAMPLE: usize = 4;
/// Obstacles of the data sets stand this near and this far.
pub const MIN_DISTANCE: f32 = 4.0;
pub const MAX_DISTANCE: f32 = 45.0;
/// The pose-jittered sets draw pitch and roll from ±these degrees and the
/// camera height from this range (metres).
pub const JITTER_PITCH_DEG: f32 = 6.0;
pub const JITTER_ROLL_DEG: f32 = 6.0;
pub const JITTER_HEIGHT: (f32, f32) = (1.3, 2.1);
/// The most obstacles a data-set scene holds.
pub const MAX_OBSTACLES: usize = 5;

/// How strongly shadows darken the ground, and how far they reach in front of
/// an obstacle's face and beside it (metres).
const SHADOW_FACTOR: f32 = 0.3;
const SHADOW_LENGTH: f32 = 0.6;
const SHADOW_SIDE: f32 = 0.15;
/// Outline thickness of an obstacle whose interior is removed, as a fraction of its width.
const OUTLINE: f32 = 0.08;

/// Where the camera looks: pitch (degrees, positive looks down, which moves the
/// horizon up by f·tan θ), roll (degrees about the optical axis, positive turns
/// the horizon counter-clockwise on the screen) and height above the ground (m).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "RoadCamera")]
pub struct Camera {
    pub pitch: f32,
    pub roll: f32,
    pub height: f32,
}

impl Default for Camera {
    fn default() -> Self {
        Camera {
            pitch: 0.0,
            roll: 0.0,
            height: CAMERA_HEIGHT,
        }
    }
}

/// A camera's rotation, worked out once: camera axes in world coordinates.
#[derive(Debug, Clone, Copy)]
struct Pose {
    /// World = right·x + down·y + forward·z for a camera-frame vector (x, y, z).
    right: [f32; 3],
    down: [f32; 3],
    forward: [f32; 3],
    height: f32,
}

impl Camera {
    fn pose(&self) -> Pose {
        let (pitch, roll) = (self.pitch.to_radians(), self.roll.to_radians());
        let (sp, cp) = (libm::sinf(pitch), libm::cosf(pitch));
        let (sr, cr) = (libm::sinf(roll), libm::cosf(roll));
        // Roll about the optical axis, then pitch down about the world X axis.
        let pitched = |x: f32, y: f32, z: f32| [x, y * cp + z * sp, z * cp - y * sp];
        Pose {
            right: pitched(cr, sr, 0.0),
            down: pitched(-sr, cr, 0.0),
            forward: pitched(0.0, 0.0, 1.0),
            height: self.height,
        }
    }

    /// The row of the horizon at the centre column: 40 − f·tan(pitch) at zero roll.
    pub fn horizon_row(&self) -> f32 {
        let pose = self.pose();
        // Points where the ray's world Y is 0, along u = centre: (v − cy)/f·down.y + forward.y = 0.
        HORIZON_ROW - FOCAL * pose.forward[1] / pose.down[1]
    }

    /// Where a world point lands in the image, `(u, v)`, or `None` behind the camera.
    pub fn project(&self, point: [f32; 3]) -> Option<(f32, f32)> {
        let pose = self.pose();
        let dot = |a: [f32; 3]| a[0] * point[0] + a[1] * point[1] + a[2] * point[2];
        let z = dot(pose.forward);
        (z > 1e-3).then(|| {
            (
                CENTRE_COLUMN + FOCAL * dot(pose.right) / z,
                HORIZON_ROW + FOCAL * dot(pose.down) / z,
            )
        })
    }

    /// The ground point `(X, Z)` seen at image position `(u, v)`, or `None` above the horizon.
    pub fn ground_point(&self, u: f32, v: f32) -> Option<(f32, f32)> {
        let ray = self.pose().ray(u, v);
        (ray[1] > 1e-6).then(|| {
            let t = self.height / ray[1];
            (t * ray[0], t * ray[2])
        })
    }
}

impl Pose {
    /// The world direction of the ray through image point `(u, v)`, scaled so that
    /// its camera-frame depth is 1 (a hit at `t` is `t` metres deep).
    fn ray(&self, u: f32, v: f32) -> [f32; 3] {
        let (x, y) = ((u - CENTRE_COLUMN) / FOCAL, (v - HORIZON_ROW) / FOCAL);
        [0, 1, 2].map(|k| self.right[k] * x + self.down[k] * y + self.forward[k])
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(rename = "RoadKind")]
pub enum Kind {
    Car,
    Van,
    Truck,
    Pedestrian,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Car, Kind::Van, Kind::Truck, Kind::Pedestrian];

    /// Width and height ranges (metres) the data sets draw from.
    pub fn sizes(self) -> ((f32, f32), (f32, f32)) {
        match self {
            Kind::Car => ((1.6, 1.9), (1.4, 1.6)),
            Kind::Van => ((1.9, 2.1), (1.9, 2.4)),
            Kind::Truck => ((2.4, 2.6), (3.0, 3.8)),
            Kind::Pedestrian => ((0.45, 0.7), (1.55, 1.95)),
        }
    }

    /// The middle of each range: the lab's object at scale 1.
    pub fn typical_size(self) -> (f32, f32) {
        let ((w0, w1), (h0, h1)) = self.sizes();
        ((w0 + w1) / 2.0, (h0 + h1) / 2.0)
    }

    /// The darker window band, as fractions of the height from the bottom.
    fn windows(self) -> Option<(f32, f32)> {
        match self {
            Kind::Car => Some((0.55, 0.85)),
            Kind::Van => Some((0.62, 0.85)),
            Kind::Truck => Some((0.72, 0.86)),
            Kind::Pedestrian => None,
        }
    }
}

/// How an obstacle is drawn: the cues the lab turns on and off.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "RoadLook")]
pub struct Look {
    /// A dark patch on the ground in front of and beside the obstacle.
    pub shadow: bool,
    /// The dark bottom band (underbody, wheels, legs) as a fraction of the height.
    pub band: f32,
    /// The band's grey level in [0, 1].
    pub band_brightness: f32,
    /// Draw only the outline and the bottom band; the inside shows what is behind.
    pub hollow: bool,
    /// The body colour as its luminance.
    pub grayscale: bool,
    /// Rotate the body colour's hue by this many degrees.
    pub hue_shift: f32,
}

impl Default for Look {
    fn default() -> Self {
        Look {
            shadow: true,
            band: 0.15,
            band_brightness: 0.1,
            hollow: false,
            grayscale: false,
            hue_shift: 0.0,
        }
    }
}

/// A box standing on the ground, its face `distance` metres ahead (world Z),
/// centred `lateral` metres right of the camera.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "RoadObstacle")]
pub struct Obstacle {
    pub kind: Kind,
    pub lateral: f32,
    pub distance: f32,
    pub width: f32,
    pub height: f32,
    /// Body colour, RGB in [0, 1].
    pub colour: [f32; 3],
    pub look: Look,
}

impl Obstacle {
    /// The body colour after the look's grayscale and hue rotation.
    fn body(&self) -> [f32; 3] {
        let c = rotate_hue(self.colour, self.look.hue_shift);
        if self.look.grayscale {
            let y = 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
            [y; 3]
        } else {
            c
        }
    }

    /// The colour at face coordinates `across` (0 left … 1 right) and `up` (0 ground … 1
    /// top), or `None` where a hollow obstacle shows what is behind it.
    fn colour_at(&self, body: [f32; 3], across: f32, up: f32) -> Option<[f32; 3]> {
        let look = &self.look;
        if up < look.band {
            return Some([look.band_brightness; 3]);
        }
        let edge = OUTLINE.min(0.5);
        let on_outline = across < edge || across > 1.0 - edge || up > 1.0 - edge * 0.5;
        if look.hollow && !on_outline {
            return None;
        }
        if let Some((lo, hi)) = self.kind.windows()
            && (lo..hi).contains(&up)
            && (0.1..0.9).contains(&across)
        {
            return Some(body.map(|c| c * 0.3 + 0.05));
        }
        if self.kind == Kind::Pedestrian && up > 0.87 {
            return Some([0.8, 0.62, 0.5]);
        }
        // A little shading: lighter towards the top, like light from the sky.
        Some(body.map(|c| c * (0.85 + 0.15 * up)))
    }
}

/// The road and its surroundings, relative to the camera.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "RoadLayout")]
pub struct Layout {
    /// The road centre's X (m): the camera drives in one of the two lanes.
    pub centre: f32,
    /// Half the road's width (m).
    pub half_width: f32,
    /// Where the 3 m dashes of the 9 m centre-line period start (m).
    pub dash_phase: f32,
    /// Asphalt grey level.
    pub asphalt: f32,
    pub verge: [f32; 3],
    pub field: [f32; 3],
    pub sky_top: [f32; 3],
    pub sky_horizon: [f32; 3],
    /// Seeds the ground's texture.
    pub texture: u32,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            centre: -1.8,
            half_width: 3.6,
            dash_phase: 0.0,
            asphalt: 0.38,
            verge: [0.36, 0.5, 0.22],
            field: [0.3, 0.42, 0.2],
            sky_top: [0.35, 0.55, 0.85],
            sky_horizon: [0.78, 0.85, 0.92],
            texture: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "RoadScene")]
pub struct Scene {
    pub camera: Camera,
    pub layout: Layout,
    pub obstacles: Vec<Obstacle>,
}

/// A rendered scene: the picture, its truth and which pixels show what.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// `[3, 96, 160]` RGB in [0, 1].
    pub image: Tensor,
    /// Per pixel, the mean of 1/depth over its rays (depth along the optical axis, m;
    /// sky rays count 0).
    pub inverse_depth: Vec<f32>,
    /// Per pixel, the fraction of its rays that end on the ground.
    pub ground: Vec<f32>,
    /// Per obstacle, per pixel: the fraction of rays that meet its silhouette first
    /// (a hollow obstacle's inside counts: it is where its depth belongs).
    pub coverage: Vec<Vec<f32>>,
}

/// What a ray meets first.
enum Hit {
    Sky,
    Ground { x: f32, z: f32, t: f32 },
    Obstacle { colour: [f32; 3], t: f32 },
}

fn mix(a: [f32; 3], b: [f32; 3], k: f32) -> [f32; 3] {
    [0, 1, 2].map(|i| a[i] + (b[i] - a[i]) * k)
}

/// A value in [-1, 1) from two cell indices and a seed (integer hashing only).
fn cell_noise(i: i32, j: i32, seed: u32) -> f32 {
    let mut h = (i as u32).wrapping_mul(0x8da6_b343) ^ (j as u32).wrapping_mul(0xd816_3841) ^ seed;
    h ^= h >> 15;
    h = h.wrapping_mul(0x2c1b_3c6d);
    h ^= h >> 12;
    h = h.wrapping_mul(0x297a_2d39);
    h ^= h >> 15;
    (h >> 8) as f32 / (1u32 << 23) as f32 - 1.0
}

/// Hue rotation through HSV (exact f32 arithmetic only).
pub fn rotate_hue(rgb: [f32; 3], degrees: f32) -> [f32; 3] {
    if degrees == 0.0 {
        return rgb;
    }
    let [r, g, b] = rgb;
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    let chroma = max - min;
    if chroma <= 0.0 {
        return rgb;
    }
    let hue = if max == r {
        ((g - b) / chroma).rem_euclid(6.0)
    } else if max == g {
        (b - r) / chroma + 2.0
    } else {
        (r - g) / chroma + 4.0
    } * 60.0;
    hsv((hue + degrees).rem_euclid(360.0), chroma / max, max)
}

/// RGB from hue (degrees), saturation and value.
pub fn hsv(hue: f32, saturation: f32, value: f32) -> [f32; 3] {
    let c = value * saturation;
    let h = hue.rem_euclid(360.0) / 60.0;
    let x = c * (1.0 - ((h.rem_euclid(2.0)) - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = value - c;
    [r + m, g + m, b + m]
}

impl Scene {
    /// The scene with its obstacles replaced.
    pub fn with_obstacles(&self, obstacles: Vec<Obstacle>) -> Scene {
        Scene {
            obstacles,
            ..self.clone()
        }
    }

    fn trace(&self, pose: &Pose, bodies: &[[f32; 3]], ray: [f32; 3]) -> (Hit, Option<usize>) {
        let (mut drawn, ground_t) = if ray[1] > 1e-6 {
            let t = pose.height / ray[1];
            let (x, z) = (t * ray[0], t * ray[2]);
            (Hit::Ground { x, z, t }, t)
        } else {
            (Hit::Sky, f32::INFINITY)
        };
        // The silhouette met first, and the surface drawn: a hollow face lets the
        // ray through to what is behind it.
        let mut silhouette: Option<(usize, f32)> = None;
        let mut drawn_t = ground_t;
        if ray[2] <= 1e-6 {
            return (drawn, None);
        }
        for (index, o) in self.obstacles.iter().enumerate() {
            let t = o.distance / ray[2];
            if t >= ground_t {
                continue;
            }
            let across = (t * ray[0] - o.lateral) / o.width + 0.5;
            let up = (pose.height - t * ray[1]) / o.height;
            if !(0.0..1.0).contains(&across) || !(0.0..1.0).contains(&up) {
                continue;
            }
            if silhouette.is_none_or(|(_, s)| t < s) {
                silhouette = Some((index, t));
            }
            if t < drawn_t
                && let Some(colour) = o.colour_at(bodies[index], across, up)
            {
                drawn = Hit::Obstacle { colour, t };
                drawn_t = t;
            }
        }
        (drawn, silhouette.map(|(i, _)| i))
    }

    fn ground_colour(&self, x: f32, z: f32) -> [f32; 3] {
        let l = &self.layout;
        let across = x - l.centre;
        let side = across.abs();
        let noise = cell_noise(
            (x / 0.5).floor() as i32,
            (z / 0.5).floor() as i32,
            l.texture,
        );
        let mut c = if side <= l.half_width {
            let edge_line = side >= l.half_width - 0.3 && side <= l.half_width - 0.15;
            let dash = side <= 0.08 && (z - l.dash_phase).rem_euclid(9.0) < 3.0;
            if edge_line || dash {
                [0.9, 0.9, 0.86]
            } else {
                [l.asphalt + 0.025 * noise; 3]
            }
        } else if side <= l.half_width + 3.0 {
            l.verge.map(|v| v * (1.0 + 0.12 * noise))
        } else {
            l.field.map(|v| v * (1.0 + 0.2 * noise))
        };
        for o in &self.obstacles {
            if o.look.shadow
                && z <= o.distance
                && z >= o.distance - SHADOW_LENGTH
                && (x - o.lateral).abs() <= o.width / 2.0 + SHADOW_SIDE
            {
                c = c.map(|v| v * SHADOW_FACTOR);
            }
        }
        // Haze: far ground fades towards the sky's horizon colour.
        mix(c, l.sky_horizon, z / (z + 250.0))
    }

    fn sky_colour(&self, ray: [f32; 3]) -> [f32; 3] {
        let elevation = (-ray[1] / ray[2].max(1e-3) * 2.5).clamp(0.0, 1.0);
        mix(self.layout.sky_horizon, self.layout.sky_top, elevation)
    }

    /// Cast 4×4 rays per pixel and box-filter them.
    pub fn render(&self) -> Rendered {
        let pose = self.camera.pose();
        let bodies: Vec<[f32; 3]> = self.obstacles.iter().map(Obstacle::body).collect();
        let plane = HEIGHT * WIDTH;
        let mut image = vec![0.0f32; 3 * plane];
        let mut inverse_depth = vec![0.0f32; plane];
        let mut ground = vec![0.0f32; plane];
        let mut coverage = vec![vec![0.0f32; plane]; self.obstacles.len()];
        let rays = (SUPERSAMPLE * SUPERSAMPLE) as f32;
        let step = 1.0 / SUPERSAMPLE as f32;
        for row in 0..HEIGHT {
            for col in 0..WIDTH {
                let p = row * WIDTH + col;
                let mut rgb = [0.0f32; 3];
                let (mut inv, mut on_ground) = (0.0f32, 0.0f32);
                for sy in 0..SUPERSAMPLE {
                    let v = row as f32 + (sy as f32 + 0.5) * step;
                    for sx in 0..SUPERSAMPLE {
                        let u = col as f32 + (sx as f32 + 0.5) * step;
                        let ray = pose.ray(u, v);
                        let (hit, silhouette) = self.trace(&pose, &bodies, ray);
                        let (colour, t) = match hit {
                            Hit::Sky => (self.sky_colour(ray), f32::INFINITY),
                            Hit::Ground { x, z, t } => {
                                if silhouette.is_none() {
                                    on_ground += 1.0;
                                }
                                (self.ground_colour(x, z), t)
                            }
                            Hit::Obstacle { colour, t, .. } => (colour, t),
                        };
                        if let Some(i) = silhouette {
                            coverage[i][p] += 1.0;
                        }
                        for k in 0..3 {
                            rgb[k] += colour[k];
                        }
                        inv += 1.0 / t;
                    }
                }
                for k in 0..3 {
                    image[k * plane + p] = (rgb[k] / rays).clamp(0.0, 1.0);
                }
                inverse_depth[p] = inv / rays;
                ground[p] = on_ground / rays;
                for c in &mut coverage {
                    c[p] /= rays;
                }
            }
        }
        Rendered {
            image: Tensor {
                shape: vec![3, HEIGHT, WIDTH],
                data: image,
            },
            inverse_depth,
            ground,
            coverage,
        }
    }
}

/// A random obstacle of `kind` at `distance`, `lateral` m right of the camera.
pub fn random_obstacle(rng: &mut Rng, kind: Kind, lateral: f32, distance: f32) -> Obstacle {
    let ((w0, w1), (h0, h1)) = kind.sizes();
    let width = rng.uniform_in(w0, w1);
    let height = rng.uniform_in(h0, h1);
    let colour = hsv(
        rng.uniform_in(0.0, 360.0),
        rng.uniform_in(0.2, 0.9),
        rng.uniform_in(0.35, 0.95),
    );
    let look = Look {
        band: rng.uniform_in(0.1, 0.2),
        band_brightness: rng.uniform_in(0.05, 0.18),
        ..Look::default()
    };
    Obstacle {
        kind,
        lateral,
        distance,
        width,
        height,
        colour,
        look,
    }
}

/// A random road, verge, field and sky.
pub fn random_layout(rng: &mut Rng) -> Layout {
    let half_width = rng.uniform_in(3.2, 4.0);
    // The camera drives in the middle of the right or the left lane, give or take.
    let lane = if rng.below(4) == 0 { 1.0 } else { -1.0 };
    let centre = lane * half_width / 2.0 + rng.uniform_in(-0.5, 0.5);
    let green = rng.uniform_in(70.0, 110.0);
    let sky_hue = rng.uniform_in(195.0, 225.0);
    Layout {
        centre,
        half_width,
        dash_phase: rng.uniform_in(0.0, 9.0),
        asphalt: rng.uniform_in(0.25, 0.5),
        verge: hsv(green, rng.uniform_in(0.35, 0.6), rng.uniform_in(0.35, 0.6)),
        field: hsv(
            green - 25.0,
            rng.uniform_in(0.3, 0.6),
            rng.uniform_in(0.3, 0.55),
        ),
        sky_top: hsv(sky_hue, rng.uniform_in(0.4, 0.65), rng.uniform_in(0.7, 0.9)),
        sky_horizon: hsv(
            sky_hue,
            rng.uniform_in(0.05, 0.2),
            rng.uniform_in(0.85, 0.97),
        ),
        texture: rng.next_u32(),
    }
}

/// Up to `count` random obstacles on `layout`: vehicles in the lanes or parked on the
/// verge, pedestrians beside the road, between `MIN_DISTANCE` and `MAX_DISTANCE`.
/// Lateral positions with |X| below `keep_clear` are avoided (room for the lab's object).
pub fn random_obstacles(
    rng: &mut Rng,
    layout: &Layout,
    count: usize,
    keep_clear: f32,
) -> Vec<Obstacle> {
    let mut obstacles = Vec::with_capacity(count);
    for _ in 0..count {
        let kind = match rng.below(10) {
            0..=4 => Kind::Car,
            5 | 6 => Kind::Van,
            7 => Kind::Truck,
            _ => Kind::Pedestrian,
        };
        let lane_half = layout.half_width / 2.0;
        let lateral = match kind {
            Kind::Pedestrian => {
                let side = if rng.below(2) == 0 { -1.0 } else { 1.0 };
                layout.centre + side * (layout.half_width + rng.uniform_in(0.3, 2.5))
            }
            _ => match rng.below(5) {
                0 => layout.centre - lane_half + rng.uniform_in(-0.4, 0.4),
                1 | 2 => layout.centre + lane_half + rng.uniform_in(-0.4, 0.4),
                3 => layout.centre - lane_half * 0.9 + rng.uniform_in(-0.4, 0.4),
                _ => {
                    let side = if rng.below(2) == 0 { -1.0 } else { 1.0 };
                    layout.centre + side * (layout.half_width + rng.uniform_in(0.6, 1.6))
                }
            },
        };
        let distance = rng.uniform_in(MIN_DISTANCE, MAX_DISTANCE);
        if lateral.abs() < keep_clear {
            continue;
        }
        obstacles.push(random_obstacle(rng, kind, lateral, distance));
    }
    // Far to near, so nearer faces win ties in the obvious way when read.
    obstacles.sort_by(|a, b| b.distance.total_cmp(&a.distance));
    obstacles
}

/// Which camera poses a set draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(rename = "RoadPoses")]
pub enum Poses {
    /// Pitch 0, roll 0, height 1.65 m, as in KITTI.
    Fixed,
    /// Pitch and roll within ±6°, height 1.3–2.1 m.
    Jittered,
}

impl Poses {
    pub fn draw(self, rng: &mut Rng) -> Camera {
        match self {
            Poses::Fixed => Camera::default(),
            Poses::Jittered => Camera {
                pitch: rng.uniform_in(-JITTER_PITCH_DEG, JITTER_PITCH_DEG),
                roll: rng.uniform_in(-JITTER_ROLL_DEG, JITTER_ROLL_DEG),
                height: rng.uniform_in(JITTER_HEIGHT.0, JITTER_HEIGHT.1),
            },
        }
    }
}

/// A data set split: poses × train/test, each on its own random stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    pub poses: Poses,
    pub test: bool,
}

impl FromStr for Split {
    type Err = crate::Error;

    fn from_str(name: &str) -> Result<Self> {
        let (poses, test) = match name {
            "fixed-train" => (Poses::Fixed, false),
            "fixed-test" => (Poses::Fixed, true),
            "jitter-train" => (Poses::Jittered, false),
            "jitter-test" => (Poses::Jittered, true),
            _ => {
                return Err(err!(
                    "unknown road split {name:?}: use fixed-train, fixed-test, jitter-train or jitter-test"
                ));
            }
        };
        Ok(Split { poses, test })
    }
}

impl Split {
    fn stream(self) -> u64 {
        31 + 2 * (self.poses == Poses::Jittered) as u64 + self.test as u64
    }
}

/// The random generator of scene `index` of a seeded sequence: every scene has its own,
/// so the page can draw scene k without the k − 1 before it.
pub fn scene_rng(seed: u64, index: usize, stream: u64) -> Rng {
    Rng::with_stream(
        seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ index as u64,
        stream,
    )
}

/// Scene `index` of a split: a random layout, pose and 1–5 obstacles.
pub fn scene(split: Split, seed: u64, index: usize) -> Scene {
    let mut rng = scene_rng(seed, index, split.stream());
    let layout = random_layout(&mut rng);
    let camera = split.poses.draw(&mut rng);
    let count = 1 + rng.below(MAX_OBSTACLES as u32) as usize;
    let obstacles = random_obstacles(&mut rng, &layout, count, 0.0);
    Scene {
        camera,
        layout,
        obstacles,
    }
}

/// Images and their inverse-depth maps.
#[derive(Debug, Clone, PartialEq)]
pub struct DepthSet {
    /// `[n, 3, 96, 160]` RGB in [0, 1].
    pub images: Tensor,
    /// `[n, 1, 96, 160]` inverse depth in 1/m.
    pub targets: Tensor,
}

impl DepthSet {
    pub fn parts(&self) -> [(&'static str, &Tensor); 2] {
        [("images", &self.images), ("targets", &self.targets)]
    }

    pub fn write_npy(&self, dir: &Path, prefix: &str) -> Result<Vec<PathBuf>> {
        write_all(dir, prefix, &self.parts())
    }
}

/// The first `n` scenes of a split, rendered.
pub fn generate(split: Split, n: usize, seed: u64) -> Result<DepthSet> {
    if n == 0 {
        return Err(err!("a road set needs at least one scene"));
    }
    let plane = HEIGHT * WIDTH;
    let mut images = Vec::with_capacity(n * 3 * plane);
    let mut targets = Vec::with_capacity(n * plane);
    for i in 0..n {
        let r = scene(split, seed, i).render();
        images.extend_from_slice(&r.image.data);
        targets.extend_from_slice(&r.inverse_depth);
    }
    Ok(DepthSet {
        images: Tensor::new(vec![n, 3, HEIGHT, WIDTH], images)?,
        targets: Tensor::new(vec![n, 1, HEIGHT, WIDTH], targets)?,
    })
}

/// FNV-1a over the bits of a rendering's picture and inverse depth: equal
/// fingerprints natively and in wasm mean bit-identical scenes.
pub fn fingerprint(rendered: &Rendered) -> u64 {
    rendered
        .image
        .data
        .iter()
        .chain(&rendered.inverse_depth)
        .flat_map(|v| v.to_bits().to_le_bytes())
        .fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
}
